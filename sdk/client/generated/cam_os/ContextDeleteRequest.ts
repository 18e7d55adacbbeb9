// Original file: proto/cam_os.proto

import type { Long } from '@grpc/proto-loader';

export interface ContextDeleteRequest {
  'namespace'?: (string);
  'key'?: (string);
  'expectedVersion'?: (number | string | Long);
  '_expectedVersion'?: "expectedVersion";
}

export interface ContextDeleteRequest__Output {
  'namespace': (string);
  'key': (string);
  'expectedVersion'?: (number);
  '_expectedVersion'?: "expectedVersion";
}
