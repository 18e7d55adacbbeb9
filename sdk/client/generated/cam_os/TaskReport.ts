// Original file: proto/cam_os.proto


export interface TaskReport {
  'state'?: (string);
  'output'?: (Buffer | Uint8Array | string);
  'error'?: (string);
}

export interface TaskReport__Output {
  'state': (string);
  'output': (Buffer);
  'error': (string);
}
