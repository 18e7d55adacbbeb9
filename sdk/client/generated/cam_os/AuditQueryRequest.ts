// Original file: proto/cam_os.proto

import type { Long } from '@grpc/proto-loader';

export interface AuditQueryRequest {
  'caller'?: (string);
  'syscalls'?: (string)[];
  'outcome'?: (string);
  'code'?: (number);
  'since'?: (number | string | Long);
  'until'?: (number | string | Long);
  'taskId'?: (string);
  'targetPrefix'?: (string);
  'limit'?: (number);
  'beforeSeq'?: (number | string | Long);
  'verify'?: (boolean);
}

export interface AuditQueryRequest__Output {
  'caller': (string);
  'syscalls': (string)[];
  'outcome': (string);
  'code': (number);
  'since': (number);
  'until': (number);
  'taskId': (string);
  'targetPrefix': (string);
  'limit': (number);
  'beforeSeq': (number);
  'verify': (boolean);
}
