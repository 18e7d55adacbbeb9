// Original file: proto/cam_os.proto


export interface ScoreTerm {
  'name'?: (string);
  'value'?: (number | string);
  'weight'?: (number | string);
  'contribution'?: (number | string);
}

export interface ScoreTerm__Output {
  'name': (string);
  'value': (number);
  'weight': (number);
  'contribution': (number);
}
