// Original file: proto/cam_os.proto

import type { DriverInfo as _cam_os_DriverInfo, DriverInfo__Output as _cam_os_DriverInfo__Output } from '../cam_os/DriverInfo.ts';

export interface DriverLoadResponse {
  'driver'?: (_cam_os_DriverInfo | null);
}

export interface DriverLoadResponse__Output {
  'driver': (_cam_os_DriverInfo__Output | null);
}
