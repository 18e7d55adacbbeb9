// Original file: proto/cam_os.proto


export interface TokenCreateResponse {
  'tokenId'?: (string);
  'token'?: (string);
  'agentId'?: (string);
}

export interface TokenCreateResponse__Output {
  'tokenId': (string);
  'token': (string);
  'agentId': (string);
}
