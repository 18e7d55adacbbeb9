// Original file: proto/cam_os.proto

import type { Long } from '@grpc/proto-loader';

export interface ContextVersion {
  'version'?: (number | string | Long);
  'timestamp'?: (number | string | Long);
  'author'?: (string);
  'description'?: (string);
  'hash'?: (string);
  'size'?: (number | string | Long);
  'tags'?: ({[key: string]: string});
  'deleted'?: (boolean);
  'conflict'?: (boolean);
  'origin'?: (string);
}

export interface ContextVersion__Output {
  'version': (number);
  'timestamp': (number);
  'author': (string);
  'description': (string);
  'hash': (string);
  'size': (number);
  'tags': ({[key: string]: string});
  'deleted': (boolean);
  'conflict': (boolean);
  'origin': (string);
}
