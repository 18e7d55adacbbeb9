// Original file: proto/cam_os.proto

import type { Task as _cam_os_Task, Task__Output as _cam_os_Task__Output } from '../cam_os/Task.ts';

export interface ArbitrateRequest {
  'task'?: (_cam_os_Task | null);
  'policyId'?: (string);
  'context'?: ({[key: string]: string});
}

export interface ArbitrateRequest__Output {
  'task': (_cam_os_Task__Output | null);
  'policyId': (string);
  'context': ({[key: string]: string});
}
