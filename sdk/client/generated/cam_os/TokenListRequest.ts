// Original file: proto/cam_os.proto


export interface TokenListRequest {
}

export interface TokenListRequest__Output {
}
