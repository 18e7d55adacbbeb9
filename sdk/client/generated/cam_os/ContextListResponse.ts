// Original file: proto/cam_os.proto

import type { ContextKeyInfo as _cam_os_ContextKeyInfo, ContextKeyInfo__Output as _cam_os_ContextKeyInfo__Output } from '../cam_os/ContextKeyInfo.ts';

export interface ContextListResponse {
  'namespaces'?: (string)[];
  'keys'?: (_cam_os_ContextKeyInfo)[];
  'hasMore'?: (boolean);
  'nextToken'?: (string);
}

export interface ContextListResponse__Output {
  'namespaces': (string)[];
  'keys': (_cam_os_ContextKeyInfo__Output)[];
  'hasMore': (boolean);
  'nextToken': (string);
}
