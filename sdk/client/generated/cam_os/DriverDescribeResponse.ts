// Original file: proto/cam_os.proto


export interface DriverDescribeResponse {
  'name'?: (string);
  'version'?: (string);
  'description'?: (string);
}

export interface DriverDescribeResponse__Output {
  'name': (string);
  'version': (string);
  'description': (string);
}
