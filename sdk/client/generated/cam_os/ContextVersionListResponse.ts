// Original file: proto/cam_os.proto

import type { ContextVersion as _cam_os_ContextVersion, ContextVersion__Output as _cam_os_ContextVersion__Output } from '../cam_os/ContextVersion.ts';

export interface ContextVersionListResponse {
  'versions'?: (_cam_os_ContextVersion)[];
  'hasMore'?: (boolean);
  'nextToken'?: (string);
}

export interface ContextVersionListResponse__Output {
  'versions': (_cam_os_ContextVersion__Output)[];
  'hasMore': (boolean);
  'nextToken': (string);
}
