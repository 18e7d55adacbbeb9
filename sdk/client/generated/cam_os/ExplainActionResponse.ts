// Original file: proto/cam_os.proto

import type { EvidenceRecord as _cam_os_EvidenceRecord, EvidenceRecord__Output as _cam_os_EvidenceRecord__Output } from '../cam_os/EvidenceRecord.ts';

export interface ExplainActionResponse {
  'explanation'?: (string);
  'reasoningChain'?: (string)[];
  'evidence'?: (string)[];
  'confidence'?: (number | string);
  'records'?: (_cam_os_EvidenceRecord)[];
}

export interface ExplainActionResponse__Output {
  'explanation': (string);
  'reasoningChain': (string)[];
  'evidence': (string)[];
  'confidence': (number);
  'records': (_cam_os_EvidenceRecord__Output)[];
}
