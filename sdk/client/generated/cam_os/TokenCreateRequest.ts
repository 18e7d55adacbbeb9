// Original file: proto/cam_os.proto


export interface TokenCreateRequest {
  'agentId'?: (string);
  'description'?: (string);
}

export interface TokenCreateRequest__Output {
  'agentId': (string);
  'description': (string);
}
