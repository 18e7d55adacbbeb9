// Original file: proto/cam_os.proto

import type { Long } from '@grpc/proto-loader';

export interface PolicyUpdateResponse {
  'policyId'?: (string);
  'version'?: (number | string | Long);
  'warnings'?: (string)[];
}

export interface PolicyUpdateResponse__Output {
  'policyId': (string);
  'version': (number);
  'warnings': (string)[];
}
