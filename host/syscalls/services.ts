// What the pipeline and the handlers see of the kernel: every subsystem, always present. A
// subsystem this kernel does not run (the audit log when its file cannot be opened) is a
// null object that answers UNAVAILABLE naming it, never an undefined for each handler to
// guard against. The kernel (kernel.ts) is one; nothing here imports it.
import type { AgentRegistry } from '../agents/index.ts';
import type { AuditLog } from '../audit/index.ts';
import { unavailable } from '../base/errors.ts';
import type { Config } from '../config/index.ts';
import type { ContextStore } from '../context/index.ts';
import type { AuditSink, Authorizer, HealthReport } from '../contract/index.ts';
import type { ChannelTable, KeyStore } from '../crypto/index.ts';
import type { DriverRuntime } from '../drivers/index.ts';
import type { MeshQuestions } from '../federation/index.ts';
import type { IdentityStore, Refusals } from '../identity/index.ts';
import type { KernelMetrics, Logger, Telemetry } from '../telemetry/index.ts';
import type { PolicyEngine } from '../policy/index.ts';
import type { Scheduler } from '../scheduler/index.ts';

export interface Services {
  readonly config: Config;
  readonly log: Logger;
  readonly dataDir: string;
  readonly version: string;
  /** The syscall table (table.ts), as far as handlers read it: CallContext holds Services. */
  readonly table: readonly { readonly name: string }[];
  readonly metrics: KernelMetrics;
  readonly identity: IdentityStore;
  readonly refusals: Refusals;
  /** The authorize stage: the policy engine. */
  readonly authorizer: Authorizer;
  /** The audit stage. */
  readonly auditSink: AuditSink;
  readonly audit: AuditLog;
  readonly telemetry: Telemetry;
  readonly keys: KeyStore;
  readonly channels: ChannelTable;
  readonly context: ContextStore;
  readonly policy: PolicyEngine;
  readonly agents: AgentRegistry;
  readonly scheduler: Scheduler;
  readonly drivers: DriverRuntime;
  /** Questions to the other kernels' audit logs: only in a federated kernel. */
  readonly mesh?: MeshQuestions;
  health(): Promise<HealthReport>;
  healthSummary(): Promise<Pick<HealthReport, 'status' | 'degraded' | 'timestamp' | 'version' | 'uptimeMs'>>;
}

/**
 * A subsystem that is not running: reading any of its members throws UNAVAILABLE with
 * `why`, which the pipeline answers like any handler's error.
 */
export function notRunning<T extends object>(why: string): T {
  return new Proxy({} as T, {
    get(_target, member) {
      // Not a thenable: awaiting it (or a promise resolving to it) is not reading it.
      if (member === 'then') return undefined;
      throw unavailable(why);
    },
  });
}
