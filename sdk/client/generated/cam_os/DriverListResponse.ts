// Original file: proto/cam_os.proto

import type { DriverInfo as _cam_os_DriverInfo, DriverInfo__Output as _cam_os_DriverInfo__Output } from '../cam_os/DriverInfo.ts';

export interface DriverListResponse {
  'drivers'?: (_cam_os_DriverInfo)[];
}

export interface DriverListResponse__Output {
  'drivers': (_cam_os_DriverInfo__Output)[];
}
