// Original file: proto/cam_os.proto


export interface ComponentHealth {
  'status'?: (string);
  'details'?: ({[key: string]: string});
}

export interface ComponentHealth__Output {
  'status': (string);
  'details': ({[key: string]: string});
}
