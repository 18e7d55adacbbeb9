import type { z } from 'zod';
import type { Door, Principal, Resource } from '../contract/index.ts';
import type { Services } from './services.ts';

/** What a handler sees of the call besides its request. */
export interface CallContext {
  services: Services;
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
