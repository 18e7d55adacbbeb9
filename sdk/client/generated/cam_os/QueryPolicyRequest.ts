// Original file: proto/cam_os.proto


export interface QueryPolicyRequest {
  'policyId'?: (string);
  'query'?: (string);
  'context'?: ({[key: string]: string});
  'principal'?: (string);
  'action'?: (string);
  'resource'?: (string);
}

export interface QueryPolicyRequest__Output {
  'policyId': (string);
  'query': (string);
  'context': ({[key: string]: string});
  'principal': (string);
  'action': (string);
  'resource': (string);
}
