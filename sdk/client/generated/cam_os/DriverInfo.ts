// Original file: proto/cam_os.proto

import type { DriverLimits as _cam_os_DriverLimits, DriverLimits__Output as _cam_os_DriverLimits__Output } from '../cam_os/DriverLimits.ts';
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
  'errors'?: (number | string | Long);
  'p50Ms'?: (number | string);
  'p99Ms'?: (number | string);
  'limits'?: (_cam_os_DriverLimits | null);
  'kind'?: (string);
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
  'errors': (number);
  'p50Ms': (number);
  'p99Ms': (number);
  'limits': (_cam_os_DriverLimits__Output | null);
  'kind': (string);
}
