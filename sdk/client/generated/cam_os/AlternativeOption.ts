// Original file: proto/cam_os.proto

import type { ScoreTerm as _cam_os_ScoreTerm, ScoreTerm__Output as _cam_os_ScoreTerm__Output } from '../cam_os/ScoreTerm.ts';

export interface AlternativeOption {
  'agentId'?: (string);
  'provider'?: (string);
  'confidence'?: (number | string);
  'reasonNotSelected'?: (string);
  'score'?: (number | string);
  'breakdown'?: (_cam_os_ScoreTerm)[];
}

export interface AlternativeOption__Output {
  'agentId': (string);
  'provider': (string);
  'confidence': (number);
  'reasonNotSelected': (string);
  'score': (number);
  'breakdown': (_cam_os_ScoreTerm__Output)[];
}
