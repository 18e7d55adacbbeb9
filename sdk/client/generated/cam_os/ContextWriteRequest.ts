// Original file: proto/cam_os.proto

import type { Long } from '@grpc/proto-loader';

export interface ContextWriteRequest {
  'namespace'?: (string);
  'key'?: (string);
  'data'?: (Buffer | Uint8Array | string);
  'metadata'?: ({[key: string]: string});
  'versionDescription'?: (string);
  'expectedVersion'?: (number | string | Long);
  'contentType'?: (string);
  '_expectedVersion'?: "expectedVersion";
}

export interface ContextWriteRequest__Output {
  'namespace': (string);
  'key': (string);
  'data': (Buffer);
  'metadata': ({[key: string]: string});
  'versionDescription': (string);
  'expectedVersion'?: (number);
  'contentType': (string);
  '_expectedVersion'?: "expectedVersion";
}
