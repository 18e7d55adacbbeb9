// Original file: proto/cam_os.proto


export interface ContextSnapshotRequest {
  'namespace'?: (string);
  'description'?: (string);
}

export interface ContextSnapshotRequest__Output {
  'namespace': (string);
  'description': (string);
}
