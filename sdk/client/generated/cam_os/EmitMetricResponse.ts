// Original file: proto/cam_os.proto


export interface EmitMetricResponse {
  'metricId'?: (string);
}

export interface EmitMetricResponse__Output {
  'metricId': (string);
}
