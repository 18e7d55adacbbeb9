// Original file: proto/cam_os.proto


export interface ContextRestoreRequest {
  'snapshotId'?: (string);
  'force'?: (boolean);
  'restoreInto'?: (string);
}

export interface ContextRestoreRequest__Output {
  'snapshotId': (string);
  'force': (boolean);
  'restoreInto': (string);
}
