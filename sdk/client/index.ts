// The TypeScript client for agents: every syscall as a typed method, carried over one
// Session stream (multiplexed by request id), with per-call deadlines and reconnection.
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type * as T from './generated/index.ts';
import type { SyscallRequest } from './generated/cam_os/SyscallRequest.ts';
import type { SyscallResponse__Output } from './generated/cam_os/SyscallResponse.ts';
import { fromRoot } from '../../host/base/root.ts';

export type * as Messages from './generated/index.ts';

const PROTO = fromRoot('proto', 'cam_os.proto');
const definition = protoLoader.loadSync(PROTO, { keepCase: false, longs: Number, enums: String, bytes: Buffer, defaults: true, oneofs: true });
const ServiceClient = grpc.makeGenericClientConstructor(definition['cam_os.SyscallService'] as grpc.ServiceDefinition, 'SyscallService');

/** A syscall's failure: the gRPC status code and the kernel's message. */
export class CamosError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
    this.name = 'CamosError';
  }
}

export interface ClientOptions {
  /** host:port of the kernel, e.g. "127.0.0.1:8080". */
  address: string;
  /** Bearer token (an agent token from `camos token create`, or the admin token). */
  token: string;
  /** Deadline for calls that do not set their own (default 30 s). */
  timeoutMs?: number;
  /** Longest wait between reconnection attempts (default 5 s). */
  maxBackoffMs?: number;
}

export interface CallOptions {
  timeoutMs?: number;
  traceparent?: string;
}

type Field = Exclude<keyof SyscallRequest, 'requestId' | 'authorization' | 'timeoutMs' | 'traceparent' | 'call'>;

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
  field: string;
  onUpdate?: (status: T.TaskStatusResponse__Output) => void;
}

export class CamosClient {
  private readonly opts: Required<ClientOptions>;
  private readonly grpcClient: grpc.Client & Record<string, Function>;
  private stream?: grpc.ClientDuplexStream<SyscallRequest, SyscallResponse__Output>;
  private readonly pending = new Map<string, Pending>();
  private failures = 0;
  private nextAttempt = 0;
  private closed = false;

  constructor(opts: ClientOptions) {
    this.opts = { timeoutMs: 30_000, maxBackoffMs: 5_000, ...opts };
    this.grpcClient = new ServiceClient(opts.address, grpc.credentials.createInsecure(), {
      'grpc.max_receive_message_length': -1,
      'grpc.max_send_message_length': -1,
    }) as never;
  }

