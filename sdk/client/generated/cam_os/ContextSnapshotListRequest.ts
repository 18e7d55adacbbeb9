// Original file: proto/cam_os.proto


export interface ContextSnapshotListRequest {
  'namespace'?: (string);
}

export interface ContextSnapshotListRequest__Output {
  'namespace': (string);
}
