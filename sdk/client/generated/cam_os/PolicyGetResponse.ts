// Original file: proto/cam_os.proto

import type { PolicyVersion as _cam_os_PolicyVersion, PolicyVersion__Output as _cam_os_PolicyVersion__Output } from '../cam_os/PolicyVersion.ts';
import type { Long } from '@grpc/proto-loader';

export interface PolicyGetResponse {
  'policyId'?: (string);
  'version'?: (number | string | Long);
  'policyData'?: (string);
  'history'?: (_cam_os_PolicyVersion)[];
  'schema'?: (string);
}

export interface PolicyGetResponse__Output {
  'policyId': (string);
  'version': (number);
  'policyData': (string);
  'history': (_cam_os_PolicyVersion__Output)[];
  'schema': (string);
}
