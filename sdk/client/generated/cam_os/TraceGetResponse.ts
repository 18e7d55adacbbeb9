// Original file: proto/cam_os.proto

import type { Span as _cam_os_Span, Span__Output as _cam_os_Span__Output } from '../cam_os/Span.ts';

export interface TraceGetResponse {
  'spans'?: (_cam_os_Span)[];
}

export interface TraceGetResponse__Output {
  'spans': (_cam_os_Span__Output)[];
}
