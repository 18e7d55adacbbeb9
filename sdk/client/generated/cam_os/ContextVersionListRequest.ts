// Original file: proto/cam_os.proto

import type { Long } from '@grpc/proto-loader';

export interface ContextVersionListRequest {
  'namespace'?: (string);
  'key'?: (string);
  'limit'?: (number);
  'sinceVersion'?: (number | string | Long);
  'pageToken'?: (string);
}

export interface ContextVersionListRequest__Output {
  'namespace': (string);
  'key': (string);
  'limit': (number);
  'sinceVersion': (number);
  'pageToken': (string);
}
