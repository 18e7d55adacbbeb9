import type { z } from 'zod';
import type { Kernel } from '../kernel.ts';

/** Who is calling: resolved from the bearer token by the authenticate stage. */
export interface Principal {
  /** Agent id; "admin" for the admin token; "anonymous" on open calls without a token. */
  id: string;
  kind: 'admin' | 'agent' | 'anonymous';
  tokenId?: string;
}

/** Where a call came in; 'kernel' marks events the kernel records itself (task lifecycle, hot loads). */
export type Door = 'grpc' | 'session' | 'http' | 'inprocess' | 'kernel';

/** What a handler sees of the call besides its request. */
export interface CallContext {
  kernel: Kernel;
  caller: Principal;
  syscall: string;
  door: Door;
  requestId: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  /** Absolute deadline (ms since epoch), when the caller set one. */
  deadline?: number;
  /** Facts the handler wants in the audit record (task id, scores, verdicts...). */
  evidence: Record<string, unknown>;
  /** Task this call belongs to, if any: links audit records together. */
  taskId?: string;
}

/** The policy resource a call acts on. */
export interface Resource {
  type: string; // Namespace, Driver, Task, Key, Policy, Agent, Kernel, Trace, Metric, Channel
  id: string;
}

/** A syscall's definition: what the subsystem file exports; the table adds name and number. */
export interface SyscallDef<Req = any, Res = any> {
  /** Semantic validation of the decoded request (shape comes from the proto). */
  schema: z.ZodType<Req>;
  /** Policy action (the syscall name without "sys_"). */
  action: string;
  resource(req: Req, call: CallContext): Resource;
  /** Callable without a token (health summary). */
  open?(req: Req): boolean;
  /**
   * The call changes nothing the kernel keeps: it is answered before its audit record is on
   * disk, and served while the audit log cannot be written. Absent, a call is taken to
   * change something (its record is on disk before its answer).
   */
  readOnly?(req: Req): boolean;
  handle(req: Req, call: CallContext): Promise<Res> | Res;
}

export interface SyscallRow<Req = any, Res = any> extends SyscallDef<Req, Res> {
  nr: number;
  name: string;
  /** The unary RPC name in cam_os.SyscallService (also the proto message prefix). */
  rpc: string;
  /** Field name of the call in SyscallRequest/SyscallResponse's oneof (camelCase). */
  sessionField: string;
  group: 'core' | 'memory' | 'security' | 'observability' | 'supporting';
}

/** The authorize stage's hook; the policy engine replaces the default. */
export interface Authorizer {
  authorize(q: AuthorizationQuery): Promise<AuthorizationDecision> | AuthorizationDecision;
}
export interface AuthorizationQuery {
  principal: Principal;
  action: string;
  resource: Resource;
  syscall: string;
  request: unknown;
}
export interface AuthorizationDecision {
  allowed: boolean;
  reason: string;
  policies: string[];
}

/** One audit record, written by the audit stage for every call. */
export interface AuditEntry {
  time: number;
  caller: string;
  callerKind: Principal['kind'];
  syscall: string;
  door: Door;
  target: string; // "Type::id"
  outcome: 'ok' | 'denied' | 'error';
  code: number;
  message?: string;
  requestId: string;
  traceId: string;
  spanId: string;
  /** The caller's span (from traceparent), when it sent one. */
  parentSpanId?: string;
  taskId?: string;
  durationUs: number;
  policies?: string[];
  evidence: Record<string, unknown>;
}

/** The audit stage's hook; the audit log replaces the default. */
export interface AuditSink {
  record(entry: AuditEntry): void;
  /** Resolves once every record so far is on disk; rejects (UNAVAILABLE) when the log cannot be written. */
  committed(): Promise<void>;
  /** Why the log cannot take records now, undefined when it can: calls that change something are refused meanwhile. */
  refusal(): string | undefined;
}
