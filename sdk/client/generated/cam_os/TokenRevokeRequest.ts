// Original file: proto/cam_os.proto


export interface TokenRevokeRequest {
  'tokenId'?: (string);
  'agentId'?: (string);
}

export interface TokenRevokeRequest__Output {
  'tokenId': (string);
  'agentId': (string);
}
