// Original file: proto/cam_os.proto


export interface AgentListRequest {
  'status'?: (string);
}

export interface AgentListRequest__Output {
  'status': (string);
}
