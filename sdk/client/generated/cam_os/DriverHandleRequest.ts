// Original file: proto/cam_os.proto


export interface DriverHandleRequest {
  'input'?: (Buffer | Uint8Array | string);
  'caller'?: (string);
  'taskId'?: (string);
  'kernelAddress'?: (string);
  'token'?: (string);
}

export interface DriverHandleRequest__Output {
  'input': (Buffer);
  'caller': (string);
  'taskId': (string);
  'kernelAddress': (string);
  'token': (string);
}
