// Original file: proto/cam_os.proto


export interface QueryPolicyResponse {
  'allowed'?: (boolean);
  'reason'?: (string);
  'determiningPolicies'?: (string)[];
  'errors'?: (string)[];
  'policyVersion'?: (string);
}

export interface QueryPolicyResponse__Output {
  'allowed': (boolean);
  'reason': (string);
  'determiningPolicies': (string)[];
  'errors': (string)[];
  'policyVersion': (string);
}
