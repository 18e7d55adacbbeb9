// Original file: proto/cam_os.proto


export interface TokenRevokeResponse {
  'revoked'?: (number);
}

export interface TokenRevokeResponse__Output {
  'revoked': (number);
}
