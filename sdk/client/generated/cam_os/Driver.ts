// Original file: proto/cam_os.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { DriverDescribeRequest as _cam_os_DriverDescribeRequest, DriverDescribeRequest__Output as _cam_os_DriverDescribeRequest__Output } from '../cam_os/DriverDescribeRequest.ts';
import type { DriverDescribeResponse as _cam_os_DriverDescribeResponse, DriverDescribeResponse__Output as _cam_os_DriverDescribeResponse__Output } from '../cam_os/DriverDescribeResponse.ts';
import type { DriverHandleRequest as _cam_os_DriverHandleRequest, DriverHandleRequest__Output as _cam_os_DriverHandleRequest__Output } from '../cam_os/DriverHandleRequest.ts';
import type { DriverHandleResponse as _cam_os_DriverHandleResponse, DriverHandleResponse__Output as _cam_os_DriverHandleResponse__Output } from '../cam_os/DriverHandleResponse.ts';
import type { DriverHealthRequest as _cam_os_DriverHealthRequest, DriverHealthRequest__Output as _cam_os_DriverHealthRequest__Output } from '../cam_os/DriverHealthRequest.ts';
import type { DriverHealthResponse as _cam_os_DriverHealthResponse, DriverHealthResponse__Output as _cam_os_DriverHealthResponse__Output } from '../cam_os/DriverHealthResponse.ts';

export interface DriverClient extends grpc.Client {
  Describe(argument: _cam_os_DriverDescribeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_DriverDescribeResponse__Output>): grpc.ClientUnaryCall;
  Describe(argument: _cam_os_DriverDescribeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_DriverDescribeResponse__Output>): grpc.ClientUnaryCall;
  Describe(argument: _cam_os_DriverDescribeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_DriverDescribeResponse__Output>): grpc.ClientUnaryCall;
  Describe(argument: _cam_os_DriverDescribeRequest, callback: grpc.requestCallback<_cam_os_DriverDescribeResponse__Output>): grpc.ClientUnaryCall;
  describe(argument: _cam_os_DriverDescribeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_DriverDescribeResponse__Output>): grpc.ClientUnaryCall;
  describe(argument: _cam_os_DriverDescribeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_DriverDescribeResponse__Output>): grpc.ClientUnaryCall;
  describe(argument: _cam_os_DriverDescribeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_DriverDescribeResponse__Output>): grpc.ClientUnaryCall;
  describe(argument: _cam_os_DriverDescribeRequest, callback: grpc.requestCallback<_cam_os_DriverDescribeResponse__Output>): grpc.ClientUnaryCall;
  
  Handle(argument: _cam_os_DriverHandleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_DriverHandleResponse__Output>): grpc.ClientUnaryCall;
  Handle(argument: _cam_os_DriverHandleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_DriverHandleResponse__Output>): grpc.ClientUnaryCall;
  Handle(argument: _cam_os_DriverHandleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_DriverHandleResponse__Output>): grpc.ClientUnaryCall;
  Handle(argument: _cam_os_DriverHandleRequest, callback: grpc.requestCallback<_cam_os_DriverHandleResponse__Output>): grpc.ClientUnaryCall;
  handle(argument: _cam_os_DriverHandleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_DriverHandleResponse__Output>): grpc.ClientUnaryCall;
  handle(argument: _cam_os_DriverHandleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_DriverHandleResponse__Output>): grpc.ClientUnaryCall;
  handle(argument: _cam_os_DriverHandleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_DriverHandleResponse__Output>): grpc.ClientUnaryCall;
  handle(argument: _cam_os_DriverHandleRequest, callback: grpc.requestCallback<_cam_os_DriverHandleResponse__Output>): grpc.ClientUnaryCall;
  
  Health(argument: _cam_os_DriverHealthRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_DriverHealthResponse__Output>): grpc.ClientUnaryCall;
  Health(argument: _cam_os_DriverHealthRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_DriverHealthResponse__Output>): grpc.ClientUnaryCall;
  Health(argument: _cam_os_DriverHealthRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_DriverHealthResponse__Output>): grpc.ClientUnaryCall;
  Health(argument: _cam_os_DriverHealthRequest, callback: grpc.requestCallback<_cam_os_DriverHealthResponse__Output>): grpc.ClientUnaryCall;
  health(argument: _cam_os_DriverHealthRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_DriverHealthResponse__Output>): grpc.ClientUnaryCall;
  health(argument: _cam_os_DriverHealthRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_DriverHealthResponse__Output>): grpc.ClientUnaryCall;
  health(argument: _cam_os_DriverHealthRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_DriverHealthResponse__Output>): grpc.ClientUnaryCall;
  health(argument: _cam_os_DriverHealthRequest, callback: grpc.requestCallback<_cam_os_DriverHealthResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface DriverHandlers extends grpc.UntypedServiceImplementation {
  Describe: grpc.handleUnaryCall<_cam_os_DriverDescribeRequest__Output, _cam_os_DriverDescribeResponse>;
  
  Handle: grpc.handleUnaryCall<_cam_os_DriverHandleRequest__Output, _cam_os_DriverHandleResponse>;
  
  Health: grpc.handleUnaryCall<_cam_os_DriverHealthRequest__Output, _cam_os_DriverHealthResponse>;
  
}

export interface DriverDefinition extends grpc.ServiceDefinition {
  Describe: MethodDefinition<_cam_os_DriverDescribeRequest, _cam_os_DriverDescribeResponse, _cam_os_DriverDescribeRequest__Output, _cam_os_DriverDescribeResponse__Output>
  Handle: MethodDefinition<_cam_os_DriverHandleRequest, _cam_os_DriverHandleResponse, _cam_os_DriverHandleRequest__Output, _cam_os_DriverHandleResponse__Output>
  Health: MethodDefinition<_cam_os_DriverHealthRequest, _cam_os_DriverHealthResponse, _cam_os_DriverHealthRequest__Output, _cam_os_DriverHealthResponse__Output>
}
