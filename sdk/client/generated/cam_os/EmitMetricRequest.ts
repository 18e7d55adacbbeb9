// Original file: proto/cam_os.proto

import type { Long } from '@grpc/proto-loader';

export interface EmitMetricRequest {
  'name'?: (string);
  'value'?: (number | string);
  'unit'?: (string);
  'tags'?: ({[key: string]: string});
  'timestamp'?: (number | string | Long);
  'type'?: (string);
}

export interface EmitMetricRequest__Output {
  'name': (string);
  'value': (number);
  'unit': (string);
  'tags': ({[key: string]: string});
  'timestamp': (number);
  'type': (string);
}
