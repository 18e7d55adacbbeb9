// Original file: proto/cam_os.proto

import type { PriorityDimensions as _cam_os_PriorityDimensions, PriorityDimensions__Output as _cam_os_PriorityDimensions__Output } from '../cam_os/PriorityDimensions.ts';
import type { Long } from '@grpc/proto-loader';

export interface Task {
  'id'?: (string);
  'description'?: (string);
  'requirements'?: (string)[];
  'metadata'?: ({[key: string]: string});
  'priority'?: (number | string | Long);
  'deadline'?: (number | string | Long);
  'type'?: (string);
  'agentId'?: (string);
  'priorityDimensions'?: (_cam_os_PriorityDimensions | null);
  'payload'?: (Buffer | Uint8Array | string);
  'maxRetries'?: (number);
  'target'?: (string);
}

export interface Task__Output {
  'id': (string);
  'description': (string);
  'requirements': (string)[];
  'metadata': ({[key: string]: string});
  'priority': (number);
  'deadline': (number);
  'type': (string);
  'agentId': (string);
  'priorityDimensions': (_cam_os_PriorityDimensions__Output | null);
  'payload': (Buffer);
  'maxRetries': (number);
  'target': (string);
}
