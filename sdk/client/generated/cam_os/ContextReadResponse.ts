// Original file: proto/cam_os.proto

import type { Long } from '@grpc/proto-loader';

export interface ContextReadResponse {
  'data'?: (Buffer | Uint8Array | string);
  'version'?: (number | string | Long);
  'hash'?: (string);
  'timestamp'?: (number | string | Long);
  'metadata'?: ({[key: string]: string});
  'author'?: (string);
  'contentType'?: (string);
}

export interface ContextReadResponse__Output {
  'data': (Buffer);
  'version': (number);
  'hash': (string);
  'timestamp': (number);
  'metadata': ({[key: string]: string});
  'author': (string);
  'contentType': (string);
}
