// Original file: proto/cam_os.proto


export interface TaskRollbackRequest {
  'taskId'?: (string);
  'reason'?: (string);
  'force'?: (boolean);
}

export interface TaskRollbackRequest__Output {
  'taskId': (string);
  'reason': (string);
  'force': (boolean);
}
