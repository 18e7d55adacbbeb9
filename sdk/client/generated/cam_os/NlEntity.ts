// Original file: proto/cam_os.proto


export interface NlEntity {
  'kind'?: (string);
  'value'?: (string);
}

export interface NlEntity__Output {
  'kind': (string);
  'value': (string);
}
