// Original file: proto/cam_os.proto

import type { Long } from '@grpc/proto-loader';

export interface ContextWriteResponse {
  'version'?: (number | string | Long);
  'hash'?: (string);
  'bytesWritten'?: (number | string | Long);
  'timestamp'?: (number | string | Long);
}

export interface ContextWriteResponse__Output {
  'version': (number);
  'hash': (string);
  'bytesWritten': (number);
  'timestamp': (number);
}
