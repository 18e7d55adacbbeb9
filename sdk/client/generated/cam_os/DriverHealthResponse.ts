// Original file: proto/cam_os.proto


export interface DriverHealthResponse {
  'serving'?: (boolean);
  'message'?: (string);
}

export interface DriverHealthResponse__Output {
  'serving': (boolean);
  'message': (string);
}
