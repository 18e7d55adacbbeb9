// Original file: proto/cam_os.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AgentListRequest as _cam_os_AgentListRequest, AgentListRequest__Output as _cam_os_AgentListRequest__Output } from '../cam_os/AgentListRequest.ts';
import type { AgentListResponse as _cam_os_AgentListResponse, AgentListResponse__Output as _cam_os_AgentListResponse__Output } from '../cam_os/AgentListResponse.ts';
import type { AgentRegisterRequest as _cam_os_AgentRegisterRequest, AgentRegisterRequest__Output as _cam_os_AgentRegisterRequest__Output } from '../cam_os/AgentRegisterRequest.ts';
import type { AgentRegisterResponse as _cam_os_AgentRegisterResponse, AgentRegisterResponse__Output as _cam_os_AgentRegisterResponse__Output } from '../cam_os/AgentRegisterResponse.ts';
import type { ArbitrateRequest as _cam_os_ArbitrateRequest, ArbitrateRequest__Output as _cam_os_ArbitrateRequest__Output } from '../cam_os/ArbitrateRequest.ts';
import type { ArbitrateResponse as _cam_os_ArbitrateResponse, ArbitrateResponse__Output as _cam_os_ArbitrateResponse__Output } from '../cam_os/ArbitrateResponse.ts';
import type { AuditQueryRequest as _cam_os_AuditQueryRequest, AuditQueryRequest__Output as _cam_os_AuditQueryRequest__Output } from '../cam_os/AuditQueryRequest.ts';
import type { AuditQueryResponse as _cam_os_AuditQueryResponse, AuditQueryResponse__Output as _cam_os_AuditQueryResponse__Output } from '../cam_os/AuditQueryResponse.ts';
import type { CommitTaskRequest as _cam_os_CommitTaskRequest, CommitTaskRequest__Output as _cam_os_CommitTaskRequest__Output } from '../cam_os/CommitTaskRequest.ts';
import type { CommitTaskResponse as _cam_os_CommitTaskResponse, CommitTaskResponse__Output as _cam_os_CommitTaskResponse__Output } from '../cam_os/CommitTaskResponse.ts';
import type { ContextDeleteRequest as _cam_os_ContextDeleteRequest, ContextDeleteRequest__Output as _cam_os_ContextDeleteRequest__Output } from '../cam_os/ContextDeleteRequest.ts';
import type { ContextDeleteResponse as _cam_os_ContextDeleteResponse, ContextDeleteResponse__Output as _cam_os_ContextDeleteResponse__Output } from '../cam_os/ContextDeleteResponse.ts';
import type { ContextListRequest as _cam_os_ContextListRequest, ContextListRequest__Output as _cam_os_ContextListRequest__Output } from '../cam_os/ContextListRequest.ts';
import type { ContextListResponse as _cam_os_ContextListResponse, ContextListResponse__Output as _cam_os_ContextListResponse__Output } from '../cam_os/ContextListResponse.ts';
import type { ContextReadRequest as _cam_os_ContextReadRequest, ContextReadRequest__Output as _cam_os_ContextReadRequest__Output } from '../cam_os/ContextReadRequest.ts';
import type { ContextReadResponse as _cam_os_ContextReadResponse, ContextReadResponse__Output as _cam_os_ContextReadResponse__Output } from '../cam_os/ContextReadResponse.ts';
import type { ContextRestoreRequest as _cam_os_ContextRestoreRequest, ContextRestoreRequest__Output as _cam_os_ContextRestoreRequest__Output } from '../cam_os/ContextRestoreRequest.ts';
import type { ContextRestoreResponse as _cam_os_ContextRestoreResponse, ContextRestoreResponse__Output as _cam_os_ContextRestoreResponse__Output } from '../cam_os/ContextRestoreResponse.ts';
import type { ContextSnapshotListRequest as _cam_os_ContextSnapshotListRequest, ContextSnapshotListRequest__Output as _cam_os_ContextSnapshotListRequest__Output } from '../cam_os/ContextSnapshotListRequest.ts';
import type { ContextSnapshotListResponse as _cam_os_ContextSnapshotListResponse, ContextSnapshotListResponse__Output as _cam_os_ContextSnapshotListResponse__Output } from '../cam_os/ContextSnapshotListResponse.ts';
import type { ContextSnapshotRequest as _cam_os_ContextSnapshotRequest, ContextSnapshotRequest__Output as _cam_os_ContextSnapshotRequest__Output } from '../cam_os/ContextSnapshotRequest.ts';
import type { ContextSnapshotResponse as _cam_os_ContextSnapshotResponse, ContextSnapshotResponse__Output as _cam_os_ContextSnapshotResponse__Output } from '../cam_os/ContextSnapshotResponse.ts';
import type { ContextVersionListRequest as _cam_os_ContextVersionListRequest, ContextVersionListRequest__Output as _cam_os_ContextVersionListRequest__Output } from '../cam_os/ContextVersionListRequest.ts';
import type { ContextVersionListResponse as _cam_os_ContextVersionListResponse, ContextVersionListResponse__Output as _cam_os_ContextVersionListResponse__Output } from '../cam_os/ContextVersionListResponse.ts';
import type { ContextWriteRequest as _cam_os_ContextWriteRequest, ContextWriteRequest__Output as _cam_os_ContextWriteRequest__Output } from '../cam_os/ContextWriteRequest.ts';
import type { ContextWriteResponse as _cam_os_ContextWriteResponse, ContextWriteResponse__Output as _cam_os_ContextWriteResponse__Output } from '../cam_os/ContextWriteResponse.ts';
import type { DriverInvokeRequest as _cam_os_DriverInvokeRequest, DriverInvokeRequest__Output as _cam_os_DriverInvokeRequest__Output } from '../cam_os/DriverInvokeRequest.ts';
import type { DriverInvokeResponse as _cam_os_DriverInvokeResponse, DriverInvokeResponse__Output as _cam_os_DriverInvokeResponse__Output } from '../cam_os/DriverInvokeResponse.ts';
import type { DriverListRequest as _cam_os_DriverListRequest, DriverListRequest__Output as _cam_os_DriverListRequest__Output } from '../cam_os/DriverListRequest.ts';
import type { DriverListResponse as _cam_os_DriverListResponse, DriverListResponse__Output as _cam_os_DriverListResponse__Output } from '../cam_os/DriverListResponse.ts';
import type { DriverLoadRequest as _cam_os_DriverLoadRequest, DriverLoadRequest__Output as _cam_os_DriverLoadRequest__Output } from '../cam_os/DriverLoadRequest.ts';
import type { DriverLoadResponse as _cam_os_DriverLoadResponse, DriverLoadResponse__Output as _cam_os_DriverLoadResponse__Output } from '../cam_os/DriverLoadResponse.ts';
import type { DriverUnloadRequest as _cam_os_DriverUnloadRequest, DriverUnloadRequest__Output as _cam_os_DriverUnloadRequest__Output } from '../cam_os/DriverUnloadRequest.ts';
import type { DriverUnloadResponse as _cam_os_DriverUnloadResponse, DriverUnloadResponse__Output as _cam_os_DriverUnloadResponse__Output } from '../cam_os/DriverUnloadResponse.ts';
import type { EmitMetricRequest as _cam_os_EmitMetricRequest, EmitMetricRequest__Output as _cam_os_EmitMetricRequest__Output } from '../cam_os/EmitMetricRequest.ts';
import type { EmitMetricResponse as _cam_os_EmitMetricResponse, EmitMetricResponse__Output as _cam_os_EmitMetricResponse__Output } from '../cam_os/EmitMetricResponse.ts';
import type { EmitTraceRequest as _cam_os_EmitTraceRequest, EmitTraceRequest__Output as _cam_os_EmitTraceRequest__Output } from '../cam_os/EmitTraceRequest.ts';
import type { EmitTraceResponse as _cam_os_EmitTraceResponse, EmitTraceResponse__Output as _cam_os_EmitTraceResponse__Output } from '../cam_os/EmitTraceResponse.ts';
import type { EstablishSecureChannelRequest as _cam_os_EstablishSecureChannelRequest, EstablishSecureChannelRequest__Output as _cam_os_EstablishSecureChannelRequest__Output } from '../cam_os/EstablishSecureChannelRequest.ts';
import type { EstablishSecureChannelResponse as _cam_os_EstablishSecureChannelResponse, EstablishSecureChannelResponse__Output as _cam_os_EstablishSecureChannelResponse__Output } from '../cam_os/EstablishSecureChannelResponse.ts';
import type { ExplainActionRequest as _cam_os_ExplainActionRequest, ExplainActionRequest__Output as _cam_os_ExplainActionRequest__Output } from '../cam_os/ExplainActionRequest.ts';
import type { ExplainActionResponse as _cam_os_ExplainActionResponse, ExplainActionResponse__Output as _cam_os_ExplainActionResponse__Output } from '../cam_os/ExplainActionResponse.ts';
import type { HealthCheckRequest as _cam_os_HealthCheckRequest, HealthCheckRequest__Output as _cam_os_HealthCheckRequest__Output } from '../cam_os/HealthCheckRequest.ts';
import type { HealthCheckResponse as _cam_os_HealthCheckResponse, HealthCheckResponse__Output as _cam_os_HealthCheckResponse__Output } from '../cam_os/HealthCheckResponse.ts';
import type { NlQueryRequest as _cam_os_NlQueryRequest, NlQueryRequest__Output as _cam_os_NlQueryRequest__Output } from '../cam_os/NlQueryRequest.ts';
import type { NlQueryResponse as _cam_os_NlQueryResponse, NlQueryResponse__Output as _cam_os_NlQueryResponse__Output } from '../cam_os/NlQueryResponse.ts';
import type { PolicyGetRequest as _cam_os_PolicyGetRequest, PolicyGetRequest__Output as _cam_os_PolicyGetRequest__Output } from '../cam_os/PolicyGetRequest.ts';
import type { PolicyGetResponse as _cam_os_PolicyGetResponse, PolicyGetResponse__Output as _cam_os_PolicyGetResponse__Output } from '../cam_os/PolicyGetResponse.ts';
import type { PolicyUpdateRequest as _cam_os_PolicyUpdateRequest, PolicyUpdateRequest__Output as _cam_os_PolicyUpdateRequest__Output } from '../cam_os/PolicyUpdateRequest.ts';
import type { PolicyUpdateResponse as _cam_os_PolicyUpdateResponse, PolicyUpdateResponse__Output as _cam_os_PolicyUpdateResponse__Output } from '../cam_os/PolicyUpdateResponse.ts';
import type { QueryPolicyRequest as _cam_os_QueryPolicyRequest, QueryPolicyRequest__Output as _cam_os_QueryPolicyRequest__Output } from '../cam_os/QueryPolicyRequest.ts';
import type { QueryPolicyResponse as _cam_os_QueryPolicyResponse, QueryPolicyResponse__Output as _cam_os_QueryPolicyResponse__Output } from '../cam_os/QueryPolicyResponse.ts';
import type { SyscallRequest as _cam_os_SyscallRequest, SyscallRequest__Output as _cam_os_SyscallRequest__Output } from '../cam_os/SyscallRequest.ts';
import type { SyscallResponse as _cam_os_SyscallResponse, SyscallResponse__Output as _cam_os_SyscallResponse__Output } from '../cam_os/SyscallResponse.ts';
import type { TaskListRequest as _cam_os_TaskListRequest, TaskListRequest__Output as _cam_os_TaskListRequest__Output } from '../cam_os/TaskListRequest.ts';
import type { TaskListResponse as _cam_os_TaskListResponse, TaskListResponse__Output as _cam_os_TaskListResponse__Output } from '../cam_os/TaskListResponse.ts';
import type { TaskRollbackRequest as _cam_os_TaskRollbackRequest, TaskRollbackRequest__Output as _cam_os_TaskRollbackRequest__Output } from '../cam_os/TaskRollbackRequest.ts';
import type { TaskRollbackResponse as _cam_os_TaskRollbackResponse, TaskRollbackResponse__Output as _cam_os_TaskRollbackResponse__Output } from '../cam_os/TaskRollbackResponse.ts';
import type { TaskStatusRequest as _cam_os_TaskStatusRequest, TaskStatusRequest__Output as _cam_os_TaskStatusRequest__Output } from '../cam_os/TaskStatusRequest.ts';
import type { TaskStatusResponse as _cam_os_TaskStatusResponse, TaskStatusResponse__Output as _cam_os_TaskStatusResponse__Output } from '../cam_os/TaskStatusResponse.ts';
import type { TokenCreateRequest as _cam_os_TokenCreateRequest, TokenCreateRequest__Output as _cam_os_TokenCreateRequest__Output } from '../cam_os/TokenCreateRequest.ts';
import type { TokenCreateResponse as _cam_os_TokenCreateResponse, TokenCreateResponse__Output as _cam_os_TokenCreateResponse__Output } from '../cam_os/TokenCreateResponse.ts';
import type { TokenListRequest as _cam_os_TokenListRequest, TokenListRequest__Output as _cam_os_TokenListRequest__Output } from '../cam_os/TokenListRequest.ts';
import type { TokenListResponse as _cam_os_TokenListResponse, TokenListResponse__Output as _cam_os_TokenListResponse__Output } from '../cam_os/TokenListResponse.ts';
import type { TokenRevokeRequest as _cam_os_TokenRevokeRequest, TokenRevokeRequest__Output as _cam_os_TokenRevokeRequest__Output } from '../cam_os/TokenRevokeRequest.ts';
import type { TokenRevokeResponse as _cam_os_TokenRevokeResponse, TokenRevokeResponse__Output as _cam_os_TokenRevokeResponse__Output } from '../cam_os/TokenRevokeResponse.ts';
import type { TpmSignRequest as _cam_os_TpmSignRequest, TpmSignRequest__Output as _cam_os_TpmSignRequest__Output } from '../cam_os/TpmSignRequest.ts';
import type { TpmSignResponse as _cam_os_TpmSignResponse, TpmSignResponse__Output as _cam_os_TpmSignResponse__Output } from '../cam_os/TpmSignResponse.ts';
import type { TraceGetRequest as _cam_os_TraceGetRequest, TraceGetRequest__Output as _cam_os_TraceGetRequest__Output } from '../cam_os/TraceGetRequest.ts';
import type { TraceGetResponse as _cam_os_TraceGetResponse, TraceGetResponse__Output as _cam_os_TraceGetResponse__Output } from '../cam_os/TraceGetResponse.ts';
import type { VerifyManifestRequest as _cam_os_VerifyManifestRequest, VerifyManifestRequest__Output as _cam_os_VerifyManifestRequest__Output } from '../cam_os/VerifyManifestRequest.ts';
import type { VerifyManifestResponse as _cam_os_VerifyManifestResponse, VerifyManifestResponse__Output as _cam_os_VerifyManifestResponse__Output } from '../cam_os/VerifyManifestResponse.ts';

