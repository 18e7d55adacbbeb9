// Original file: proto/cam_os.proto


export interface DriverHealthRequest {
}

export interface DriverHealthRequest__Output {
}
