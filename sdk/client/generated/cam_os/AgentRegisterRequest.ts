// Original file: proto/cam_os.proto


export interface AgentRegisterRequest {
  'agentId'?: (string);
  'capabilities'?: (string)[];
  'metadata'?: ({[key: string]: string});
  'trust'?: (number | string);
  'shareWeight'?: (number | string);
  'quotaRate'?: (number | string);
  'quotaBurst'?: (number | string);
  'groups'?: (string)[];
  'status'?: (string);
  '_trust'?: "trust";
  '_shareWeight'?: "shareWeight";
  '_quotaRate'?: "quotaRate";
  '_quotaBurst'?: "quotaBurst";
}

export interface AgentRegisterRequest__Output {
  'agentId': (string);
  'capabilities': (string)[];
  'metadata': ({[key: string]: string});
  'trust'?: (number);
  'shareWeight'?: (number);
  'quotaRate'?: (number);
  'quotaBurst'?: (number);
  'groups': (string)[];
  'status': (string);
  '_trust'?: "trust";
  '_shareWeight'?: "shareWeight";
  '_quotaRate'?: "quotaRate";
  '_quotaBurst'?: "quotaBurst";
}
