// Original file: proto/cam_os.proto

import type { ComponentHealth as _cam_os_ComponentHealth, ComponentHealth__Output as _cam_os_ComponentHealth__Output } from '../cam_os/ComponentHealth.ts';
import type { Long } from '@grpc/proto-loader';

export interface HealthCheckResponse {
  'status'?: (string);
  'components'?: ({[key: string]: _cam_os_ComponentHealth});
  'timestamp'?: (number | string | Long);
  'version'?: (string);
  'uptimeMs'?: (number | string | Long);
  'caller'?: (string);
  'callerKind'?: (string);
}

export interface HealthCheckResponse__Output {
  'status': (string);
  'components': ({[key: string]: _cam_os_ComponentHealth__Output});
  'timestamp': (number);
  'version': (string);
  'uptimeMs': (number);
  'caller': (string);
  'callerKind': (string);
}
