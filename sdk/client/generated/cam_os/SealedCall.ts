// Original file: proto/cam_os.proto

import type { Long } from '@grpc/proto-loader';

export interface SealedCall {
  'channelId'?: (string);
  'sequence'?: (number | string | Long);
  'nonce'?: (Buffer | Uint8Array | string);
  'ciphertext'?: (Buffer | Uint8Array | string);
}

export interface SealedCall__Output {
  'channelId': (string);
  'sequence': (number);
  'nonce': (Buffer);
  'ciphertext': (Buffer);
}
