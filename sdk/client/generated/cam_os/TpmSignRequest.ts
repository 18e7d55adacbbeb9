// Original file: proto/cam_os.proto


export interface TpmSignRequest {
  'data'?: (Buffer | Uint8Array | string);
  'keyId'?: (string);
  'algorithm'?: (string);
}

export interface TpmSignRequest__Output {
  'data': (Buffer);
  'keyId': (string);
  'algorithm': (string);
}
