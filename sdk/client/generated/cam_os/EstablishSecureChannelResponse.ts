// Original file: proto/cam_os.proto

import type { Long } from '@grpc/proto-loader';

export interface EstablishSecureChannelResponse {
  'channelId'?: (string);
  'ephemeralPublicKey'?: (Buffer | Uint8Array | string);
  'signature'?: (Buffer | Uint8Array | string);
  'keyId'?: (string);
  'expiresAt'?: (number | string | Long);
  'cipher'?: (string);
  'rekeyAfter'?: (number);
}

export interface EstablishSecureChannelResponse__Output {
  'channelId': (string);
  'ephemeralPublicKey': (Buffer);
  'signature': (Buffer);
  'keyId': (string);
  'expiresAt': (number);
  'cipher': (string);
  'rekeyAfter': (number);
}
