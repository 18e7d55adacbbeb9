// Original file: proto/cam_os.proto


export interface TaskListRequest {
  'state'?: (string);
  'agentId'?: (string);
  'limit'?: (number);
}

export interface TaskListRequest__Output {
  'state': (string);
  'agentId': (string);
  'limit': (number);
}