  /** Calls any syscall by its Session field name (e.g. "contextRead"). */
  async call<Res>(field: Field, request: object, opts: CallOptions = {}): Promise<Res> {
    if (this.closed) throw new CamosError(grpc.status.CANCELLED, 'the client is closed');
    await this.backoff();
    const stream = this.open();
    const requestId = randomUUID();
    const timeoutMs = opts.timeoutMs ?? this.opts.timeoutMs;
    return new Promise<Res>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new CamosError(grpc.status.DEADLINE_EXCEEDED, `${field} did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(requestId, { resolve: resolve as (v: unknown) => void, reject, timer, field });
      stream.write({ requestId, timeoutMs, traceparent: opts.traceparent ?? '', [field]: request } as SyscallRequest);
    });
  }

  /** Streams a task's state changes until it ends; resolves with the final status. */
  watchTask(taskId: string, onUpdate: (status: T.TaskStatusResponse__Output) => void, opts: CallOptions = {}): Promise<T.TaskStatusResponse__Output> {
    const stream = this.open();
    const requestId = randomUUID();
    const timeoutMs = opts.timeoutMs ?? 24 * 3600_000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new CamosError(grpc.status.DEADLINE_EXCEEDED, `watch of task ${taskId} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(requestId, { resolve: resolve as (v: unknown) => void, reject, timer, field: 'taskStatus', onUpdate });
      stream.write({ requestId, taskStatus: { taskId, watch: true } } as SyscallRequest);
    });
  }

  // ---- every syscall, typed
  arbitrate = (r: T.ArbitrateRequest, o?: CallOptions) => this.call<T.ArbitrateResponse__Output>('arbitrate', r, o);
  commitTask = (r: T.CommitTaskRequest, o?: CallOptions) => this.call<T.CommitTaskResponse__Output>('commitTask', r, o);
  rollbackTask = (r: T.TaskRollbackRequest, o?: CallOptions) => this.call<T.TaskRollbackResponse__Output>('taskRollback', r, o);
  queryPolicy = (r: T.QueryPolicyRequest, o?: CallOptions) => this.call<T.QueryPolicyResponse__Output>('queryPolicy', r, o);
  explainAction = (r: T.ExplainActionRequest, o?: CallOptions) => this.call<T.ExplainActionResponse__Output>('explainAction', r, o);
  contextRead = (r: T.ContextReadRequest, o?: CallOptions) => this.call<T.ContextReadResponse__Output>('contextRead', r, o);
  contextWrite = (r: T.ContextWriteRequest, o?: CallOptions) => this.call<T.ContextWriteResponse__Output>('contextWrite', r, o);
  contextSnapshot = (r: T.ContextSnapshotRequest, o?: CallOptions) => this.call<T.ContextSnapshotResponse__Output>('contextSnapshot', r, o);
  contextRestore = (r: T.ContextRestoreRequest, o?: CallOptions) => this.call<T.ContextRestoreResponse__Output>('contextRestore', r, o);
  tpmSign = (r: T.TpmSignRequest, o?: CallOptions) => this.call<T.TpmSignResponse__Output>('tpmSign', r, o);
  verifyManifest = (r: T.VerifyManifestRequest, o?: CallOptions) => this.call<T.VerifyManifestResponse__Output>('verifyManifest', r, o);
  establishSecureChannel = (r: T.EstablishSecureChannelRequest, o?: CallOptions) => this.call<T.EstablishSecureChannelResponse__Output>('establishSecureChannel', r, o);
  emitTrace = (r: T.EmitTraceRequest, o?: CallOptions) => this.call<T.EmitTraceResponse__Output>('emitTrace', r, o);
  emitMetric = (r: T.EmitMetricRequest, o?: CallOptions) => this.call<T.EmitMetricResponse__Output>('emitMetric', r, o);
  healthCheck = (r: T.HealthCheckRequest = {}, o?: CallOptions) => this.call<T.HealthCheckResponse__Output>('healthCheck', r, o);
  agentRegister = (r: T.AgentRegisterRequest, o?: CallOptions) => this.call<T.AgentRegisterResponse__Output>('agentRegister', r, o);
  agentList = (r: T.AgentListRequest = {}, o?: CallOptions) => this.call<T.AgentListResponse__Output>('agentList', r, o);
  taskStatus = (r: T.TaskStatusRequest, o?: CallOptions) => this.call<T.TaskStatusResponse__Output>('taskStatus', r, o);
  contextVersionList = (r: T.ContextVersionListRequest, o?: CallOptions) => this.call<T.ContextVersionListResponse__Output>('contextVersionList', r, o);
  contextDelete = (r: T.ContextDeleteRequest, o?: CallOptions) => this.call<T.ContextDeleteResponse__Output>('contextDelete', r, o);
  contextSnapshotList = (r: T.ContextSnapshotListRequest, o?: CallOptions) => this.call<T.ContextSnapshotListResponse__Output>('contextSnapshotList', r, o);
  policyUpdate = (r: T.PolicyUpdateRequest, o?: CallOptions) => this.call<T.PolicyUpdateResponse__Output>('policyUpdate', r, o);
  policyGet = (r: T.PolicyGetRequest = {}, o?: CallOptions) => this.call<T.PolicyGetResponse__Output>('policyGet', r, o);
  driverLoad = (r: T.DriverLoadRequest, o?: CallOptions) => this.call<T.DriverLoadResponse__Output>('driverLoad', r, o);
  driverUnload = (r: T.DriverUnloadRequest, o?: CallOptions) => this.call<T.DriverUnloadResponse__Output>('driverUnload', r, o);
  driverList = (r: T.DriverListRequest = {}, o?: CallOptions) => this.call<T.DriverListResponse__Output>('driverList', r, o);
  driverInvoke = (r: T.DriverInvokeRequest, o?: CallOptions) => this.call<T.DriverInvokeResponse__Output>('driverInvoke', r, o);
  tokenCreate = (r: T.TokenCreateRequest, o?: CallOptions) => this.call<T.TokenCreateResponse__Output>('tokenCreate', r, o);
  tokenRevoke = (r: T.TokenRevokeRequest, o?: CallOptions) => this.call<T.TokenRevokeResponse__Output>('tokenRevoke', r, o);
  tokenList = (r: T.TokenListRequest = {}, o?: CallOptions) => this.call<T.TokenListResponse__Output>('tokenList', r, o);
  nlQuery = (r: T.NlQueryRequest, o?: CallOptions) => this.call<T.NlQueryResponse__Output>('nlQuery', r, o);
  traceGet = (r: T.TraceGetRequest, o?: CallOptions) => this.call<T.TraceGetResponse__Output>('traceGet', r, o);
  taskList = (r: T.TaskListRequest = {}, o?: CallOptions) => this.call<T.TaskListResponse__Output>('taskList', r, o);
  contextList = (r: T.ContextListRequest = {}, o?: CallOptions) => this.call<T.ContextListResponse__Output>('contextList', r, o);
  auditQuery = (r: T.AuditQueryRequest = {}, o?: CallOptions) => this.call<T.AuditQueryResponse__Output>('auditQuery', r, o);

  /** Sends a raw SyscallRequest (e.g. a sealed call) and resolves with the raw SyscallResponse. */
  raw(request: SyscallRequest, opts: CallOptions = {}): Promise<SyscallResponse__Output> {
    const stream = this.open();
    const requestId = request.requestId || randomUUID();
    const timeoutMs = opts.timeoutMs ?? this.opts.timeoutMs;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new CamosError(grpc.status.DEADLINE_EXCEEDED, `no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(requestId, { resolve: resolve as (v: unknown) => void, reject, timer, field: '' });
      stream.write({ ...request, requestId });
    });
  }

  close(): void {
    this.closed = true;
    this.failAll(new CamosError(grpc.status.CANCELLED, 'the client was closed'));
    this.stream?.end();
    this.stream = undefined;
    this.grpcClient.close();
  }

  private open(): grpc.ClientDuplexStream<SyscallRequest, SyscallResponse__Output> {
    if (this.stream) return this.stream;
    const md = new grpc.Metadata();
    md.set('authorization', `Bearer ${this.opts.token}`);
    const stream = this.grpcClient.Session(md) as grpc.ClientDuplexStream<SyscallRequest, SyscallResponse__Output>;
    stream.on('data', (res: SyscallResponse__Output) => this.answer(res));
    const broken = (err?: Error) => {
      if (this.stream !== stream) return;
      this.stream = undefined;
      this.failures++;
      this.nextAttempt = Date.now() + Math.min(this.opts.maxBackoffMs, 50 * 2 ** Math.min(this.failures, 10));
      // Calls in flight on a broken stream may or may not have run: their callers decide.
      this.failAll(new CamosError(grpc.status.UNAVAILABLE, `the Session stream to ${this.opts.address} broke${err ? `: ${err.message}` : ''}; the next call reconnects`));
    };
    stream.on('error', broken);
    stream.on('end', () => broken());
    this.stream = stream;
    return stream;
  }

  private async backoff(): Promise<void> {
    const wait = this.nextAttempt - Date.now();
    if (!this.stream && wait > 0) await new Promise((r) => setTimeout(r, wait));
  }

  private answer(res: SyscallResponse__Output): void {
    const p = this.pending.get(res.requestId);
    if (!p) return;
    this.failures = 0;
    if (res.code !== 0) {
      this.pending.delete(res.requestId);
      clearTimeout(p.timer);
      p.reject(new CamosError(res.code, res.message));
      return;
    }
    const value = p.field ? (res as unknown as Record<string, unknown>)[p.field] : res;
    if (p.onUpdate) p.onUpdate(value as T.TaskStatusResponse__Output);
    if (res.final) {
      this.pending.delete(res.requestId);
      clearTimeout(p.timer);
      p.resolve(value);
    }
  }

  private failAll(err: Error): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(err);
      this.pending.delete(id);
    }
  }
}
