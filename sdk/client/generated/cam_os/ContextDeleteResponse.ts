// Original file: proto/cam_os.proto

import type { Long } from '@grpc/proto-loader';

export interface ContextDeleteResponse {
  'version'?: (number | string | Long);
}

export interface ContextDeleteResponse__Output {
  'version': (number);
}
