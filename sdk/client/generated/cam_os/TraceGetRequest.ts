// Original file: proto/cam_os.proto


export interface TraceGetRequest {
  'traceId'?: (string);
}

export interface TraceGetRequest__Output {
  'traceId': (string);
}
