// Original file: proto/cam_os.proto

import type { Long } from '@grpc/proto-loader';

export interface ContextSnapshotInfo {
  'snapshotId'?: (string);
  'namespace'?: (string);
  'description'?: (string);
  'author'?: (string);
  'timestamp'?: (number | string | Long);
  'itemCount'?: (number | string | Long);
}

export interface ContextSnapshotInfo__Output {
  'snapshotId': (string);
  'namespace': (string);
  'description': (string);
  'author': (string);
  'timestamp': (number);
  'itemCount': (number);
}
