// Original file: proto/cam_os.proto

import type { ContextSnapshotInfo as _cam_os_ContextSnapshotInfo, ContextSnapshotInfo__Output as _cam_os_ContextSnapshotInfo__Output } from '../cam_os/ContextSnapshotInfo.ts';

export interface ContextSnapshotListResponse {
  'snapshots'?: (_cam_os_ContextSnapshotInfo)[];
}

export interface ContextSnapshotListResponse__Output {
  'snapshots': (_cam_os_ContextSnapshotInfo__Output)[];
}
