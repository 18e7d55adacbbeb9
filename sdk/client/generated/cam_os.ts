import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { AgentInfo as _cam_os_AgentInfo, AgentInfo__Output as _cam_os_AgentInfo__Output } from './cam_os/AgentInfo.ts';
import type { AgentListRequest as _cam_os_AgentListRequest, AgentListRequest__Output as _cam_os_AgentListRequest__Output } from './cam_os/AgentListRequest.ts';
import type { AgentListResponse as _cam_os_AgentListResponse, AgentListResponse__Output as _cam_os_AgentListResponse__Output } from './cam_os/AgentListResponse.ts';
import type { AgentRegisterRequest as _cam_os_AgentRegisterRequest, AgentRegisterRequest__Output as _cam_os_AgentRegisterRequest__Output } from './cam_os/AgentRegisterRequest.ts';
import type { AgentRegisterResponse as _cam_os_AgentRegisterResponse, AgentRegisterResponse__Output as _cam_os_AgentRegisterResponse__Output } from './cam_os/AgentRegisterResponse.ts';
import type { AlternativeOption as _cam_os_AlternativeOption, AlternativeOption__Output as _cam_os_AlternativeOption__Output } from './cam_os/AlternativeOption.ts';
import type { ArbitrateRequest as _cam_os_ArbitrateRequest, ArbitrateRequest__Output as _cam_os_ArbitrateRequest__Output } from './cam_os/ArbitrateRequest.ts';
import type { ArbitrateResponse as _cam_os_ArbitrateResponse, ArbitrateResponse__Output as _cam_os_ArbitrateResponse__Output } from './cam_os/ArbitrateResponse.ts';
import type { ArbitrationResult as _cam_os_ArbitrationResult, ArbitrationResult__Output as _cam_os_ArbitrationResult__Output } from './cam_os/ArbitrationResult.ts';
import type { AuditChainStatus as _cam_os_AuditChainStatus, AuditChainStatus__Output as _cam_os_AuditChainStatus__Output } from './cam_os/AuditChainStatus.ts';
import type { AuditQueryRequest as _cam_os_AuditQueryRequest, AuditQueryRequest__Output as _cam_os_AuditQueryRequest__Output } from './cam_os/AuditQueryRequest.ts';
import type { AuditQueryResponse as _cam_os_AuditQueryResponse, AuditQueryResponse__Output as _cam_os_AuditQueryResponse__Output } from './cam_os/AuditQueryResponse.ts';
import type { AuditRecordInfo as _cam_os_AuditRecordInfo, AuditRecordInfo__Output as _cam_os_AuditRecordInfo__Output } from './cam_os/AuditRecordInfo.ts';
import type { CommitTaskRequest as _cam_os_CommitTaskRequest, CommitTaskRequest__Output as _cam_os_CommitTaskRequest__Output } from './cam_os/CommitTaskRequest.ts';
import type { CommitTaskResponse as _cam_os_CommitTaskResponse, CommitTaskResponse__Output as _cam_os_CommitTaskResponse__Output } from './cam_os/CommitTaskResponse.ts';
import type { ComponentHealth as _cam_os_ComponentHealth, ComponentHealth__Output as _cam_os_ComponentHealth__Output } from './cam_os/ComponentHealth.ts';
import type { ContextDeleteRequest as _cam_os_ContextDeleteRequest, ContextDeleteRequest__Output as _cam_os_ContextDeleteRequest__Output } from './cam_os/ContextDeleteRequest.ts';
import type { ContextDeleteResponse as _cam_os_ContextDeleteResponse, ContextDeleteResponse__Output as _cam_os_ContextDeleteResponse__Output } from './cam_os/ContextDeleteResponse.ts';
import type { ContextKeyInfo as _cam_os_ContextKeyInfo, ContextKeyInfo__Output as _cam_os_ContextKeyInfo__Output } from './cam_os/ContextKeyInfo.ts';
import type { ContextListRequest as _cam_os_ContextListRequest, ContextListRequest__Output as _cam_os_ContextListRequest__Output } from './cam_os/ContextListRequest.ts';
import type { ContextListResponse as _cam_os_ContextListResponse, ContextListResponse__Output as _cam_os_ContextListResponse__Output } from './cam_os/ContextListResponse.ts';
import type { ContextReadRequest as _cam_os_ContextReadRequest, ContextReadRequest__Output as _cam_os_ContextReadRequest__Output } from './cam_os/ContextReadRequest.ts';
import type { ContextReadResponse as _cam_os_ContextReadResponse, ContextReadResponse__Output as _cam_os_ContextReadResponse__Output } from './cam_os/ContextReadResponse.ts';
import type { ContextRestoreRequest as _cam_os_ContextRestoreRequest, ContextRestoreRequest__Output as _cam_os_ContextRestoreRequest__Output } from './cam_os/ContextRestoreRequest.ts';
import type { ContextRestoreResponse as _cam_os_ContextRestoreResponse, ContextRestoreResponse__Output as _cam_os_ContextRestoreResponse__Output } from './cam_os/ContextRestoreResponse.ts';
import type { ContextSnapshotInfo as _cam_os_ContextSnapshotInfo, ContextSnapshotInfo__Output as _cam_os_ContextSnapshotInfo__Output } from './cam_os/ContextSnapshotInfo.ts';
import type { ContextSnapshotListRequest as _cam_os_ContextSnapshotListRequest, ContextSnapshotListRequest__Output as _cam_os_ContextSnapshotListRequest__Output } from './cam_os/ContextSnapshotListRequest.ts';
import type { ContextSnapshotListResponse as _cam_os_ContextSnapshotListResponse, ContextSnapshotListResponse__Output as _cam_os_ContextSnapshotListResponse__Output } from './cam_os/ContextSnapshotListResponse.ts';
import type { ContextSnapshotRequest as _cam_os_ContextSnapshotRequest, ContextSnapshotRequest__Output as _cam_os_ContextSnapshotRequest__Output } from './cam_os/ContextSnapshotRequest.ts';
import type { ContextSnapshotResponse as _cam_os_ContextSnapshotResponse, ContextSnapshotResponse__Output as _cam_os_ContextSnapshotResponse__Output } from './cam_os/ContextSnapshotResponse.ts';
import type { ContextVersion as _cam_os_ContextVersion, ContextVersion__Output as _cam_os_ContextVersion__Output } from './cam_os/ContextVersion.ts';
import type { ContextVersionListRequest as _cam_os_ContextVersionListRequest, ContextVersionListRequest__Output as _cam_os_ContextVersionListRequest__Output } from './cam_os/ContextVersionListRequest.ts';
import type { ContextVersionListResponse as _cam_os_ContextVersionListResponse, ContextVersionListResponse__Output as _cam_os_ContextVersionListResponse__Output } from './cam_os/ContextVersionListResponse.ts';
import type { ContextWriteRequest as _cam_os_ContextWriteRequest, ContextWriteRequest__Output as _cam_os_ContextWriteRequest__Output } from './cam_os/ContextWriteRequest.ts';
import type { ContextWriteResponse as _cam_os_ContextWriteResponse, ContextWriteResponse__Output as _cam_os_ContextWriteResponse__Output } from './cam_os/ContextWriteResponse.ts';
import type { DriverClient as _cam_os_DriverClient, DriverDefinition as _cam_os_DriverDefinition } from './cam_os/Driver.ts';
import type { DriverDescribeRequest as _cam_os_DriverDescribeRequest, DriverDescribeRequest__Output as _cam_os_DriverDescribeRequest__Output } from './cam_os/DriverDescribeRequest.ts';
import type { DriverDescribeResponse as _cam_os_DriverDescribeResponse, DriverDescribeResponse__Output as _cam_os_DriverDescribeResponse__Output } from './cam_os/DriverDescribeResponse.ts';
import type { DriverHandleRequest as _cam_os_DriverHandleRequest, DriverHandleRequest__Output as _cam_os_DriverHandleRequest__Output } from './cam_os/DriverHandleRequest.ts';
import type { DriverHandleResponse as _cam_os_DriverHandleResponse, DriverHandleResponse__Output as _cam_os_DriverHandleResponse__Output } from './cam_os/DriverHandleResponse.ts';
import type { DriverHealthRequest as _cam_os_DriverHealthRequest, DriverHealthRequest__Output as _cam_os_DriverHealthRequest__Output } from './cam_os/DriverHealthRequest.ts';
import type { DriverHealthResponse as _cam_os_DriverHealthResponse, DriverHealthResponse__Output as _cam_os_DriverHealthResponse__Output } from './cam_os/DriverHealthResponse.ts';
import type { DriverInfo as _cam_os_DriverInfo, DriverInfo__Output as _cam_os_DriverInfo__Output } from './cam_os/DriverInfo.ts';
import type { DriverInvokeRequest as _cam_os_DriverInvokeRequest, DriverInvokeRequest__Output as _cam_os_DriverInvokeRequest__Output } from './cam_os/DriverInvokeRequest.ts';
import type { DriverInvokeResponse as _cam_os_DriverInvokeResponse, DriverInvokeResponse__Output as _cam_os_DriverInvokeResponse__Output } from './cam_os/DriverInvokeResponse.ts';
import type { DriverLimits as _cam_os_DriverLimits, DriverLimits__Output as _cam_os_DriverLimits__Output } from './cam_os/DriverLimits.ts';
import type { DriverListRequest as _cam_os_DriverListRequest, DriverListRequest__Output as _cam_os_DriverListRequest__Output } from './cam_os/DriverListRequest.ts';
import type { DriverListResponse as _cam_os_DriverListResponse, DriverListResponse__Output as _cam_os_DriverListResponse__Output } from './cam_os/DriverListResponse.ts';
import type { DriverLoadRequest as _cam_os_DriverLoadRequest, DriverLoadRequest__Output as _cam_os_DriverLoadRequest__Output } from './cam_os/DriverLoadRequest.ts';
import type { DriverLoadResponse as _cam_os_DriverLoadResponse, DriverLoadResponse__Output as _cam_os_DriverLoadResponse__Output } from './cam_os/DriverLoadResponse.ts';
import type { DriverUnloadRequest as _cam_os_DriverUnloadRequest, DriverUnloadRequest__Output as _cam_os_DriverUnloadRequest__Output } from './cam_os/DriverUnloadRequest.ts';
import type { DriverUnloadResponse as _cam_os_DriverUnloadResponse, DriverUnloadResponse__Output as _cam_os_DriverUnloadResponse__Output } from './cam_os/DriverUnloadResponse.ts';
import type { EmitMetricRequest as _cam_os_EmitMetricRequest, EmitMetricRequest__Output as _cam_os_EmitMetricRequest__Output } from './cam_os/EmitMetricRequest.ts';
import type { EmitMetricResponse as _cam_os_EmitMetricResponse, EmitMetricResponse__Output as _cam_os_EmitMetricResponse__Output } from './cam_os/EmitMetricResponse.ts';
import type { EmitTraceRequest as _cam_os_EmitTraceRequest, EmitTraceRequest__Output as _cam_os_EmitTraceRequest__Output } from './cam_os/EmitTraceRequest.ts';
import type { EmitTraceResponse as _cam_os_EmitTraceResponse, EmitTraceResponse__Output as _cam_os_EmitTraceResponse__Output } from './cam_os/EmitTraceResponse.ts';
import type { EstablishSecureChannelRequest as _cam_os_EstablishSecureChannelRequest, EstablishSecureChannelRequest__Output as _cam_os_EstablishSecureChannelRequest__Output } from './cam_os/EstablishSecureChannelRequest.ts';
import type { EstablishSecureChannelResponse as _cam_os_EstablishSecureChannelResponse, EstablishSecureChannelResponse__Output as _cam_os_EstablishSecureChannelResponse__Output } from './cam_os/EstablishSecureChannelResponse.ts';
import type { EvidenceRecord as _cam_os_EvidenceRecord, EvidenceRecord__Output as _cam_os_EvidenceRecord__Output } from './cam_os/EvidenceRecord.ts';
import type { ExplainActionRequest as _cam_os_ExplainActionRequest, ExplainActionRequest__Output as _cam_os_ExplainActionRequest__Output } from './cam_os/ExplainActionRequest.ts';
import type { ExplainActionResponse as _cam_os_ExplainActionResponse, ExplainActionResponse__Output as _cam_os_ExplainActionResponse__Output } from './cam_os/ExplainActionResponse.ts';
import type { HealthCheckRequest as _cam_os_HealthCheckRequest, HealthCheckRequest__Output as _cam_os_HealthCheckRequest__Output } from './cam_os/HealthCheckRequest.ts';
import type { HealthCheckResponse as _cam_os_HealthCheckResponse, HealthCheckResponse__Output as _cam_os_HealthCheckResponse__Output } from './cam_os/HealthCheckResponse.ts';
import type { NlEntity as _cam_os_NlEntity, NlEntity__Output as _cam_os_NlEntity__Output } from './cam_os/NlEntity.ts';
import type { NlInterpretation as _cam_os_NlInterpretation, NlInterpretation__Output as _cam_os_NlInterpretation__Output } from './cam_os/NlInterpretation.ts';
import type { NlQueryRequest as _cam_os_NlQueryRequest, NlQueryRequest__Output as _cam_os_NlQueryRequest__Output } from './cam_os/NlQueryRequest.ts';
import type { NlQueryResponse as _cam_os_NlQueryResponse, NlQueryResponse__Output as _cam_os_NlQueryResponse__Output } from './cam_os/NlQueryResponse.ts';
import type { NlUnresolved as _cam_os_NlUnresolved, NlUnresolved__Output as _cam_os_NlUnresolved__Output } from './cam_os/NlUnresolved.ts';
import type { NlWindow as _cam_os_NlWindow, NlWindow__Output as _cam_os_NlWindow__Output } from './cam_os/NlWindow.ts';
import type { PolicyGetRequest as _cam_os_PolicyGetRequest, PolicyGetRequest__Output as _cam_os_PolicyGetRequest__Output } from './cam_os/PolicyGetRequest.ts';
import type { PolicyGetResponse as _cam_os_PolicyGetResponse, PolicyGetResponse__Output as _cam_os_PolicyGetResponse__Output } from './cam_os/PolicyGetResponse.ts';
import type { PolicyUpdateRequest as _cam_os_PolicyUpdateRequest, PolicyUpdateRequest__Output as _cam_os_PolicyUpdateRequest__Output } from './cam_os/PolicyUpdateRequest.ts';
import type { PolicyUpdateResponse as _cam_os_PolicyUpdateResponse, PolicyUpdateResponse__Output as _cam_os_PolicyUpdateResponse__Output } from './cam_os/PolicyUpdateResponse.ts';
import type { PolicyVersion as _cam_os_PolicyVersion, PolicyVersion__Output as _cam_os_PolicyVersion__Output } from './cam_os/PolicyVersion.ts';
import type { PriorityDimensions as _cam_os_PriorityDimensions, PriorityDimensions__Output as _cam_os_PriorityDimensions__Output } from './cam_os/PriorityDimensions.ts';
import type { QueryPolicyRequest as _cam_os_QueryPolicyRequest, QueryPolicyRequest__Output as _cam_os_QueryPolicyRequest__Output } from './cam_os/QueryPolicyRequest.ts';
import type { QueryPolicyResponse as _cam_os_QueryPolicyResponse, QueryPolicyResponse__Output as _cam_os_QueryPolicyResponse__Output } from './cam_os/QueryPolicyResponse.ts';
import type { ScoreTerm as _cam_os_ScoreTerm, ScoreTerm__Output as _cam_os_ScoreTerm__Output } from './cam_os/ScoreTerm.ts';
import type { SealedCall as _cam_os_SealedCall, SealedCall__Output as _cam_os_SealedCall__Output } from './cam_os/SealedCall.ts';
import type { Span as _cam_os_Span, Span__Output as _cam_os_Span__Output } from './cam_os/Span.ts';
import type { SyscallRequest as _cam_os_SyscallRequest, SyscallRequest__Output as _cam_os_SyscallRequest__Output } from './cam_os/SyscallRequest.ts';
import type { SyscallResponse as _cam_os_SyscallResponse, SyscallResponse__Output as _cam_os_SyscallResponse__Output } from './cam_os/SyscallResponse.ts';
import type { SyscallServiceClient as _cam_os_SyscallServiceClient, SyscallServiceDefinition as _cam_os_SyscallServiceDefinition } from './cam_os/SyscallService.ts';
import type { Task as _cam_os_Task, Task__Output as _cam_os_Task__Output } from './cam_os/Task.ts';
import type { TaskListEntry as _cam_os_TaskListEntry, TaskListEntry__Output as _cam_os_TaskListEntry__Output } from './cam_os/TaskListEntry.ts';
import type { TaskListRequest as _cam_os_TaskListRequest, TaskListRequest__Output as _cam_os_TaskListRequest__Output } from './cam_os/TaskListRequest.ts';
import type { TaskListResponse as _cam_os_TaskListResponse, TaskListResponse__Output as _cam_os_TaskListResponse__Output } from './cam_os/TaskListResponse.ts';
import type { TaskReport as _cam_os_TaskReport, TaskReport__Output as _cam_os_TaskReport__Output } from './cam_os/TaskReport.ts';
import type { TaskRollbackRequest as _cam_os_TaskRollbackRequest, TaskRollbackRequest__Output as _cam_os_TaskRollbackRequest__Output } from './cam_os/TaskRollbackRequest.ts';
import type { TaskRollbackResponse as _cam_os_TaskRollbackResponse, TaskRollbackResponse__Output as _cam_os_TaskRollbackResponse__Output } from './cam_os/TaskRollbackResponse.ts';
import type { TaskStatusRequest as _cam_os_TaskStatusRequest, TaskStatusRequest__Output as _cam_os_TaskStatusRequest__Output } from './cam_os/TaskStatusRequest.ts';
import type { TaskStatusResponse as _cam_os_TaskStatusResponse, TaskStatusResponse__Output as _cam_os_TaskStatusResponse__Output } from './cam_os/TaskStatusResponse.ts';
import type { TokenCreateRequest as _cam_os_TokenCreateRequest, TokenCreateRequest__Output as _cam_os_TokenCreateRequest__Output } from './cam_os/TokenCreateRequest.ts';
import type { TokenCreateResponse as _cam_os_TokenCreateResponse, TokenCreateResponse__Output as _cam_os_TokenCreateResponse__Output } from './cam_os/TokenCreateResponse.ts';
import type { TokenInfo as _cam_os_TokenInfo, TokenInfo__Output as _cam_os_TokenInfo__Output } from './cam_os/TokenInfo.ts';
import type { TokenListRequest as _cam_os_TokenListRequest, TokenListRequest__Output as _cam_os_TokenListRequest__Output } from './cam_os/TokenListRequest.ts';
import type { TokenListResponse as _cam_os_TokenListResponse, TokenListResponse__Output as _cam_os_TokenListResponse__Output } from './cam_os/TokenListResponse.ts';
import type { TokenRevokeRequest as _cam_os_TokenRevokeRequest, TokenRevokeRequest__Output as _cam_os_TokenRevokeRequest__Output } from './cam_os/TokenRevokeRequest.ts';
import type { TokenRevokeResponse as _cam_os_TokenRevokeResponse, TokenRevokeResponse__Output as _cam_os_TokenRevokeResponse__Output } from './cam_os/TokenRevokeResponse.ts';
import type { TpmSignRequest as _cam_os_TpmSignRequest, TpmSignRequest__Output as _cam_os_TpmSignRequest__Output } from './cam_os/TpmSignRequest.ts';
import type { TpmSignResponse as _cam_os_TpmSignResponse, TpmSignResponse__Output as _cam_os_TpmSignResponse__Output } from './cam_os/TpmSignResponse.ts';
import type { TraceGetRequest as _cam_os_TraceGetRequest, TraceGetRequest__Output as _cam_os_TraceGetRequest__Output } from './cam_os/TraceGetRequest.ts';
import type { TraceGetResponse as _cam_os_TraceGetResponse, TraceGetResponse__Output as _cam_os_TraceGetResponse__Output } from './cam_os/TraceGetResponse.ts';
import type { VerifyManifestRequest as _cam_os_VerifyManifestRequest, VerifyManifestRequest__Output as _cam_os_VerifyManifestRequest__Output } from './cam_os/VerifyManifestRequest.ts';
import type { VerifyManifestResponse as _cam_os_VerifyManifestResponse, VerifyManifestResponse__Output as _cam_os_VerifyManifestResponse__Output } from './cam_os/VerifyManifestResponse.ts';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  cam_os: {
    AgentInfo: MessageTypeDefinition<_cam_os_AgentInfo, _cam_os_AgentInfo__Output>
    AgentListRequest: MessageTypeDefinition<_cam_os_AgentListRequest, _cam_os_AgentListRequest__Output>
    AgentListResponse: MessageTypeDefinition<_cam_os_AgentListResponse, _cam_os_AgentListResponse__Output>
    AgentRegisterRequest: MessageTypeDefinition<_cam_os_AgentRegisterRequest, _cam_os_AgentRegisterRequest__Output>
    AgentRegisterResponse: MessageTypeDefinition<_cam_os_AgentRegisterResponse, _cam_os_AgentRegisterResponse__Output>
    AlternativeOption: MessageTypeDefinition<_cam_os_AlternativeOption, _cam_os_AlternativeOption__Output>
    ArbitrateRequest: MessageTypeDefinition<_cam_os_ArbitrateRequest, _cam_os_ArbitrateRequest__Output>
    ArbitrateResponse: MessageTypeDefinition<_cam_os_ArbitrateResponse, _cam_os_ArbitrateResponse__Output>
    ArbitrationResult: MessageTypeDefinition<_cam_os_ArbitrationResult, _cam_os_ArbitrationResult__Output>
    AuditChainStatus: MessageTypeDefinition<_cam_os_AuditChainStatus, _cam_os_AuditChainStatus__Output>
    AuditQueryRequest: MessageTypeDefinition<_cam_os_AuditQueryRequest, _cam_os_AuditQueryRequest__Output>
    AuditQueryResponse: MessageTypeDefinition<_cam_os_AuditQueryResponse, _cam_os_AuditQueryResponse__Output>
    AuditRecordInfo: MessageTypeDefinition<_cam_os_AuditRecordInfo, _cam_os_AuditRecordInfo__Output>
    CommitTaskRequest: MessageTypeDefinition<_cam_os_CommitTaskRequest, _cam_os_CommitTaskRequest__Output>
    CommitTaskResponse: MessageTypeDefinition<_cam_os_CommitTaskResponse, _cam_os_CommitTaskResponse__Output>
    ComponentHealth: MessageTypeDefinition<_cam_os_ComponentHealth, _cam_os_ComponentHealth__Output>
    ContextDeleteRequest: MessageTypeDefinition<_cam_os_ContextDeleteRequest, _cam_os_ContextDeleteRequest__Output>
    ContextDeleteResponse: MessageTypeDefinition<_cam_os_ContextDeleteResponse, _cam_os_ContextDeleteResponse__Output>
    ContextKeyInfo: MessageTypeDefinition<_cam_os_ContextKeyInfo, _cam_os_ContextKeyInfo__Output>
    ContextListRequest: MessageTypeDefinition<_cam_os_ContextListRequest, _cam_os_ContextListRequest__Output>
    ContextListResponse: MessageTypeDefinition<_cam_os_ContextListResponse, _cam_os_ContextListResponse__Output>
    ContextReadRequest: MessageTypeDefinition<_cam_os_ContextReadRequest, _cam_os_ContextReadRequest__Output>
    ContextReadResponse: MessageTypeDefinition<_cam_os_ContextReadResponse, _cam_os_ContextReadResponse__Output>
    ContextRestoreRequest: MessageTypeDefinition<_cam_os_ContextRestoreRequest, _cam_os_ContextRestoreRequest__Output>
    ContextRestoreResponse: MessageTypeDefinition<_cam_os_ContextRestoreResponse, _cam_os_ContextRestoreResponse__Output>
    ContextSnapshotInfo: MessageTypeDefinition<_cam_os_ContextSnapshotInfo, _cam_os_ContextSnapshotInfo__Output>
    ContextSnapshotListRequest: MessageTypeDefinition<_cam_os_ContextSnapshotListRequest, _cam_os_ContextSnapshotListRequest__Output>
    ContextSnapshotListResponse: MessageTypeDefinition<_cam_os_ContextSnapshotListResponse, _cam_os_ContextSnapshotListResponse__Output>
    ContextSnapshotRequest: MessageTypeDefinition<_cam_os_ContextSnapshotRequest, _cam_os_ContextSnapshotRequest__Output>
    ContextSnapshotResponse: MessageTypeDefinition<_cam_os_ContextSnapshotResponse, _cam_os_ContextSnapshotResponse__Output>
    ContextVersion: MessageTypeDefinition<_cam_os_ContextVersion, _cam_os_ContextVersion__Output>
    ContextVersionListRequest: MessageTypeDefinition<_cam_os_ContextVersionListRequest, _cam_os_ContextVersionListRequest__Output>
    ContextVersionListResponse: MessageTypeDefinition<_cam_os_ContextVersionListResponse, _cam_os_ContextVersionListResponse__Output>
    ContextWriteRequest: MessageTypeDefinition<_cam_os_ContextWriteRequest, _cam_os_ContextWriteRequest__Output>
    ContextWriteResponse: MessageTypeDefinition<_cam_os_ContextWriteResponse, _cam_os_ContextWriteResponse__Output>
    Driver: SubtypeConstructor<typeof grpc.Client, _cam_os_DriverClient> & { service: _cam_os_DriverDefinition }
    DriverDescribeRequest: MessageTypeDefinition<_cam_os_DriverDescribeRequest, _cam_os_DriverDescribeRequest__Output>
    DriverDescribeResponse: MessageTypeDefinition<_cam_os_DriverDescribeResponse, _cam_os_DriverDescribeResponse__Output>
    DriverHandleRequest: MessageTypeDefinition<_cam_os_DriverHandleRequest, _cam_os_DriverHandleRequest__Output>
    DriverHandleResponse: MessageTypeDefinition<_cam_os_DriverHandleResponse, _cam_os_DriverHandleResponse__Output>
    DriverHealthRequest: MessageTypeDefinition<_cam_os_DriverHealthRequest, _cam_os_DriverHealthRequest__Output>
    DriverHealthResponse: MessageTypeDefinition<_cam_os_DriverHealthResponse, _cam_os_DriverHealthResponse__Output>
    DriverInfo: MessageTypeDefinition<_cam_os_DriverInfo, _cam_os_DriverInfo__Output>
    DriverInvokeRequest: MessageTypeDefinition<_cam_os_DriverInvokeRequest, _cam_os_DriverInvokeRequest__Output>
    DriverInvokeResponse: MessageTypeDefinition<_cam_os_DriverInvokeResponse, _cam_os_DriverInvokeResponse__Output>
    DriverLimits: MessageTypeDefinition<_cam_os_DriverLimits, _cam_os_DriverLimits__Output>
    DriverListRequest: MessageTypeDefinition<_cam_os_DriverListRequest, _cam_os_DriverListRequest__Output>
    DriverListResponse: MessageTypeDefinition<_cam_os_DriverListResponse, _cam_os_DriverListResponse__Output>
    DriverLoadRequest: MessageTypeDefinition<_cam_os_DriverLoadRequest, _cam_os_DriverLoadRequest__Output>
    DriverLoadResponse: MessageTypeDefinition<_cam_os_DriverLoadResponse, _cam_os_DriverLoadResponse__Output>
    DriverUnloadRequest: MessageTypeDefinition<_cam_os_DriverUnloadRequest, _cam_os_DriverUnloadRequest__Output>
    DriverUnloadResponse: MessageTypeDefinition<_cam_os_DriverUnloadResponse, _cam_os_DriverUnloadResponse__Output>
    EmitMetricRequest: MessageTypeDefinition<_cam_os_EmitMetricRequest, _cam_os_EmitMetricRequest__Output>
    EmitMetricResponse: MessageTypeDefinition<_cam_os_EmitMetricResponse, _cam_os_EmitMetricResponse__Output>
    EmitTraceRequest: MessageTypeDefinition<_cam_os_EmitTraceRequest, _cam_os_EmitTraceRequest__Output>
    EmitTraceResponse: MessageTypeDefinition<_cam_os_EmitTraceResponse, _cam_os_EmitTraceResponse__Output>
    EstablishSecureChannelRequest: MessageTypeDefinition<_cam_os_EstablishSecureChannelRequest, _cam_os_EstablishSecureChannelRequest__Output>
    EstablishSecureChannelResponse: MessageTypeDefinition<_cam_os_EstablishSecureChannelResponse, _cam_os_EstablishSecureChannelResponse__Output>
    EvidenceRecord: MessageTypeDefinition<_cam_os_EvidenceRecord, _cam_os_EvidenceRecord__Output>
    ExplainActionRequest: MessageTypeDefinition<_cam_os_ExplainActionRequest, _cam_os_ExplainActionRequest__Output>
    ExplainActionResponse: MessageTypeDefinition<_cam_os_ExplainActionResponse, _cam_os_ExplainActionResponse__Output>
    HealthCheckRequest: MessageTypeDefinition<_cam_os_HealthCheckRequest, _cam_os_HealthCheckRequest__Output>
    HealthCheckResponse: MessageTypeDefinition<_cam_os_HealthCheckResponse, _cam_os_HealthCheckResponse__Output>
    NlEntity: MessageTypeDefinition<_cam_os_NlEntity, _cam_os_NlEntity__Output>
    NlInterpretation: MessageTypeDefinition<_cam_os_NlInterpretation, _cam_os_NlInterpretation__Output>
    NlQueryRequest: MessageTypeDefinition<_cam_os_NlQueryRequest, _cam_os_NlQueryRequest__Output>
    NlQueryResponse: MessageTypeDefinition<_cam_os_NlQueryResponse, _cam_os_NlQueryResponse__Output>
    NlUnresolved: MessageTypeDefinition<_cam_os_NlUnresolved, _cam_os_NlUnresolved__Output>
    NlWindow: MessageTypeDefinition<_cam_os_NlWindow, _cam_os_NlWindow__Output>
    PolicyGetRequest: MessageTypeDefinition<_cam_os_PolicyGetRequest, _cam_os_PolicyGetRequest__Output>
    PolicyGetResponse: MessageTypeDefinition<_cam_os_PolicyGetResponse, _cam_os_PolicyGetResponse__Output>
    PolicyUpdateRequest: MessageTypeDefinition<_cam_os_PolicyUpdateRequest, _cam_os_PolicyUpdateRequest__Output>
    PolicyUpdateResponse: MessageTypeDefinition<_cam_os_PolicyUpdateResponse, _cam_os_PolicyUpdateResponse__Output>
    PolicyVersion: MessageTypeDefinition<_cam_os_PolicyVersion, _cam_os_PolicyVersion__Output>
    PriorityDimensions: MessageTypeDefinition<_cam_os_PriorityDimensions, _cam_os_PriorityDimensions__Output>
    QueryPolicyRequest: MessageTypeDefinition<_cam_os_QueryPolicyRequest, _cam_os_QueryPolicyRequest__Output>
    QueryPolicyResponse: MessageTypeDefinition<_cam_os_QueryPolicyResponse, _cam_os_QueryPolicyResponse__Output>
    ScoreTerm: MessageTypeDefinition<_cam_os_ScoreTerm, _cam_os_ScoreTerm__Output>
    SealedCall: MessageTypeDefinition<_cam_os_SealedCall, _cam_os_SealedCall__Output>
    Span: MessageTypeDefinition<_cam_os_Span, _cam_os_Span__Output>
    SyscallRequest: MessageTypeDefinition<_cam_os_SyscallRequest, _cam_os_SyscallRequest__Output>
    SyscallResponse: MessageTypeDefinition<_cam_os_SyscallResponse, _cam_os_SyscallResponse__Output>
    SyscallService: SubtypeConstructor<typeof grpc.Client, _cam_os_SyscallServiceClient> & { service: _cam_os_SyscallServiceDefinition }
    Task: MessageTypeDefinition<_cam_os_Task, _cam_os_Task__Output>
    TaskListEntry: MessageTypeDefinition<_cam_os_TaskListEntry, _cam_os_TaskListEntry__Output>
    TaskListRequest: MessageTypeDefinition<_cam_os_TaskListRequest, _cam_os_TaskListRequest__Output>
    TaskListResponse: MessageTypeDefinition<_cam_os_TaskListResponse, _cam_os_TaskListResponse__Output>
    TaskReport: MessageTypeDefinition<_cam_os_TaskReport, _cam_os_TaskReport__Output>
    TaskRollbackRequest: MessageTypeDefinition<_cam_os_TaskRollbackRequest, _cam_os_TaskRollbackRequest__Output>
    TaskRollbackResponse: MessageTypeDefinition<_cam_os_TaskRollbackResponse, _cam_os_TaskRollbackResponse__Output>
    TaskStatusRequest: MessageTypeDefinition<_cam_os_TaskStatusRequest, _cam_os_TaskStatusRequest__Output>
    TaskStatusResponse: MessageTypeDefinition<_cam_os_TaskStatusResponse, _cam_os_TaskStatusResponse__Output>
    TokenCreateRequest: MessageTypeDefinition<_cam_os_TokenCreateRequest, _cam_os_TokenCreateRequest__Output>
    TokenCreateResponse: MessageTypeDefinition<_cam_os_TokenCreateResponse, _cam_os_TokenCreateResponse__Output>
    TokenInfo: MessageTypeDefinition<_cam_os_TokenInfo, _cam_os_TokenInfo__Output>
    TokenListRequest: MessageTypeDefinition<_cam_os_TokenListRequest, _cam_os_TokenListRequest__Output>
    TokenListResponse: MessageTypeDefinition<_cam_os_TokenListResponse, _cam_os_TokenListResponse__Output>
    TokenRevokeRequest: MessageTypeDefinition<_cam_os_TokenRevokeRequest, _cam_os_TokenRevokeRequest__Output>
    TokenRevokeResponse: MessageTypeDefinition<_cam_os_TokenRevokeResponse, _cam_os_TokenRevokeResponse__Output>
    TpmSignRequest: MessageTypeDefinition<_cam_os_TpmSignRequest, _cam_os_TpmSignRequest__Output>
    TpmSignResponse: MessageTypeDefinition<_cam_os_TpmSignResponse, _cam_os_TpmSignResponse__Output>
    TraceGetRequest: MessageTypeDefinition<_cam_os_TraceGetRequest, _cam_os_TraceGetRequest__Output>
    TraceGetResponse: MessageTypeDefinition<_cam_os_TraceGetResponse, _cam_os_TraceGetResponse__Output>
    VerifyManifestRequest: MessageTypeDefinition<_cam_os_VerifyManifestRequest, _cam_os_VerifyManifestRequest__Output>
    VerifyManifestResponse: MessageTypeDefinition<_cam_os_VerifyManifestResponse, _cam_os_VerifyManifestResponse__Output>
  }
}

