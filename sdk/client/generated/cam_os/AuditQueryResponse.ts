// Original file: proto/cam_os.proto

import type { AuditRecordInfo as _cam_os_AuditRecordInfo, AuditRecordInfo__Output as _cam_os_AuditRecordInfo__Output } from '../cam_os/AuditRecordInfo.ts';
import type { AuditChainStatus as _cam_os_AuditChainStatus, AuditChainStatus__Output as _cam_os_AuditChainStatus__Output } from '../cam_os/AuditChainStatus.ts';

export interface AuditQueryResponse {
  'records'?: (_cam_os_AuditRecordInfo)[];
  'hasMore'?: (boolean);
  'queryRan'?: (string);
  'chain'?: (_cam_os_AuditChainStatus | null);
}

export interface AuditQueryResponse__Output {
  'records': (_cam_os_AuditRecordInfo__Output)[];
  'hasMore': (boolean);
  'queryRan': (string);
  'chain': (_cam_os_AuditChainStatus__Output | null);
}