export interface SyscallServiceClient extends grpc.Client {
  AgentList(argument: _cam_os_AgentListRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_AgentListResponse__Output>): grpc.ClientUnaryCall;
  AgentList(argument: _cam_os_AgentListRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_AgentListResponse__Output>): grpc.ClientUnaryCall;
  AgentList(argument: _cam_os_AgentListRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_AgentListResponse__Output>): grpc.ClientUnaryCall;
  AgentList(argument: _cam_os_AgentListRequest, callback: grpc.requestCallback<_cam_os_AgentListResponse__Output>): grpc.ClientUnaryCall;
  agentList(argument: _cam_os_AgentListRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_AgentListResponse__Output>): grpc.ClientUnaryCall;
  agentList(argument: _cam_os_AgentListRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_AgentListResponse__Output>): grpc.ClientUnaryCall;
  agentList(argument: _cam_os_AgentListRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_AgentListResponse__Output>): grpc.ClientUnaryCall;
  agentList(argument: _cam_os_AgentListRequest, callback: grpc.requestCallback<_cam_os_AgentListResponse__Output>): grpc.ClientUnaryCall;
  
  AgentRegister(argument: _cam_os_AgentRegisterRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_AgentRegisterResponse__Output>): grpc.ClientUnaryCall;
  AgentRegister(argument: _cam_os_AgentRegisterRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_AgentRegisterResponse__Output>): grpc.ClientUnaryCall;
  AgentRegister(argument: _cam_os_AgentRegisterRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_AgentRegisterResponse__Output>): grpc.ClientUnaryCall;
  AgentRegister(argument: _cam_os_AgentRegisterRequest, callback: grpc.requestCallback<_cam_os_AgentRegisterResponse__Output>): grpc.ClientUnaryCall;
  agentRegister(argument: _cam_os_AgentRegisterRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_AgentRegisterResponse__Output>): grpc.ClientUnaryCall;
  agentRegister(argument: _cam_os_AgentRegisterRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_AgentRegisterResponse__Output>): grpc.ClientUnaryCall;
  agentRegister(argument: _cam_os_AgentRegisterRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_AgentRegisterResponse__Output>): grpc.ClientUnaryCall;
  agentRegister(argument: _cam_os_AgentRegisterRequest, callback: grpc.requestCallback<_cam_os_AgentRegisterResponse__Output>): grpc.ClientUnaryCall;
  
  Arbitrate(argument: _cam_os_ArbitrateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_ArbitrateResponse__Output>): grpc.ClientUnaryCall;
  Arbitrate(argument: _cam_os_ArbitrateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_ArbitrateResponse__Output>): grpc.ClientUnaryCall;
  Arbitrate(argument: _cam_os_ArbitrateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_ArbitrateResponse__Output>): grpc.ClientUnaryCall;
  Arbitrate(argument: _cam_os_ArbitrateRequest, callback: grpc.requestCallback<_cam_os_ArbitrateResponse__Output>): grpc.ClientUnaryCall;
  arbitrate(argument: _cam_os_ArbitrateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_ArbitrateResponse__Output>): grpc.ClientUnaryCall;
  arbitrate(argument: _cam_os_ArbitrateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_ArbitrateResponse__Output>): grpc.ClientUnaryCall;
  arbitrate(argument: _cam_os_ArbitrateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_ArbitrateResponse__Output>): grpc.ClientUnaryCall;
  arbitrate(argument: _cam_os_ArbitrateRequest, callback: grpc.requestCallback<_cam_os_ArbitrateResponse__Output>): grpc.ClientUnaryCall;
  
