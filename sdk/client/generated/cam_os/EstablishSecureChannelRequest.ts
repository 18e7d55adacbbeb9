// Original file: proto/cam_os.proto


export interface EstablishSecureChannelRequest {
  'peerId'?: (string);
  'ephemeralPublicKey'?: (Buffer | Uint8Array | string);
  'protocol'?: (string);
}

export interface EstablishSecureChannelRequest__Output {
  'peerId': (string);
  'ephemeralPublicKey': (Buffer);
  'protocol': (string);
}
