// Original file: proto/cam_os.proto

import type { EvidenceRecord as _cam_os_EvidenceRecord, EvidenceRecord__Output as _cam_os_EvidenceRecord__Output } from '../cam_os/EvidenceRecord.ts';

export interface NlQueryResponse {
  'answer'?: (string);
  'evidence'?: (_cam_os_EvidenceRecord)[];
  'queryRan'?: (string);
  'understood'?: (boolean);
  'intent'?: (string);
}

export interface NlQueryResponse__Output {
  'answer': (string);
  'evidence': (_cam_os_EvidenceRecord__Output)[];
  'queryRan': (string);
  'understood': (boolean);
  'intent': (string);
}