  AuditQuery(argument: _cam_os_AuditQueryRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_AuditQueryResponse__Output>): grpc.ClientUnaryCall;
  AuditQuery(argument: _cam_os_AuditQueryRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_AuditQueryResponse__Output>): grpc.ClientUnaryCall;
  AuditQuery(argument: _cam_os_AuditQueryRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_AuditQueryResponse__Output>): grpc.ClientUnaryCall;
  AuditQuery(argument: _cam_os_AuditQueryRequest, callback: grpc.requestCallback<_cam_os_AuditQueryResponse__Output>): grpc.ClientUnaryCall;
  auditQuery(argument: _cam_os_AuditQueryRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_AuditQueryResponse__Output>): grpc.ClientUnaryCall;
  auditQuery(argument: _cam_os_AuditQueryRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_AuditQueryResponse__Output>): grpc.ClientUnaryCall;
  auditQuery(argument: _cam_os_AuditQueryRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_AuditQueryResponse__Output>): grpc.ClientUnaryCall;
  auditQuery(argument: _cam_os_AuditQueryRequest, callback: grpc.requestCallback<_cam_os_AuditQueryResponse__Output>): grpc.ClientUnaryCall;
  
  CommitTask(argument: _cam_os_CommitTaskRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_CommitTaskResponse__Output>): grpc.ClientUnaryCall;
  CommitTask(argument: _cam_os_CommitTaskRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_CommitTaskResponse__Output>): grpc.ClientUnaryCall;
  CommitTask(argument: _cam_os_CommitTaskRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_CommitTaskResponse__Output>): grpc.ClientUnaryCall;
  CommitTask(argument: _cam_os_CommitTaskRequest, callback: grpc.requestCallback<_cam_os_CommitTaskResponse__Output>): grpc.ClientUnaryCall;
  commitTask(argument: _cam_os_CommitTaskRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_CommitTaskResponse__Output>): grpc.ClientUnaryCall;
  commitTask(argument: _cam_os_CommitTaskRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_CommitTaskResponse__Output>): grpc.ClientUnaryCall;
  commitTask(argument: _cam_os_CommitTaskRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_CommitTaskResponse__Output>): grpc.ClientUnaryCall;
  commitTask(argument: _cam_os_CommitTaskRequest, callback: grpc.requestCallback<_cam_os_CommitTaskResponse__Output>): grpc.ClientUnaryCall;
  
  ContextDelete(argument: _cam_os_ContextDeleteRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_ContextDeleteResponse__Output>): grpc.ClientUnaryCall;
  ContextDelete(argument: _cam_os_ContextDeleteRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_ContextDeleteResponse__Output>): grpc.ClientUnaryCall;
  ContextDelete(argument: _cam_os_ContextDeleteRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_ContextDeleteResponse__Output>): grpc.ClientUnaryCall;
  ContextDelete(argument: _cam_os_ContextDeleteRequest, callback: grpc.requestCallback<_cam_os_ContextDeleteResponse__Output>): grpc.ClientUnaryCall;
  contextDelete(argument: _cam_os_ContextDeleteRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_ContextDeleteResponse__Output>): grpc.ClientUnaryCall;
  contextDelete(argument: _cam_os_ContextDeleteRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_ContextDeleteResponse__Output>): grpc.ClientUnaryCall;
  contextDelete(argument: _cam_os_ContextDeleteRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_ContextDeleteResponse__Output>): grpc.ClientUnaryCall;
  contextDelete(argument: _cam_os_ContextDeleteRequest, callback: grpc.requestCallback<_cam_os_ContextDeleteResponse__Output>): grpc.ClientUnaryCall;
  
  ContextList(argument: _cam_os_ContextListRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_ContextListResponse__Output>): grpc.ClientUnaryCall;
  ContextList(argument: _cam_os_ContextListRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_ContextListResponse__Output>): grpc.ClientUnaryCall;
  ContextList(argument: _cam_os_ContextListRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_ContextListResponse__Output>): grpc.ClientUnaryCall;
  ContextList(argument: _cam_os_ContextListRequest, callback: grpc.requestCallback<_cam_os_ContextListResponse__Output>): grpc.ClientUnaryCall;
  contextList(argument: _cam_os_ContextListRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_ContextListResponse__Output>): grpc.ClientUnaryCall;
  contextList(argument: _cam_os_ContextListRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_ContextListResponse__Output>): grpc.ClientUnaryCall;
  contextList(argument: _cam_os_ContextListRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_ContextListResponse__Output>): grpc.ClientUnaryCall;
  contextList(argument: _cam_os_ContextListRequest, callback: grpc.requestCallback<_cam_os_ContextListResponse__Output>): grpc.ClientUnaryCall;
  
  ContextRead(argument: _cam_os_ContextReadRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_ContextReadResponse__Output>): grpc.ClientUnaryCall;
  ContextRead(argument: _cam_os_ContextReadRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_ContextReadResponse__Output>): grpc.ClientUnaryCall;
  ContextRead(argument: _cam_os_ContextReadRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_ContextReadResponse__Output>): grpc.ClientUnaryCall;
  ContextRead(argument: _cam_os_ContextReadRequest, callback: grpc.requestCallback<_cam_os_ContextReadResponse__Output>): grpc.ClientUnaryCall;
  contextRead(argument: _cam_os_ContextReadRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_ContextReadResponse__Output>): grpc.ClientUnaryCall;
  contextRead(argument: _cam_os_ContextReadRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_ContextReadResponse__Output>): grpc.ClientUnaryCall;
  contextRead(argument: _cam_os_ContextReadRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_ContextReadResponse__Output>): grpc.ClientUnaryCall;
  contextRead(argument: _cam_os_ContextReadRequest, callback: grpc.requestCallback<_cam_os_ContextReadResponse__Output>): grpc.ClientUnaryCall;
  
  ContextRestore(argument: _cam_os_ContextRestoreRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_ContextRestoreResponse__Output>): grpc.ClientUnaryCall;
  ContextRestore(argument: _cam_os_ContextRestoreRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_ContextRestoreResponse__Output>): grpc.ClientUnaryCall;
  ContextRestore(argument: _cam_os_ContextRestoreRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_ContextRestoreResponse__Output>): grpc.ClientUnaryCall;
  ContextRestore(argument: _cam_os_ContextRestoreRequest, callback: grpc.requestCallback<_cam_os_ContextRestoreResponse__Output>): grpc.ClientUnaryCall;
  contextRestore(argument: _cam_os_ContextRestoreRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_ContextRestoreResponse__Output>): grpc.ClientUnaryCall;
  contextRestore(argument: _cam_os_ContextRestoreRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_ContextRestoreResponse__Output>): grpc.ClientUnaryCall;
  contextRestore(argument: _cam_os_ContextRestoreRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_ContextRestoreResponse__Output>): grpc.ClientUnaryCall;
  contextRestore(argument: _cam_os_ContextRestoreRequest, callback: grpc.requestCallback<_cam_os_ContextRestoreResponse__Output>): grpc.ClientUnaryCall;
  
  ContextSnapshot(argument: _cam_os_ContextSnapshotRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_ContextSnapshotResponse__Output>): grpc.ClientUnaryCall;
  ContextSnapshot(argument: _cam_os_ContextSnapshotRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_ContextSnapshotResponse__Output>): grpc.ClientUnaryCall;
  ContextSnapshot(argument: _cam_os_ContextSnapshotRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_ContextSnapshotResponse__Output>): grpc.ClientUnaryCall;
  ContextSnapshot(argument: _cam_os_ContextSnapshotRequest, callback: grpc.requestCallback<_cam_os_ContextSnapshotResponse__Output>): grpc.ClientUnaryCall;
  contextSnapshot(argument: _cam_os_ContextSnapshotRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_ContextSnapshotResponse__Output>): grpc.ClientUnaryCall;
  contextSnapshot(argument: _cam_os_ContextSnapshotRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_ContextSnapshotResponse__Output>): grpc.ClientUnaryCall;
  contextSnapshot(argument: _cam_os_ContextSnapshotRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_ContextSnapshotResponse__Output>): grpc.ClientUnaryCall;
  contextSnapshot(argument: _cam_os_ContextSnapshotRequest, callback: grpc.requestCallback<_cam_os_ContextSnapshotResponse__Output>): grpc.ClientUnaryCall;
  
