// Original file: proto/cam_os.proto

import type { Long } from '@grpc/proto-loader';

export interface AuditChainStatus {
  'ok'?: (boolean);
  'records'?: (number | string | Long);
  'firstSeq'?: (number | string | Long);
  'lastSeq'?: (number | string | Long);
  'checkpoints'?: (number | string | Long);
  'signedThrough'?: (number | string | Long);
  'summary'?: (string);
}

export interface AuditChainStatus__Output {
  'ok': (boolean);
  'records': (number);
  'firstSeq': (number);
  'lastSeq': (number);
  'checkpoints': (number);
  'signedThrough': (number);
  'summary': (string);
}
