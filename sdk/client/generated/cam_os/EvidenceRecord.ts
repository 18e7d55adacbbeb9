// Original file: proto/cam_os.proto

import type { Long } from '@grpc/proto-loader';

export interface EvidenceRecord {
  'id'?: (string);
  'timestamp'?: (number | string | Long);
  'kind'?: (string);
  'caller'?: (string);
  'syscall'?: (string);
  'outcome'?: (string);
  'summary'?: (string);
  'detailsJson'?: (string);
}

export interface EvidenceRecord__Output {
  'id': (string);
  'timestamp': (number);
  'kind': (string);
  'caller': (string);
  'syscall': (string);
  'outcome': (string);
  'summary': (string);
  'detailsJson': (string);
}
