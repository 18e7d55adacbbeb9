// Original file: proto/cam_os.proto

import type { TaskListEntry as _cam_os_TaskListEntry, TaskListEntry__Output as _cam_os_TaskListEntry__Output } from '../cam_os/TaskListEntry.ts';

export interface TaskListResponse {
  'tasks'?: (_cam_os_TaskListEntry)[];
  'queued'?: (number);
  'running'?: (number);
  'weights'?: ({[key: string]: number | string});
  'agingPerSecond'?: (number | string);
  'preemptMargin'?: (number | string);
}

export interface TaskListResponse__Output {
  'tasks': (_cam_os_TaskListEntry__Output)[];
  'queued': (number);
  'running': (number);
  'weights': ({[key: string]: number});
  'agingPerSecond': (number);
  'preemptMargin': (number);
}
