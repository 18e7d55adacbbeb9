// Original file: proto/cam_os.proto


export interface PolicyUpdateRequest {
  'policyId'?: (string);
  'policyData'?: (string);
  'metadata'?: ({[key: string]: string});
}

export interface PolicyUpdateRequest__Output {
  'policyId': (string);
  'policyData': (string);
  'metadata': ({[key: string]: string});
}
