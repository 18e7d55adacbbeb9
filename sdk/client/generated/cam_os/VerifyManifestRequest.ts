// Original file: proto/cam_os.proto


export interface VerifyManifestRequest {
  'manifestData'?: (Buffer | Uint8Array | string);
  'signature'?: (Buffer | Uint8Array | string);
  'module'?: (Buffer | Uint8Array | string);
}

export interface VerifyManifestRequest__Output {
  'manifestData': (Buffer);
  'signature': (Buffer);
  'module': (Buffer);
}
