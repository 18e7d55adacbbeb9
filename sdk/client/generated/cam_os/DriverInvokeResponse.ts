// Original file: proto/cam_os.proto


export interface DriverInvokeResponse {
  'output'?: (Buffer | Uint8Array | string);
  'driver'?: (string);
  'durationMs'?: (number | string);
  'queuedMs'?: (number | string);
}

export interface DriverInvokeResponse__Output {
  'output': (Buffer);
  'driver': (string);
  'durationMs': (number);
  'queuedMs': (number);
}
