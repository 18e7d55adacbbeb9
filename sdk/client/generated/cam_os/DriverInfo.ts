// Original file: proto/cam_os.proto

import type { Long } from '@grpc/proto-loader';

export interface DriverInfo {
  'name'?: (string);
  'version'?: (string);
  'digest'?: (string);
  'publisher'?: (string);
  'capabilities'?: (string)[];
  'loadedAt'?: (number | string | Long);
  'calls'?: (number | string | Long);
  'description'?: (string);
  'size'?: (number | string | Long);
}

export interface DriverInfo__Output {
  'name': (string);
  'version': (string);
  'digest': (string);
  'publisher': (string);
  'capabilities': (string)[];
  'loadedAt': (number);
  'calls': (number);
  'description': (string);
  'size': (number);
}
