// Original file: proto/cam_os.proto


export interface DriverUnloadResponse {
  'name'?: (string);
  'version'?: (string);
}

export interface DriverUnloadResponse__Output {
  'name': (string);
  'version': (string);
}
