// Original file: proto/cam_os.proto

import type { TokenInfo as _cam_os_TokenInfo, TokenInfo__Output as _cam_os_TokenInfo__Output } from '../cam_os/TokenInfo.ts';

export interface TokenListResponse {
  'tokens'?: (_cam_os_TokenInfo)[];
}

export interface TokenListResponse__Output {
  'tokens': (_cam_os_TokenInfo__Output)[];
}