  ContextSnapshotList(argument: _cam_os_ContextSnapshotListRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_ContextSnapshotListResponse__Output>): grpc.ClientUnaryCall;
  ContextSnapshotList(argument: _cam_os_ContextSnapshotListRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_ContextSnapshotListResponse__Output>): grpc.ClientUnaryCall;
  ContextSnapshotList(argument: _cam_os_ContextSnapshotListRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_ContextSnapshotListResponse__Output>): grpc.ClientUnaryCall;
  ContextSnapshotList(argument: _cam_os_ContextSnapshotListRequest, callback: grpc.requestCallback<_cam_os_ContextSnapshotListResponse__Output>): grpc.ClientUnaryCall;
  contextSnapshotList(argument: _cam_os_ContextSnapshotListRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_ContextSnapshotListResponse__Output>): grpc.ClientUnaryCall;
  contextSnapshotList(argument: _cam_os_ContextSnapshotListRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_ContextSnapshotListResponse__Output>): grpc.ClientUnaryCall;
  contextSnapshotList(argument: _cam_os_ContextSnapshotListRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_ContextSnapshotListResponse__Output>): grpc.ClientUnaryCall;
  contextSnapshotList(argument: _cam_os_ContextSnapshotListRequest, callback: grpc.requestCallback<_cam_os_ContextSnapshotListResponse__Output>): grpc.ClientUnaryCall;
  
  ContextVersionList(argument: _cam_os_ContextVersionListRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_ContextVersionListResponse__Output>): grpc.ClientUnaryCall;
  ContextVersionList(argument: _cam_os_ContextVersionListRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_ContextVersionListResponse__Output>): grpc.ClientUnaryCall;
  ContextVersionList(argument: _cam_os_ContextVersionListRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_ContextVersionListResponse__Output>): grpc.ClientUnaryCall;
  ContextVersionList(argument: _cam_os_ContextVersionListRequest, callback: grpc.requestCallback<_cam_os_ContextVersionListResponse__Output>): grpc.ClientUnaryCall;
  contextVersionList(argument: _cam_os_ContextVersionListRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_ContextVersionListResponse__Output>): grpc.ClientUnaryCall;
  contextVersionList(argument: _cam_os_ContextVersionListRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_ContextVersionListResponse__Output>): grpc.ClientUnaryCall;
  contextVersionList(argument: _cam_os_ContextVersionListRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_ContextVersionListResponse__Output>): grpc.ClientUnaryCall;
  contextVersionList(argument: _cam_os_ContextVersionListRequest, callback: grpc.requestCallback<_cam_os_ContextVersionListResponse__Output>): grpc.ClientUnaryCall;
  
  ContextWrite(argument: _cam_os_ContextWriteRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_ContextWriteResponse__Output>): grpc.ClientUnaryCall;
  ContextWrite(argument: _cam_os_ContextWriteRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_ContextWriteResponse__Output>): grpc.ClientUnaryCall;
  ContextWrite(argument: _cam_os_ContextWriteRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_ContextWriteResponse__Output>): grpc.ClientUnaryCall;
  ContextWrite(argument: _cam_os_ContextWriteRequest, callback: grpc.requestCallback<_cam_os_ContextWriteResponse__Output>): grpc.ClientUnaryCall;
  contextWrite(argument: _cam_os_ContextWriteRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_ContextWriteResponse__Output>): grpc.ClientUnaryCall;
  contextWrite(argument: _cam_os_ContextWriteRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_ContextWriteResponse__Output>): grpc.ClientUnaryCall;
  contextWrite(argument: _cam_os_ContextWriteRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_ContextWriteResponse__Output>): grpc.ClientUnaryCall;
  contextWrite(argument: _cam_os_ContextWriteRequest, callback: grpc.requestCallback<_cam_os_ContextWriteResponse__Output>): grpc.ClientUnaryCall;
  
  DriverInvoke(argument: _cam_os_DriverInvokeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_DriverInvokeResponse__Output>): grpc.ClientUnaryCall;
  DriverInvoke(argument: _cam_os_DriverInvokeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_DriverInvokeResponse__Output>): grpc.ClientUnaryCall;
  DriverInvoke(argument: _cam_os_DriverInvokeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_DriverInvokeResponse__Output>): grpc.ClientUnaryCall;
  DriverInvoke(argument: _cam_os_DriverInvokeRequest, callback: grpc.requestCallback<_cam_os_DriverInvokeResponse__Output>): grpc.ClientUnaryCall;
  driverInvoke(argument: _cam_os_DriverInvokeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_DriverInvokeResponse__Output>): grpc.ClientUnaryCall;
  driverInvoke(argument: _cam_os_DriverInvokeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_DriverInvokeResponse__Output>): grpc.ClientUnaryCall;
  driverInvoke(argument: _cam_os_DriverInvokeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_DriverInvokeResponse__Output>): grpc.ClientUnaryCall;
  driverInvoke(argument: _cam_os_DriverInvokeRequest, callback: grpc.requestCallback<_cam_os_DriverInvokeResponse__Output>): grpc.ClientUnaryCall;
  
  DriverList(argument: _cam_os_DriverListRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_DriverListResponse__Output>): grpc.ClientUnaryCall;
  DriverList(argument: _cam_os_DriverListRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_DriverListResponse__Output>): grpc.ClientUnaryCall;
  DriverList(argument: _cam_os_DriverListRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_DriverListResponse__Output>): grpc.ClientUnaryCall;
  DriverList(argument: _cam_os_DriverListRequest, callback: grpc.requestCallback<_cam_os_DriverListResponse__Output>): grpc.ClientUnaryCall;
  driverList(argument: _cam_os_DriverListRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_DriverListResponse__Output>): grpc.ClientUnaryCall;
  driverList(argument: _cam_os_DriverListRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_DriverListResponse__Output>): grpc.ClientUnaryCall;
  driverList(argument: _cam_os_DriverListRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_DriverListResponse__Output>): grpc.ClientUnaryCall;
  driverList(argument: _cam_os_DriverListRequest, callback: grpc.requestCallback<_cam_os_DriverListResponse__Output>): grpc.ClientUnaryCall;
  
  DriverLoad(argument: _cam_os_DriverLoadRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_DriverLoadResponse__Output>): grpc.ClientUnaryCall;
  DriverLoad(argument: _cam_os_DriverLoadRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_DriverLoadResponse__Output>): grpc.ClientUnaryCall;
  DriverLoad(argument: _cam_os_DriverLoadRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_DriverLoadResponse__Output>): grpc.ClientUnaryCall;
  DriverLoad(argument: _cam_os_DriverLoadRequest, callback: grpc.requestCallback<_cam_os_DriverLoadResponse__Output>): grpc.ClientUnaryCall;
  driverLoad(argument: _cam_os_DriverLoadRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_DriverLoadResponse__Output>): grpc.ClientUnaryCall;
  driverLoad(argument: _cam_os_DriverLoadRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_DriverLoadResponse__Output>): grpc.ClientUnaryCall;
  driverLoad(argument: _cam_os_DriverLoadRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_DriverLoadResponse__Output>): grpc.ClientUnaryCall;
  driverLoad(argument: _cam_os_DriverLoadRequest, callback: grpc.requestCallback<_cam_os_DriverLoadResponse__Output>): grpc.ClientUnaryCall;
  
  DriverUnload(argument: _cam_os_DriverUnloadRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_DriverUnloadResponse__Output>): grpc.ClientUnaryCall;
  DriverUnload(argument: _cam_os_DriverUnloadRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_DriverUnloadResponse__Output>): grpc.ClientUnaryCall;
  DriverUnload(argument: _cam_os_DriverUnloadRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_DriverUnloadResponse__Output>): grpc.ClientUnaryCall;
  DriverUnload(argument: _cam_os_DriverUnloadRequest, callback: grpc.requestCallback<_cam_os_DriverUnloadResponse__Output>): grpc.ClientUnaryCall;
  driverUnload(argument: _cam_os_DriverUnloadRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_DriverUnloadResponse__Output>): grpc.ClientUnaryCall;
  driverUnload(argument: _cam_os_DriverUnloadRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_DriverUnloadResponse__Output>): grpc.ClientUnaryCall;
  driverUnload(argument: _cam_os_DriverUnloadRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_DriverUnloadResponse__Output>): grpc.ClientUnaryCall;
  driverUnload(argument: _cam_os_DriverUnloadRequest, callback: grpc.requestCallback<_cam_os_DriverUnloadResponse__Output>): grpc.ClientUnaryCall;
  
  EmitMetric(argument: _cam_os_EmitMetricRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_EmitMetricResponse__Output>): grpc.ClientUnaryCall;
  EmitMetric(argument: _cam_os_EmitMetricRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_EmitMetricResponse__Output>): grpc.ClientUnaryCall;
  EmitMetric(argument: _cam_os_EmitMetricRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_EmitMetricResponse__Output>): grpc.ClientUnaryCall;
  EmitMetric(argument: _cam_os_EmitMetricRequest, callback: grpc.requestCallback<_cam_os_EmitMetricResponse__Output>): grpc.ClientUnaryCall;
  emitMetric(argument: _cam_os_EmitMetricRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_EmitMetricResponse__Output>): grpc.ClientUnaryCall;
  emitMetric(argument: _cam_os_EmitMetricRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_EmitMetricResponse__Output>): grpc.ClientUnaryCall;
  emitMetric(argument: _cam_os_EmitMetricRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_EmitMetricResponse__Output>): grpc.ClientUnaryCall;
  emitMetric(argument: _cam_os_EmitMetricRequest, callback: grpc.requestCallback<_cam_os_EmitMetricResponse__Output>): grpc.ClientUnaryCall;
  
