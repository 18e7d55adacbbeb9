// Original file: proto/cam_os.proto


export interface DriverUnloadRequest {
  'name'?: (string);
  'version'?: (string);
}

export interface DriverUnloadRequest__Output {
  'name': (string);
  'version': (string);
}
