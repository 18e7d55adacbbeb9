// Original file: proto/cam_os.proto

import type { Long } from '@grpc/proto-loader';

export interface ContextSnapshotResponse {
  'snapshotId'?: (string);
  'timestamp'?: (number | string | Long);
  'itemCount'?: (number | string | Long);
}

export interface ContextSnapshotResponse__Output {
  'snapshotId': (string);
  'timestamp': (number);
  'itemCount': (number);
}
