// Original file: proto/cam_os.proto

import type { EvidenceRecord as _cam_os_EvidenceRecord, EvidenceRecord__Output as _cam_os_EvidenceRecord__Output } from '../cam_os/EvidenceRecord.ts';
import type { NlInterpretation as _cam_os_NlInterpretation, NlInterpretation__Output as _cam_os_NlInterpretation__Output } from '../cam_os/NlInterpretation.ts';

export interface NlQueryResponse {
  'answer'?: (string);
  'evidence'?: (_cam_os_EvidenceRecord)[];
  'queryRan'?: (string);
  'understood'?: (boolean);
  'intent'?: (string);
  'interpretation'?: (_cam_os_NlInterpretation | null);
}

export interface NlQueryResponse__Output {
  'answer': (string);
  'evidence': (_cam_os_EvidenceRecord__Output)[];
  'queryRan': (string);
  'understood': (boolean);
  'intent': (string);
  'interpretation': (_cam_os_NlInterpretation__Output | null);
}
