// Original file: proto/cam_os.proto

import type { Long } from '@grpc/proto-loader';

export interface TokenInfo {
  'tokenId'?: (string);
  'agentId'?: (string);
  'createdAt'?: (number | string | Long);
  'revoked'?: (boolean);
  'description'?: (string);
}

export interface TokenInfo__Output {
  'tokenId': (string);
  'agentId': (string);
  'createdAt': (number);
  'revoked': (boolean);
  'description': (string);
}
