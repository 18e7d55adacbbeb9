// One audit record as stored: the columns, their canonical bytes and the chain hash.
import * as crypto from 'node:crypto';
import type { AuditEntry } from '../syscalls/types.ts';

/** The hash a chain starts from (the "previous record" of record 1). */
export const GENESIS = '0'.repeat(64);

/** A stored record, column for column (snake_case as in SQLite). */
export interface AuditRow {
  seq: number;
  time: number;
  caller: string;
  caller_kind: string;
  syscall: string;
  door: string;
  target: string;
  outcome: string;
  code: number;
  message: string | null;
  request_id: string;
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  task_id: string | null;
  duration_us: number;
  policies: string | null; // JSON array
  evidence: string; // JSON object
  prev_hash: string;
  hash: string;
}

/** The columns a record's hash covers, in order; seq is left out so that the chain alone fixes the order. */
const HASHED = ['prev_hash', 'time', 'caller', 'caller_kind', 'syscall', 'door', 'target', 'outcome', 'code', 'message', 'request_id', 'trace_id', 'span_id', 'parent_span_id', 'task_id', 'duration_us', 'policies', 'evidence'] as const;

export const canonicalBytes = (r: Omit<AuditRow, 'seq' | 'hash'>): string => JSON.stringify(HASHED.map((k) => r[k]));

// crypto.hash (Node >= 20.12) is a one-shot digest, about 3x cheaper than createHash for short inputs.
const sha256hex: (s: string) => string =
  typeof crypto.hash === 'function' ? (s) => crypto.hash('sha256', s, 'hex') : (s) => crypto.createHash('sha256').update(s).digest('hex');

export const hashRow = (r: Omit<AuditRow, 'seq' | 'hash'>): string => sha256hex(canonicalBytes(r));

// Evidence may hold bytes or bigints; store them in a JSON-safe form.
const replacer = (_k: string, v: unknown) =>
  typeof v === 'bigint' ? Number(v) : v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v;

/** Turns an entry into the row that follows `prevHash` (seq is assigned by SQLite). */
export function toRow(e: AuditEntry, prevHash: string): Omit<AuditRow, 'seq'> {
  const row: Omit<AuditRow, 'seq' | 'hash'> = {
    prev_hash: prevHash,
    time: Math.trunc(e.time),
    caller: e.caller,
    caller_kind: e.callerKind,
    syscall: e.syscall,
    door: e.door,
    target: e.target ?? '',
    outcome: e.outcome,
    code: e.code,
    message: e.message ?? null,
    request_id: e.requestId ?? '',
    trace_id: e.traceId ?? '',
    span_id: e.spanId ?? '',
    parent_span_id: e.parentSpanId ?? null,
    task_id: e.taskId ?? null,
    duration_us: Math.round((e.durationUs ?? 0) * 1000) / 1000,
    policies: e.policies?.length ? JSON.stringify(e.policies) : null,
    evidence: JSON.stringify(e.evidence ?? {}, replacer),
  };
  return { ...row, hash: hashRow(row) };
}

/** A stored record in the shape callers read (camelCase, JSON parsed). */
export interface AuditRecord extends AuditEntry {
  seq: number;
  parentSpanId?: string;
  prevHash: string;
  hash: string;
}

export function fromRow(r: AuditRow): AuditRecord {
  return {
    seq: r.seq,
    time: r.time,
    caller: r.caller,
    callerKind: r.caller_kind as AuditRecord['callerKind'],
    syscall: r.syscall,
    door: r.door as AuditRecord['door'],
    target: r.target,
    outcome: r.outcome as AuditRecord['outcome'],
    code: r.code,
    message: r.message ?? undefined,
    requestId: r.request_id,
    traceId: r.trace_id,
    spanId: r.span_id,
    parentSpanId: r.parent_span_id ?? undefined,
    taskId: r.task_id ?? undefined,
    durationUs: r.duration_us,
    policies: r.policies ? JSON.parse(r.policies) : undefined,
    evidence: JSON.parse(r.evidence),
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}
