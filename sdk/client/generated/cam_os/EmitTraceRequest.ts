// Original file: proto/cam_os.proto

import type { Long } from '@grpc/proto-loader';

export interface EmitTraceRequest {
  'traceId'?: (string);
  'spanId'?: (string);
  'operation'?: (string);
  'timestamp'?: (number | string | Long);
  'duration'?: (number | string | Long);
  'tags'?: ({[key: string]: string});
  'parentSpanId'?: (string);
  'status'?: (string);
}

export interface EmitTraceRequest__Output {
  'traceId': (string);
  'spanId': (string);
  'operation': (string);
  'timestamp': (number);
  'duration': (number);
  'tags': ({[key: string]: string});
  'parentSpanId': (string);
  'status': (string);
}
