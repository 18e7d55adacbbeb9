// Original file: proto/cam_os.proto


export interface NlQueryRequest {
  'query'?: (string);
}

export interface NlQueryRequest__Output {
  'query': (string);
}
