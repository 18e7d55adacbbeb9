// Original file: proto/cam_os.proto

import type { Long } from '@grpc/proto-loader';

export interface AgentInfo {
  'agentId'?: (string);
  'capabilities'?: (string)[];
  'metadata'?: ({[key: string]: string});
  'trust'?: (number | string);
  'shareWeight'?: (number | string);
  'quotaRate'?: (number | string);
  'quotaBurst'?: (number | string);
  'status'?: (string);
  'groups'?: (string)[];
  'registeredAt'?: (number | string | Long);
  'claimedCapabilities'?: (string)[];
  'registeredBy'?: (string);
  'bucketTokens'?: (number | string);
  'tasksQueued'?: (number);
  'tasksRunning'?: (number);
  'tasksFailed'?: (number);
}

export interface AgentInfo__Output {
  'agentId': (string);
  'capabilities': (string)[];
  'metadata': ({[key: string]: string});
  'trust': (number);
  'shareWeight': (number);
  'quotaRate': (number);
  'quotaBurst': (number);
  'status': (string);
  'groups': (string)[];
  'registeredAt': (number);
  'claimedCapabilities': (string)[];
  'registeredBy': (string);
  'bucketTokens': (number);
  'tasksQueued': (number);
  'tasksRunning': (number);
  'tasksFailed': (number);
}
