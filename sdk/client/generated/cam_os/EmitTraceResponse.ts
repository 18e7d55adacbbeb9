// Original file: proto/cam_os.proto


export interface EmitTraceResponse {
  'traceId'?: (string);
  'spanId'?: (string);
}

export interface EmitTraceResponse__Output {
  'traceId': (string);
  'spanId': (string);
}
