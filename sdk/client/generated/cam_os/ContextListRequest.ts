// Original file: proto/cam_os.proto


export interface ContextListRequest {
  'namespace'?: (string);
  'prefix'?: (string);
  'limit'?: (number);
  'pageToken'?: (string);
}

export interface ContextListRequest__Output {
  'namespace': (string);
  'prefix': (string);
  'limit': (number);
  'pageToken': (string);
}
