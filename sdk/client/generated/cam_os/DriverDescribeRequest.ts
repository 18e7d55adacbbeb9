// Original file: proto/cam_os.proto


export interface DriverDescribeRequest {
}

export interface DriverDescribeRequest__Output {
}
