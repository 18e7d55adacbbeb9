// Original file: proto/cam_os.proto


export interface DriverHandleResponse {
  'output'?: (Buffer | Uint8Array | string);
  'error'?: (string);
}

export interface DriverHandleResponse__Output {
  'output': (Buffer);
  'error': (string);
}
