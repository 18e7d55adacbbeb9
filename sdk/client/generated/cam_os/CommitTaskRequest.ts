// Original file: proto/cam_os.proto

import type { Task as _cam_os_Task, Task__Output as _cam_os_Task__Output } from '../cam_os/Task.ts';

export interface CommitTaskRequest {
  'task'?: (_cam_os_Task | null);
  'agentId'?: (string);
}

export interface CommitTaskRequest__Output {
  'task': (_cam_os_Task__Output | null);
  'agentId': (string);
}
