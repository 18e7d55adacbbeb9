// Original file: proto/cam_os.proto

import type { Long } from '@grpc/proto-loader';

export interface ContextKeyInfo {
  'key'?: (string);
  'version'?: (number | string | Long);
  'timestamp'?: (number | string | Long);
  'author'?: (string);
  'size'?: (number | string | Long);
  'deleted'?: (boolean);
}

export interface ContextKeyInfo__Output {
  'key': (string);
  'version': (number);
  'timestamp': (number);
  'author': (string);
  'size': (number);
  'deleted': (boolean);
}
