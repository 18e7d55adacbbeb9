// Original file: proto/cam_os.proto


export interface AgentRegisterResponse {
  'agentId'?: (string);
}

export interface AgentRegisterResponse__Output {
  'agentId': (string);
}
