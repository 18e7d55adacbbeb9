// Original file: proto/cam_os.proto

import type { Long } from '@grpc/proto-loader';

export interface Span {
  'traceId'?: (string);
  'spanId'?: (string);
  'parentSpanId'?: (string);
  'operation'?: (string);
  'timestamp'?: (number | string | Long);
  'duration'?: (number | string);
  'tags'?: ({[key: string]: string});
  'status'?: (string);
  'source'?: (string);
}

export interface Span__Output {
  'traceId': (string);
  'spanId': (string);
  'parentSpanId': (string);
  'operation': (string);
  'timestamp': (number);
  'duration': (number);
  'tags': ({[key: string]: string});
  'status': (string);
  'source': (string);
}
