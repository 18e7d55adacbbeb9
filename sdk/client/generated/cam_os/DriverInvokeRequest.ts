// Original file: proto/cam_os.proto


export interface DriverInvokeRequest {
  'name'?: (string);
  'input'?: (Buffer | Uint8Array | string);
  'version'?: (string);
  'timeoutMs'?: (number);
  'env'?: ({[key: string]: string});
}

export interface DriverInvokeRequest__Output {
  'name': (string);
  'input': (Buffer);
  'version': (string);
  'timeoutMs': (number);
  'env': ({[key: string]: string});
}
