// Original file: proto/cam_os.proto

import type { Long } from '@grpc/proto-loader';

export interface ContextReadRequest {
  'namespace'?: (string);
  'key'?: (string);
  'version'?: (number | string | Long);
  'asOf'?: (number | string | Long);
}

export interface ContextReadRequest__Output {
  'namespace': (string);
  'key': (string);
  'version': (number);
  'asOf': (number);
}
