// Original file: proto/cam_os.proto


export interface DriverLoadRequest {
  'manifestPath'?: (string);
  'manifestData'?: (Buffer | Uint8Array | string);
  'module'?: (Buffer | Uint8Array | string);
}

export interface DriverLoadRequest__Output {
  'manifestPath': (string);
  'manifestData': (Buffer);
  'module': (Buffer);
}
