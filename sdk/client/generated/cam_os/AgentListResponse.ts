// Original file: proto/cam_os.proto

import type { AgentInfo as _cam_os_AgentInfo, AgentInfo__Output as _cam_os_AgentInfo__Output } from '../cam_os/AgentInfo.ts';

export interface AgentListResponse {
  'agents'?: (_cam_os_AgentInfo)[];
}

export interface AgentListResponse__Output {
  'agents': (_cam_os_AgentInfo__Output)[];
}
