// Original file: proto/cam_os.proto

import type { AlternativeOption as _cam_os_AlternativeOption, AlternativeOption__Output as _cam_os_AlternativeOption__Output } from '../cam_os/AlternativeOption.ts';
import type { ScoreTerm as _cam_os_ScoreTerm, ScoreTerm__Output as _cam_os_ScoreTerm__Output } from '../cam_os/ScoreTerm.ts';
import type { Long } from '@grpc/proto-loader';

export interface ArbitrationResult {
  'taskId'?: (string);
  'assignedAgent'?: (string);
  'provider'?: (string);
  'confidence'?: (number | string);
  'reasoning'?: (string);
  'metadata'?: ({[key: string]: string});
  'traceId'?: (string);
  'timestamp'?: (number | string | Long);
  'alternatives'?: (_cam_os_AlternativeOption)[];
  'decisionId'?: (string);
  'taskScore'?: (number | string);
  'scoreBreakdown'?: (_cam_os_ScoreTerm)[];
}

export interface ArbitrationResult__Output {
  'taskId': (string);
  'assignedAgent': (string);
  'provider': (string);
  'confidence': (number);
  'reasoning': (string);
  'metadata': ({[key: string]: string});
  'traceId': (string);
  'timestamp': (number);
  'alternatives': (_cam_os_AlternativeOption__Output)[];
  'decisionId': (string);
  'taskScore': (number);
  'scoreBreakdown': (_cam_os_ScoreTerm__Output)[];
}
