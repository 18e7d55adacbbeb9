// Original file: proto/cam_os.proto

import type { Long } from '@grpc/proto-loader';

export interface AuditRecordInfo {
  'seq'?: (number | string | Long);
  'time'?: (number | string | Long);
  'caller'?: (string);
  'syscall'?: (string);
  'door'?: (string);
  'target'?: (string);
  'outcome'?: (string);
  'code'?: (number);
  'message'?: (string);
  'policies'?: (string)[];
  'taskId'?: (string);
  'traceId'?: (string);
  'durationUs'?: (number | string | Long);
  'evidenceJson'?: (string);
}

export interface AuditRecordInfo__Output {
  'seq': (number);
  'time': (number);
  'caller': (string);
  'syscall': (string);
  'door': (string);
  'target': (string);
  'outcome': (string);
  'code': (number);
  'message': (string);
  'policies': (string)[];
  'taskId': (string);
  'traceId': (string);
  'durationUs': (number);
  'evidenceJson': (string);
}
