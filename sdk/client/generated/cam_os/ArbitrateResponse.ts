// Original file: proto/cam_os.proto

import type { ArbitrationResult as _cam_os_ArbitrationResult, ArbitrationResult__Output as _cam_os_ArbitrationResult__Output } from '../cam_os/ArbitrationResult.ts';

export interface ArbitrateResponse {
  'result'?: (_cam_os_ArbitrationResult | null);
}

export interface ArbitrateResponse__Output {
  'result': (_cam_os_ArbitrationResult__Output | null);
}
