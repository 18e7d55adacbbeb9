// The audit record and the sink that keeps it: written by the pipeline, the refusals counter,
// the scheduler and the driver runtime; kept by the audit log.
import type { Code } from '../base/errors.ts';
import type { Door, Principal } from './principal.ts';

/** One audit record, written by the audit stage for every call. */
export interface AuditEntry {
  time: number;
  caller: string;
  callerKind: Principal['kind'];
  syscall: string;
  door: Door;
  target: string; // "Type::id"
  outcome: 'ok' | 'denied' | 'error';
  /** 'ok', or what kind of failure (host/base/errors.ts). */
  code: Code;
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
