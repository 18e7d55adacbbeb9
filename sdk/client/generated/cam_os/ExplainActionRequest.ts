// Original file: proto/cam_os.proto


export interface ExplainActionRequest {
  'traceId'?: (string);
  'actionId'?: (string);
  'taskId'?: (string);
}

export interface ExplainActionRequest__Output {
  'traceId': (string);
  'actionId': (string);
  'taskId': (string);
}
