// Original file: proto/cam_os.proto

import type { Long } from '@grpc/proto-loader';

export interface DriverLimits {
  'memoryPages'?: (number | string | Long);
  'timeoutMs'?: (number | string | Long);
  'maxOutputBytes'?: (number | string | Long);
  'maxMessageBytes'?: (number | string | Long);
  'maxConcurrentCalls'?: (number | string | Long);
}

export interface DriverLimits__Output {
  'memoryPages': (number);
  'timeoutMs': (number);
  'maxOutputBytes': (number);
  'maxMessageBytes': (number);
  'maxConcurrentCalls': (number);
}
