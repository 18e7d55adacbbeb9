// Original file: proto/cam_os.proto

import type { Long } from '@grpc/proto-loader';

export interface PolicyVersion {
  'version'?: (number | string | Long);
  'policyId'?: (string);
  'author'?: (string);
  'timestamp'?: (number | string | Long);
  'metadata'?: ({[key: string]: string});
}

export interface PolicyVersion__Output {
  'version': (number);
  'policyId': (string);
  'author': (string);
  'timestamp': (number);
  'metadata': ({[key: string]: string});
}
