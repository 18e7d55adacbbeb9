// Original file: proto/cam_os.proto

import type { Long } from '@grpc/proto-loader';

export interface ContextRestoreResponse {
  'namespace'?: (string);
  'restoredItems'?: (number | string | Long);
}

export interface ContextRestoreResponse__Output {
  'namespace': (string);
  'restoredItems': (number);
}
