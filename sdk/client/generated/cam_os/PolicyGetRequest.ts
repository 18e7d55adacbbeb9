// Original file: proto/cam_os.proto

import type { Long } from '@grpc/proto-loader';

export interface PolicyGetRequest {
  'version'?: (number | string | Long);
}

export interface PolicyGetRequest__Output {
  'version': (number);
}
