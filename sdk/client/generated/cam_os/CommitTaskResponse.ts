// Original file: proto/cam_os.proto

import type { Long } from '@grpc/proto-loader';

export interface CommitTaskResponse {
  'taskId'?: (string);
  'commitId'?: (string);
  'commitTimestamp'?: (number | string | Long);
  'state'?: (string);
}

export interface CommitTaskResponse__Output {
  'taskId': (string);
  'commitId': (string);
  'commitTimestamp': (number);
  'state': (string);
}
