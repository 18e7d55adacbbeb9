// Original file: proto/cam_os.proto


export interface TaskRollbackResponse {
  'taskId'?: (string);
  'state'?: (string);
  'keysRestored'?: (string)[];
}

export interface TaskRollbackResponse__Output {
  'taskId': (string);
  'state': (string);
  'keysRestored': (string)[];
}
