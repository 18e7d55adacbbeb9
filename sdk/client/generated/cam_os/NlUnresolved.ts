// Original file: proto/cam_os.proto


export interface NlUnresolved {
  'kind'?: (string);
  'text'?: (string);
  'nearest'?: (string)[];
}

export interface NlUnresolved__Output {
  'kind': (string);
  'text': (string);
  'nearest': (string)[];
}
