// Original file: proto/cam_os.proto


export interface TpmSignResponse {
  'signature'?: (Buffer | Uint8Array | string);
  'algorithm'?: (string);
  'keyId'?: (string);
  'classicalSignature'?: (Buffer | Uint8Array | string);
  'pqSignature'?: (Buffer | Uint8Array | string);
  'backend'?: (string);
}

export interface TpmSignResponse__Output {
  'signature': (Buffer);
  'algorithm': (string);
  'keyId': (string);
  'classicalSignature': (Buffer);
  'pqSignature': (Buffer);
  'backend': (string);
}
