// Original file: proto/cam_os.proto

import type { Long } from '@grpc/proto-loader';

export interface TaskStatusResponse {
  'taskId'?: (string);
  'state'?: (string);
  'agentId'?: (string);
  'handler'?: (string);
  'attempts'?: (number);
  'queuedAt'?: (number | string | Long);
  'startedAt'?: (number | string | Long);
  'finishedAt'?: (number | string | Long);
  'error'?: (string);
  'output'?: (Buffer | Uint8Array | string);
  'keysWritten'?: (string)[];
  'score'?: (number | string);
  'queueWaitMs'?: (number | string);
}

export interface TaskStatusResponse__Output {
  'taskId': (string);
  'state': (string);
  'agentId': (string);
  'handler': (string);
  'attempts': (number);
  'queuedAt': (number);
  'startedAt': (number);
  'finishedAt': (number);
  'error': (string);
  'output': (Buffer);
  'keysWritten': (string)[];
  'score': (number);
  'queueWaitMs': (number);
}
