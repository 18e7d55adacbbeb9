// Original file: proto/cam_os.proto


export interface DriverListRequest {
}

export interface DriverListRequest__Output {
}
