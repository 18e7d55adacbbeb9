// Original file: proto/cam_os.proto


export interface HealthCheckRequest {
  'detailed'?: (boolean);
}

export interface HealthCheckRequest__Output {
  'detailed': (boolean);
}
