// Original file: proto/cam_os.proto

import type { TaskReport as _cam_os_TaskReport, TaskReport__Output as _cam_os_TaskReport__Output } from '../cam_os/TaskReport.ts';

export interface TaskStatusRequest {
  'taskId'?: (string);
  'watch'?: (boolean);
  'report'?: (_cam_os_TaskReport | null);
}

export interface TaskStatusRequest__Output {
  'taskId': (string);
  'watch': (boolean);
  'report': (_cam_os_TaskReport__Output | null);
}