  EmitTrace(argument: _cam_os_EmitTraceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_EmitTraceResponse__Output>): grpc.ClientUnaryCall;
  EmitTrace(argument: _cam_os_EmitTraceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_EmitTraceResponse__Output>): grpc.ClientUnaryCall;
  EmitTrace(argument: _cam_os_EmitTraceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_EmitTraceResponse__Output>): grpc.ClientUnaryCall;
  EmitTrace(argument: _cam_os_EmitTraceRequest, callback: grpc.requestCallback<_cam_os_EmitTraceResponse__Output>): grpc.ClientUnaryCall;
  emitTrace(argument: _cam_os_EmitTraceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_EmitTraceResponse__Output>): grpc.ClientUnaryCall;
  emitTrace(argument: _cam_os_EmitTraceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_EmitTraceResponse__Output>): grpc.ClientUnaryCall;
  emitTrace(argument: _cam_os_EmitTraceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_EmitTraceResponse__Output>): grpc.ClientUnaryCall;
  emitTrace(argument: _cam_os_EmitTraceRequest, callback: grpc.requestCallback<_cam_os_EmitTraceResponse__Output>): grpc.ClientUnaryCall;
  
  EstablishSecureChannel(argument: _cam_os_EstablishSecureChannelRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_EstablishSecureChannelResponse__Output>): grpc.ClientUnaryCall;
  EstablishSecureChannel(argument: _cam_os_EstablishSecureChannelRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_EstablishSecureChannelResponse__Output>): grpc.ClientUnaryCall;
  EstablishSecureChannel(argument: _cam_os_EstablishSecureChannelRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_EstablishSecureChannelResponse__Output>): grpc.ClientUnaryCall;
  EstablishSecureChannel(argument: _cam_os_EstablishSecureChannelRequest, callback: grpc.requestCallback<_cam_os_EstablishSecureChannelResponse__Output>): grpc.ClientUnaryCall;
  establishSecureChannel(argument: _cam_os_EstablishSecureChannelRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_EstablishSecureChannelResponse__Output>): grpc.ClientUnaryCall;
  establishSecureChannel(argument: _cam_os_EstablishSecureChannelRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_EstablishSecureChannelResponse__Output>): grpc.ClientUnaryCall;
  establishSecureChannel(argument: _cam_os_EstablishSecureChannelRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_EstablishSecureChannelResponse__Output>): grpc.ClientUnaryCall;
  establishSecureChannel(argument: _cam_os_EstablishSecureChannelRequest, callback: grpc.requestCallback<_cam_os_EstablishSecureChannelResponse__Output>): grpc.ClientUnaryCall;
  
  ExplainAction(argument: _cam_os_ExplainActionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_ExplainActionResponse__Output>): grpc.ClientUnaryCall;
  ExplainAction(argument: _cam_os_ExplainActionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_ExplainActionResponse__Output>): grpc.ClientUnaryCall;
  ExplainAction(argument: _cam_os_ExplainActionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_ExplainActionResponse__Output>): grpc.ClientUnaryCall;
  ExplainAction(argument: _cam_os_ExplainActionRequest, callback: grpc.requestCallback<_cam_os_ExplainActionResponse__Output>): grpc.ClientUnaryCall;
  explainAction(argument: _cam_os_ExplainActionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_ExplainActionResponse__Output>): grpc.ClientUnaryCall;
  explainAction(argument: _cam_os_ExplainActionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_ExplainActionResponse__Output>): grpc.ClientUnaryCall;
  explainAction(argument: _cam_os_ExplainActionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_ExplainActionResponse__Output>): grpc.ClientUnaryCall;
  explainAction(argument: _cam_os_ExplainActionRequest, callback: grpc.requestCallback<_cam_os_ExplainActionResponse__Output>): grpc.ClientUnaryCall;
  
  HealthCheck(argument: _cam_os_HealthCheckRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_HealthCheckResponse__Output>): grpc.ClientUnaryCall;
  HealthCheck(argument: _cam_os_HealthCheckRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_HealthCheckResponse__Output>): grpc.ClientUnaryCall;
  HealthCheck(argument: _cam_os_HealthCheckRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_HealthCheckResponse__Output>): grpc.ClientUnaryCall;
  HealthCheck(argument: _cam_os_HealthCheckRequest, callback: grpc.requestCallback<_cam_os_HealthCheckResponse__Output>): grpc.ClientUnaryCall;
  healthCheck(argument: _cam_os_HealthCheckRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_HealthCheckResponse__Output>): grpc.ClientUnaryCall;
  healthCheck(argument: _cam_os_HealthCheckRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_HealthCheckResponse__Output>): grpc.ClientUnaryCall;
  healthCheck(argument: _cam_os_HealthCheckRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_HealthCheckResponse__Output>): grpc.ClientUnaryCall;
  healthCheck(argument: _cam_os_HealthCheckRequest, callback: grpc.requestCallback<_cam_os_HealthCheckResponse__Output>): grpc.ClientUnaryCall;
  
  NlQuery(argument: _cam_os_NlQueryRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_NlQueryResponse__Output>): grpc.ClientUnaryCall;
  NlQuery(argument: _cam_os_NlQueryRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_NlQueryResponse__Output>): grpc.ClientUnaryCall;
  NlQuery(argument: _cam_os_NlQueryRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_NlQueryResponse__Output>): grpc.ClientUnaryCall;
  NlQuery(argument: _cam_os_NlQueryRequest, callback: grpc.requestCallback<_cam_os_NlQueryResponse__Output>): grpc.ClientUnaryCall;
  nlQuery(argument: _cam_os_NlQueryRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_NlQueryResponse__Output>): grpc.ClientUnaryCall;
  nlQuery(argument: _cam_os_NlQueryRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_NlQueryResponse__Output>): grpc.ClientUnaryCall;
  nlQuery(argument: _cam_os_NlQueryRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_NlQueryResponse__Output>): grpc.ClientUnaryCall;
  nlQuery(argument: _cam_os_NlQueryRequest, callback: grpc.requestCallback<_cam_os_NlQueryResponse__Output>): grpc.ClientUnaryCall;
  
  PolicyGet(argument: _cam_os_PolicyGetRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_PolicyGetResponse__Output>): grpc.ClientUnaryCall;
  PolicyGet(argument: _cam_os_PolicyGetRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_PolicyGetResponse__Output>): grpc.ClientUnaryCall;
  PolicyGet(argument: _cam_os_PolicyGetRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_PolicyGetResponse__Output>): grpc.ClientUnaryCall;
  PolicyGet(argument: _cam_os_PolicyGetRequest, callback: grpc.requestCallback<_cam_os_PolicyGetResponse__Output>): grpc.ClientUnaryCall;
  policyGet(argument: _cam_os_PolicyGetRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_PolicyGetResponse__Output>): grpc.ClientUnaryCall;
  policyGet(argument: _cam_os_PolicyGetRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_PolicyGetResponse__Output>): grpc.ClientUnaryCall;
  policyGet(argument: _cam_os_PolicyGetRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_PolicyGetResponse__Output>): grpc.ClientUnaryCall;
  policyGet(argument: _cam_os_PolicyGetRequest, callback: grpc.requestCallback<_cam_os_PolicyGetResponse__Output>): grpc.ClientUnaryCall;
  
  PolicyUpdate(argument: _cam_os_PolicyUpdateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_PolicyUpdateResponse__Output>): grpc.ClientUnaryCall;
  PolicyUpdate(argument: _cam_os_PolicyUpdateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_PolicyUpdateResponse__Output>): grpc.ClientUnaryCall;
  PolicyUpdate(argument: _cam_os_PolicyUpdateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_PolicyUpdateResponse__Output>): grpc.ClientUnaryCall;
  PolicyUpdate(argument: _cam_os_PolicyUpdateRequest, callback: grpc.requestCallback<_cam_os_PolicyUpdateResponse__Output>): grpc.ClientUnaryCall;
  policyUpdate(argument: _cam_os_PolicyUpdateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_PolicyUpdateResponse__Output>): grpc.ClientUnaryCall;
  policyUpdate(argument: _cam_os_PolicyUpdateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_PolicyUpdateResponse__Output>): grpc.ClientUnaryCall;
  policyUpdate(argument: _cam_os_PolicyUpdateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_PolicyUpdateResponse__Output>): grpc.ClientUnaryCall;
  policyUpdate(argument: _cam_os_PolicyUpdateRequest, callback: grpc.requestCallback<_cam_os_PolicyUpdateResponse__Output>): grpc.ClientUnaryCall;
  
