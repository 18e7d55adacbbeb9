// Original file: proto/cam_os.proto

import type { Long } from '@grpc/proto-loader';

export interface NlWindow {
  'since'?: (number | string | Long);
  'until'?: (number | string | Long);
  'text'?: (string);
  'timeZone'?: (string);
  'described'?: (string);
}

export interface NlWindow__Output {
  'since': (number);
  'until': (number);
  'text': (string);
  'timeZone': (string);
  'described': (string);
}
