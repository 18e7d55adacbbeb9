// Original file: proto/cam_os.proto


export interface VerifyManifestResponse {
  'valid'?: (boolean);
  'issuer'?: (string);
  'reasons'?: (string)[];
  'digest'?: (string);
}

export interface VerifyManifestResponse__Output {
  'valid': (boolean);
  'issuer': (string);
  'reasons': (string)[];
  'digest': (string);
}