  QueryPolicy(argument: _cam_os_QueryPolicyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_QueryPolicyResponse__Output>): grpc.ClientUnaryCall;
  QueryPolicy(argument: _cam_os_QueryPolicyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_QueryPolicyResponse__Output>): grpc.ClientUnaryCall;
  QueryPolicy(argument: _cam_os_QueryPolicyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_QueryPolicyResponse__Output>): grpc.ClientUnaryCall;
  QueryPolicy(argument: _cam_os_QueryPolicyRequest, callback: grpc.requestCallback<_cam_os_QueryPolicyResponse__Output>): grpc.ClientUnaryCall;
  queryPolicy(argument: _cam_os_QueryPolicyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_QueryPolicyResponse__Output>): grpc.ClientUnaryCall;
  queryPolicy(argument: _cam_os_QueryPolicyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_QueryPolicyResponse__Output>): grpc.ClientUnaryCall;
  queryPolicy(argument: _cam_os_QueryPolicyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_QueryPolicyResponse__Output>): grpc.ClientUnaryCall;
  queryPolicy(argument: _cam_os_QueryPolicyRequest, callback: grpc.requestCallback<_cam_os_QueryPolicyResponse__Output>): grpc.ClientUnaryCall;
  
  Session(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_cam_os_SyscallRequest, _cam_os_SyscallResponse__Output>;
  Session(options?: grpc.CallOptions): grpc.ClientDuplexStream<_cam_os_SyscallRequest, _cam_os_SyscallResponse__Output>;
  session(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_cam_os_SyscallRequest, _cam_os_SyscallResponse__Output>;
  session(options?: grpc.CallOptions): grpc.ClientDuplexStream<_cam_os_SyscallRequest, _cam_os_SyscallResponse__Output>;
  
  TaskList(argument: _cam_os_TaskListRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_TaskListResponse__Output>): grpc.ClientUnaryCall;
  TaskList(argument: _cam_os_TaskListRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_TaskListResponse__Output>): grpc.ClientUnaryCall;
  TaskList(argument: _cam_os_TaskListRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_TaskListResponse__Output>): grpc.ClientUnaryCall;
  TaskList(argument: _cam_os_TaskListRequest, callback: grpc.requestCallback<_cam_os_TaskListResponse__Output>): grpc.ClientUnaryCall;
  taskList(argument: _cam_os_TaskListRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_TaskListResponse__Output>): grpc.ClientUnaryCall;
  taskList(argument: _cam_os_TaskListRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_TaskListResponse__Output>): grpc.ClientUnaryCall;
  taskList(argument: _cam_os_TaskListRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_TaskListResponse__Output>): grpc.ClientUnaryCall;
  taskList(argument: _cam_os_TaskListRequest, callback: grpc.requestCallback<_cam_os_TaskListResponse__Output>): grpc.ClientUnaryCall;
  
  TaskRollback(argument: _cam_os_TaskRollbackRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_TaskRollbackResponse__Output>): grpc.ClientUnaryCall;
  TaskRollback(argument: _cam_os_TaskRollbackRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_TaskRollbackResponse__Output>): grpc.ClientUnaryCall;
  TaskRollback(argument: _cam_os_TaskRollbackRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_TaskRollbackResponse__Output>): grpc.ClientUnaryCall;
  TaskRollback(argument: _cam_os_TaskRollbackRequest, callback: grpc.requestCallback<_cam_os_TaskRollbackResponse__Output>): grpc.ClientUnaryCall;
  taskRollback(argument: _cam_os_TaskRollbackRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_TaskRollbackResponse__Output>): grpc.ClientUnaryCall;
  taskRollback(argument: _cam_os_TaskRollbackRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_TaskRollbackResponse__Output>): grpc.ClientUnaryCall;
  taskRollback(argument: _cam_os_TaskRollbackRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_TaskRollbackResponse__Output>): grpc.ClientUnaryCall;
  taskRollback(argument: _cam_os_TaskRollbackRequest, callback: grpc.requestCallback<_cam_os_TaskRollbackResponse__Output>): grpc.ClientUnaryCall;
  
  TaskStatus(argument: _cam_os_TaskStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_TaskStatusResponse__Output>): grpc.ClientUnaryCall;
  TaskStatus(argument: _cam_os_TaskStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_TaskStatusResponse__Output>): grpc.ClientUnaryCall;
  TaskStatus(argument: _cam_os_TaskStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_TaskStatusResponse__Output>): grpc.ClientUnaryCall;
  TaskStatus(argument: _cam_os_TaskStatusRequest, callback: grpc.requestCallback<_cam_os_TaskStatusResponse__Output>): grpc.ClientUnaryCall;
  taskStatus(argument: _cam_os_TaskStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_TaskStatusResponse__Output>): grpc.ClientUnaryCall;
  taskStatus(argument: _cam_os_TaskStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_TaskStatusResponse__Output>): grpc.ClientUnaryCall;
  taskStatus(argument: _cam_os_TaskStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_TaskStatusResponse__Output>): grpc.ClientUnaryCall;
  taskStatus(argument: _cam_os_TaskStatusRequest, callback: grpc.requestCallback<_cam_os_TaskStatusResponse__Output>): grpc.ClientUnaryCall;
  
  TmpSign(argument: _cam_os_TpmSignRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_TpmSignResponse__Output>): grpc.ClientUnaryCall;
  TmpSign(argument: _cam_os_TpmSignRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_TpmSignResponse__Output>): grpc.ClientUnaryCall;
  TmpSign(argument: _cam_os_TpmSignRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_TpmSignResponse__Output>): grpc.ClientUnaryCall;
  TmpSign(argument: _cam_os_TpmSignRequest, callback: grpc.requestCallback<_cam_os_TpmSignResponse__Output>): grpc.ClientUnaryCall;
  tmpSign(argument: _cam_os_TpmSignRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_TpmSignResponse__Output>): grpc.ClientUnaryCall;
  tmpSign(argument: _cam_os_TpmSignRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_TpmSignResponse__Output>): grpc.ClientUnaryCall;
  tmpSign(argument: _cam_os_TpmSignRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_TpmSignResponse__Output>): grpc.ClientUnaryCall;
  tmpSign(argument: _cam_os_TpmSignRequest, callback: grpc.requestCallback<_cam_os_TpmSignResponse__Output>): grpc.ClientUnaryCall;
  
  TokenCreate(argument: _cam_os_TokenCreateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_TokenCreateResponse__Output>): grpc.ClientUnaryCall;
  TokenCreate(argument: _cam_os_TokenCreateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_TokenCreateResponse__Output>): grpc.ClientUnaryCall;
  TokenCreate(argument: _cam_os_TokenCreateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_TokenCreateResponse__Output>): grpc.ClientUnaryCall;
  TokenCreate(argument: _cam_os_TokenCreateRequest, callback: grpc.requestCallback<_cam_os_TokenCreateResponse__Output>): grpc.ClientUnaryCall;
  tokenCreate(argument: _cam_os_TokenCreateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_TokenCreateResponse__Output>): grpc.ClientUnaryCall;
  tokenCreate(argument: _cam_os_TokenCreateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_TokenCreateResponse__Output>): grpc.ClientUnaryCall;
  tokenCreate(argument: _cam_os_TokenCreateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_TokenCreateResponse__Output>): grpc.ClientUnaryCall;
  tokenCreate(argument: _cam_os_TokenCreateRequest, callback: grpc.requestCallback<_cam_os_TokenCreateResponse__Output>): grpc.ClientUnaryCall;
  
  TokenList(argument: _cam_os_TokenListRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_TokenListResponse__Output>): grpc.ClientUnaryCall;
  TokenList(argument: _cam_os_TokenListRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_TokenListResponse__Output>): grpc.ClientUnaryCall;
  TokenList(argument: _cam_os_TokenListRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_TokenListResponse__Output>): grpc.ClientUnaryCall;
  TokenList(argument: _cam_os_TokenListRequest, callback: grpc.requestCallback<_cam_os_TokenListResponse__Output>): grpc.ClientUnaryCall;
  tokenList(argument: _cam_os_TokenListRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_TokenListResponse__Output>): grpc.ClientUnaryCall;
  tokenList(argument: _cam_os_TokenListRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_TokenListResponse__Output>): grpc.ClientUnaryCall;
  tokenList(argument: _cam_os_TokenListRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_TokenListResponse__Output>): grpc.ClientUnaryCall;
  tokenList(argument: _cam_os_TokenListRequest, callback: grpc.requestCallback<_cam_os_TokenListResponse__Output>): grpc.ClientUnaryCall;
  
  TokenRevoke(argument: _cam_os_TokenRevokeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_TokenRevokeResponse__Output>): grpc.ClientUnaryCall;
  TokenRevoke(argument: _cam_os_TokenRevokeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_TokenRevokeResponse__Output>): grpc.ClientUnaryCall;
  TokenRevoke(argument: _cam_os_TokenRevokeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_TokenRevokeResponse__Output>): grpc.ClientUnaryCall;
  TokenRevoke(argument: _cam_os_TokenRevokeRequest, callback: grpc.requestCallback<_cam_os_TokenRevokeResponse__Output>): grpc.ClientUnaryCall;
  tokenRevoke(argument: _cam_os_TokenRevokeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_TokenRevokeResponse__Output>): grpc.ClientUnaryCall;
  tokenRevoke(argument: _cam_os_TokenRevokeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_TokenRevokeResponse__Output>): grpc.ClientUnaryCall;
  tokenRevoke(argument: _cam_os_TokenRevokeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_TokenRevokeResponse__Output>): grpc.ClientUnaryCall;
  tokenRevoke(argument: _cam_os_TokenRevokeRequest, callback: grpc.requestCallback<_cam_os_TokenRevokeResponse__Output>): grpc.ClientUnaryCall;
  
  TpmSign(argument: _cam_os_TpmSignRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_TpmSignResponse__Output>): grpc.ClientUnaryCall;
  TpmSign(argument: _cam_os_TpmSignRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_TpmSignResponse__Output>): grpc.ClientUnaryCall;
  TpmSign(argument: _cam_os_TpmSignRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_TpmSignResponse__Output>): grpc.ClientUnaryCall;
  TpmSign(argument: _cam_os_TpmSignRequest, callback: grpc.requestCallback<_cam_os_TpmSignResponse__Output>): grpc.ClientUnaryCall;
  tpmSign(argument: _cam_os_TpmSignRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_TpmSignResponse__Output>): grpc.ClientUnaryCall;
  tpmSign(argument: _cam_os_TpmSignRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_TpmSignResponse__Output>): grpc.ClientUnaryCall;
  tpmSign(argument: _cam_os_TpmSignRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_TpmSignResponse__Output>): grpc.ClientUnaryCall;
  tpmSign(argument: _cam_os_TpmSignRequest, callback: grpc.requestCallback<_cam_os_TpmSignResponse__Output>): grpc.ClientUnaryCall;
  
  TraceGet(argument: _cam_os_TraceGetRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_TraceGetResponse__Output>): grpc.ClientUnaryCall;
  TraceGet(argument: _cam_os_TraceGetRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_TraceGetResponse__Output>): grpc.ClientUnaryCall;
  TraceGet(argument: _cam_os_TraceGetRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_TraceGetResponse__Output>): grpc.ClientUnaryCall;
  TraceGet(argument: _cam_os_TraceGetRequest, callback: grpc.requestCallback<_cam_os_TraceGetResponse__Output>): grpc.ClientUnaryCall;
  traceGet(argument: _cam_os_TraceGetRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_TraceGetResponse__Output>): grpc.ClientUnaryCall;
  traceGet(argument: _cam_os_TraceGetRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_TraceGetResponse__Output>): grpc.ClientUnaryCall;
  traceGet(argument: _cam_os_TraceGetRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_TraceGetResponse__Output>): grpc.ClientUnaryCall;
  traceGet(argument: _cam_os_TraceGetRequest, callback: grpc.requestCallback<_cam_os_TraceGetResponse__Output>): grpc.ClientUnaryCall;
  
  VerifyManifest(argument: _cam_os_VerifyManifestRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_VerifyManifestResponse__Output>): grpc.ClientUnaryCall;
  VerifyManifest(argument: _cam_os_VerifyManifestRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_VerifyManifestResponse__Output>): grpc.ClientUnaryCall;
  VerifyManifest(argument: _cam_os_VerifyManifestRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_VerifyManifestResponse__Output>): grpc.ClientUnaryCall;
  VerifyManifest(argument: _cam_os_VerifyManifestRequest, callback: grpc.requestCallback<_cam_os_VerifyManifestResponse__Output>): grpc.ClientUnaryCall;
  verifyManifest(argument: _cam_os_VerifyManifestRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_VerifyManifestResponse__Output>): grpc.ClientUnaryCall;
  verifyManifest(argument: _cam_os_VerifyManifestRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cam_os_VerifyManifestResponse__Output>): grpc.ClientUnaryCall;
  verifyManifest(argument: _cam_os_VerifyManifestRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cam_os_VerifyManifestResponse__Output>): grpc.ClientUnaryCall;
  verifyManifest(argument: _cam_os_VerifyManifestRequest, callback: grpc.requestCallback<_cam_os_VerifyManifestResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface SyscallServiceHandlers extends grpc.UntypedServiceImplementation {
  AgentList: grpc.handleUnaryCall<_cam_os_AgentListRequest__Output, _cam_os_AgentListResponse>;
  
  AgentRegister: grpc.handleUnaryCall<_cam_os_AgentRegisterRequest__Output, _cam_os_AgentRegisterResponse>;
  
  Arbitrate: grpc.handleUnaryCall<_cam_os_ArbitrateRequest__Output, _cam_os_ArbitrateResponse>;
  
  AuditQuery: grpc.handleUnaryCall<_cam_os_AuditQueryRequest__Output, _cam_os_AuditQueryResponse>;
  
  CommitTask: grpc.handleUnaryCall<_cam_os_CommitTaskRequest__Output, _cam_os_CommitTaskResponse>;
  
  ContextDelete: grpc.handleUnaryCall<_cam_os_ContextDeleteRequest__Output, _cam_os_ContextDeleteResponse>;
  
  ContextList: grpc.handleUnaryCall<_cam_os_ContextListRequest__Output, _cam_os_ContextListResponse>;
  
  ContextRead: grpc.handleUnaryCall<_cam_os_ContextReadRequest__Output, _cam_os_ContextReadResponse>;
  
  ContextRestore: grpc.handleUnaryCall<_cam_os_ContextRestoreRequest__Output, _cam_os_ContextRestoreResponse>;
  
  ContextSnapshot: grpc.handleUnaryCall<_cam_os_ContextSnapshotRequest__Output, _cam_os_ContextSnapshotResponse>;
  
  ContextSnapshotList: grpc.handleUnaryCall<_cam_os_ContextSnapshotListRequest__Output, _cam_os_ContextSnapshotListResponse>;
  
  ContextVersionList: grpc.handleUnaryCall<_cam_os_ContextVersionListRequest__Output, _cam_os_ContextVersionListResponse>;
  
  ContextWrite: grpc.handleUnaryCall<_cam_os_ContextWriteRequest__Output, _cam_os_ContextWriteResponse>;
  
  DriverInvoke: grpc.handleUnaryCall<_cam_os_DriverInvokeRequest__Output, _cam_os_DriverInvokeResponse>;
  
  DriverList: grpc.handleUnaryCall<_cam_os_DriverListRequest__Output, _cam_os_DriverListResponse>;
  
  DriverLoad: grpc.handleUnaryCall<_cam_os_DriverLoadRequest__Output, _cam_os_DriverLoadResponse>;
  
  DriverUnload: grpc.handleUnaryCall<_cam_os_DriverUnloadRequest__Output, _cam_os_DriverUnloadResponse>;
  
  EmitMetric: grpc.handleUnaryCall<_cam_os_EmitMetricRequest__Output, _cam_os_EmitMetricResponse>;
  
  EmitTrace: grpc.handleUnaryCall<_cam_os_EmitTraceRequest__Output, _cam_os_EmitTraceResponse>;
  
  EstablishSecureChannel: grpc.handleUnaryCall<_cam_os_EstablishSecureChannelRequest__Output, _cam_os_EstablishSecureChannelResponse>;
  
  ExplainAction: grpc.handleUnaryCall<_cam_os_ExplainActionRequest__Output, _cam_os_ExplainActionResponse>;
  
  HealthCheck: grpc.handleUnaryCall<_cam_os_HealthCheckRequest__Output, _cam_os_HealthCheckResponse>;
  
  NlQuery: grpc.handleUnaryCall<_cam_os_NlQueryRequest__Output, _cam_os_NlQueryResponse>;
  
  PolicyGet: grpc.handleUnaryCall<_cam_os_PolicyGetRequest__Output, _cam_os_PolicyGetResponse>;
  
  PolicyUpdate: grpc.handleUnaryCall<_cam_os_PolicyUpdateRequest__Output, _cam_os_PolicyUpdateResponse>;
  
  QueryPolicy: grpc.handleUnaryCall<_cam_os_QueryPolicyRequest__Output, _cam_os_QueryPolicyResponse>;
  
  Session: grpc.handleBidiStreamingCall<_cam_os_SyscallRequest__Output, _cam_os_SyscallResponse>;
  
  TaskList: grpc.handleUnaryCall<_cam_os_TaskListRequest__Output, _cam_os_TaskListResponse>;
  
  TaskRollback: grpc.handleUnaryCall<_cam_os_TaskRollbackRequest__Output, _cam_os_TaskRollbackResponse>;
  
  TaskStatus: grpc.handleUnaryCall<_cam_os_TaskStatusRequest__Output, _cam_os_TaskStatusResponse>;
  
  TmpSign: grpc.handleUnaryCall<_cam_os_TpmSignRequest__Output, _cam_os_TpmSignResponse>;
  
  TokenCreate: grpc.handleUnaryCall<_cam_os_TokenCreateRequest__Output, _cam_os_TokenCreateResponse>;
  
  TokenList: grpc.handleUnaryCall<_cam_os_TokenListRequest__Output, _cam_os_TokenListResponse>;
  
  TokenRevoke: grpc.handleUnaryCall<_cam_os_TokenRevokeRequest__Output, _cam_os_TokenRevokeResponse>;
  
  TpmSign: grpc.handleUnaryCall<_cam_os_TpmSignRequest__Output, _cam_os_TpmSignResponse>;
  
  TraceGet: grpc.handleUnaryCall<_cam_os_TraceGetRequest__Output, _cam_os_TraceGetResponse>;
  
  VerifyManifest: grpc.handleUnaryCall<_cam_os_VerifyManifestRequest__Output, _cam_os_VerifyManifestResponse>;
  
}

export interface SyscallServiceDefinition extends grpc.ServiceDefinition {
  AgentList: MethodDefinition<_cam_os_AgentListRequest, _cam_os_AgentListResponse, _cam_os_AgentListRequest__Output, _cam_os_AgentListResponse__Output>
  AgentRegister: MethodDefinition<_cam_os_AgentRegisterRequest, _cam_os_AgentRegisterResponse, _cam_os_AgentRegisterRequest__Output, _cam_os_AgentRegisterResponse__Output>
  Arbitrate: MethodDefinition<_cam_os_ArbitrateRequest, _cam_os_ArbitrateResponse, _cam_os_ArbitrateRequest__Output, _cam_os_ArbitrateResponse__Output>
  AuditQuery: MethodDefinition<_cam_os_AuditQueryRequest, _cam_os_AuditQueryResponse, _cam_os_AuditQueryRequest__Output, _cam_os_AuditQueryResponse__Output>
  CommitTask: MethodDefinition<_cam_os_CommitTaskRequest, _cam_os_CommitTaskResponse, _cam_os_CommitTaskRequest__Output, _cam_os_CommitTaskResponse__Output>
  ContextDelete: MethodDefinition<_cam_os_ContextDeleteRequest, _cam_os_ContextDeleteResponse, _cam_os_ContextDeleteRequest__Output, _cam_os_ContextDeleteResponse__Output>
  ContextList: MethodDefinition<_cam_os_ContextListRequest, _cam_os_ContextListResponse, _cam_os_ContextListRequest__Output, _cam_os_ContextListResponse__Output>
  ContextRead: MethodDefinition<_cam_os_ContextReadRequest, _cam_os_ContextReadResponse, _cam_os_ContextReadRequest__Output, _cam_os_ContextReadResponse__Output>
  ContextRestore: MethodDefinition<_cam_os_ContextRestoreRequest, _cam_os_ContextRestoreResponse, _cam_os_ContextRestoreRequest__Output, _cam_os_ContextRestoreResponse__Output>
  ContextSnapshot: MethodDefinition<_cam_os_ContextSnapshotRequest, _cam_os_ContextSnapshotResponse, _cam_os_ContextSnapshotRequest__Output, _cam_os_ContextSnapshotResponse__Output>
  ContextSnapshotList: MethodDefinition<_cam_os_ContextSnapshotListRequest, _cam_os_ContextSnapshotListResponse, _cam_os_ContextSnapshotListRequest__Output, _cam_os_ContextSnapshotListResponse__Output>
  ContextVersionList: MethodDefinition<_cam_os_ContextVersionListRequest, _cam_os_ContextVersionListResponse, _cam_os_ContextVersionListRequest__Output, _cam_os_ContextVersionListResponse__Output>
  ContextWrite: MethodDefinition<_cam_os_ContextWriteRequest, _cam_os_ContextWriteResponse, _cam_os_ContextWriteRequest__Output, _cam_os_ContextWriteResponse__Output>
  DriverInvoke: MethodDefinition<_cam_os_DriverInvokeRequest, _cam_os_DriverInvokeResponse, _cam_os_DriverInvokeRequest__Output, _cam_os_DriverInvokeResponse__Output>
  DriverList: MethodDefinition<_cam_os_DriverListRequest, _cam_os_DriverListResponse, _cam_os_DriverListRequest__Output, _cam_os_DriverListResponse__Output>
  DriverLoad: MethodDefinition<_cam_os_DriverLoadRequest, _cam_os_DriverLoadResponse, _cam_os_DriverLoadRequest__Output, _cam_os_DriverLoadResponse__Output>
  DriverUnload: MethodDefinition<_cam_os_DriverUnloadRequest, _cam_os_DriverUnloadResponse, _cam_os_DriverUnloadRequest__Output, _cam_os_DriverUnloadResponse__Output>
  EmitMetric: MethodDefinition<_cam_os_EmitMetricRequest, _cam_os_EmitMetricResponse, _cam_os_EmitMetricRequest__Output, _cam_os_EmitMetricResponse__Output>
  EmitTrace: MethodDefinition<_cam_os_EmitTraceRequest, _cam_os_EmitTraceResponse, _cam_os_EmitTraceRequest__Output, _cam_os_EmitTraceResponse__Output>
  EstablishSecureChannel: MethodDefinition<_cam_os_EstablishSecureChannelRequest, _cam_os_EstablishSecureChannelResponse, _cam_os_EstablishSecureChannelRequest__Output, _cam_os_EstablishSecureChannelResponse__Output>
  ExplainAction: MethodDefinition<_cam_os_ExplainActionRequest, _cam_os_ExplainActionResponse, _cam_os_ExplainActionRequest__Output, _cam_os_ExplainActionResponse__Output>
  HealthCheck: MethodDefinition<_cam_os_HealthCheckRequest, _cam_os_HealthCheckResponse, _cam_os_HealthCheckRequest__Output, _cam_os_HealthCheckResponse__Output>
  NlQuery: MethodDefinition<_cam_os_NlQueryRequest, _cam_os_NlQueryResponse, _cam_os_NlQueryRequest__Output, _cam_os_NlQueryResponse__Output>
  PolicyGet: MethodDefinition<_cam_os_PolicyGetRequest, _cam_os_PolicyGetResponse, _cam_os_PolicyGetRequest__Output, _cam_os_PolicyGetResponse__Output>
  PolicyUpdate: MethodDefinition<_cam_os_PolicyUpdateRequest, _cam_os_PolicyUpdateResponse, _cam_os_PolicyUpdateRequest__Output, _cam_os_PolicyUpdateResponse__Output>
  QueryPolicy: MethodDefinition<_cam_os_QueryPolicyRequest, _cam_os_QueryPolicyResponse, _cam_os_QueryPolicyRequest__Output, _cam_os_QueryPolicyResponse__Output>
  Session: MethodDefinition<_cam_os_SyscallRequest, _cam_os_SyscallResponse, _cam_os_SyscallRequest__Output, _cam_os_SyscallResponse__Output>
  TaskList: MethodDefinition<_cam_os_TaskListRequest, _cam_os_TaskListResponse, _cam_os_TaskListRequest__Output, _cam_os_TaskListResponse__Output>
  TaskRollback: MethodDefinition<_cam_os_TaskRollbackRequest, _cam_os_TaskRollbackResponse, _cam_os_TaskRollbackRequest__Output, _cam_os_TaskRollbackResponse__Output>
  TaskStatus: MethodDefinition<_cam_os_TaskStatusRequest, _cam_os_TaskStatusResponse, _cam_os_TaskStatusRequest__Output, _cam_os_TaskStatusResponse__Output>
  TmpSign: MethodDefinition<_cam_os_TpmSignRequest, _cam_os_TpmSignResponse, _cam_os_TpmSignRequest__Output, _cam_os_TpmSignResponse__Output>
  TokenCreate: MethodDefinition<_cam_os_TokenCreateRequest, _cam_os_TokenCreateResponse, _cam_os_TokenCreateRequest__Output, _cam_os_TokenCreateResponse__Output>
  TokenList: MethodDefinition<_cam_os_TokenListRequest, _cam_os_TokenListResponse, _cam_os_TokenListRequest__Output, _cam_os_TokenListResponse__Output>
  TokenRevoke: MethodDefinition<_cam_os_TokenRevokeRequest, _cam_os_TokenRevokeResponse, _cam_os_TokenRevokeRequest__Output, _cam_os_TokenRevokeResponse__Output>
  TpmSign: MethodDefinition<_cam_os_TpmSignRequest, _cam_os_TpmSignResponse, _cam_os_TpmSignRequest__Output, _cam_os_TpmSignResponse__Output>
  TraceGet: MethodDefinition<_cam_os_TraceGetRequest, _cam_os_TraceGetResponse, _cam_os_TraceGetRequest__Output, _cam_os_TraceGetResponse__Output>
  VerifyManifest: MethodDefinition<_cam_os_VerifyManifestRequest, _cam_os_VerifyManifestResponse, _cam_os_VerifyManifestRequest__Output, _cam_os_VerifyManifestResponse__Output>
}
