// Original file: proto/cam_os.proto

import type { TaskStatusResponse as _cam_os_TaskStatusResponse, TaskStatusResponse__Output as _cam_os_TaskStatusResponse__Output } from '../cam_os/TaskStatusResponse.ts';
import type { ScoreTerm as _cam_os_ScoreTerm, ScoreTerm__Output as _cam_os_ScoreTerm__Output } from '../cam_os/ScoreTerm.ts';

export interface TaskListEntry {
  'task'?: (_cam_os_TaskStatusResponse | null);
  'scoreBreakdown'?: (_cam_os_ScoreTerm)[];
  'rank'?: (number);
  'agentPass'?: (number | string);
  'shareWeight'?: (number | string);
}

export interface TaskListEntry__Output {
  'task': (_cam_os_TaskStatusResponse__Output | null);
  'scoreBreakdown': (_cam_os_ScoreTerm__Output)[];
  'rank': (number);
  'agentPass': (number);
  'shareWeight': (number);
}
