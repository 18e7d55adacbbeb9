// One audit record as stored: the columns, their canonical bytes and the chain hash.
import type { Code } from '../base/errors.ts';
import type { AuditEntry } from '../contract/index.ts';
import { GENESIS, chainBytes, chainHash } from './chain.mjs';

export { GENESIS };

/**
 * A code as a record stores it: the number gRPC gives it, as the log has always stored
 * codes. The number is hashed into the record, and AuditQuery's and AuditRecordInfo's
 * `code` fields carry it: never renumber.
 */
const STORED: Readonly<Record<Code, number>> = {
  ok: 0,
  cancelled: 1,
  unknown: 2,
  invalid_argument: 3,
  deadline_exceeded: 4,
  not_found: 5,
  already_exists: 6,
  permission_denied: 7,
  resource_exhausted: 8,
  failed_precondition: 9,
  aborted: 10,
  out_of_range: 11,
  unimplemented: 12,
  internal: 13,
  unavailable: 14,
  data_loss: 15,
  unauthenticated: 16,
};
const BY_NUMBER = new Map(Object.entries(STORED).map(([code, n]) => [n, code as Code]));

export const storedCode = (code: Code): number => STORED[code];
/** The code a stored number stands for; one no record holds (from a query) is UNKNOWN. */
export const codeOfStored = (n: number): Code => BY_NUMBER.get(n) ?? 'unknown';

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

/** The columns a record's hash covers after prev_hash, in order; seq is left out so that the chain alone fixes the order. */
export const HASHED = ['time', 'caller', 'caller_kind', 'syscall', 'door', 'target', 'outcome', 'code', 'message', 'request_id', 'trace_id', 'span_id', 'parent_span_id', 'task_id', 'duration_us', 'policies', 'evidence'] as const;

type Hashed = Pick<AuditRow, (typeof HASHED)[number]>;

export const canonicalBytes = (r: Omit<AuditRow, 'seq' | 'hash'>): string => chainBytes(r.prev_hash, HASHED.map((k) => r[k]));

export const hashRow = (r: Omit<AuditRow, 'seq' | 'hash'>): string => chainHash(r.prev_hash, HASHED.map((k) => r[k]));

// Evidence may hold bytes or bigints; store them in a JSON-safe form.
const replacer = (_k: string, v: unknown) =>
  typeof v === 'bigint' ? Number(v) : v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v;

/** True when JSON.stringify needs the replacer (a bigint or bytes somewhere inside). */
function needsReplacer(v: unknown, depth = 0): boolean {
  if (typeof v === 'bigint') return true;
  if (typeof v !== 'object' || v === null) return false;
  if (ArrayBuffer.isView(v) || depth > 8) return true; // deep: let the replacer's walk decide
  if (Array.isArray(v)) {
    for (const x of v) if (needsReplacer(x, depth + 1)) return true;
    return false;
  }
  for (const k in v) if (needsReplacer((v as Record<string, unknown>)[k], depth + 1)) return true;
  return false;
}

/** Evidence as stored. Without a replacer JSON.stringify takes its fast path: the check and the plain call cost ≈ 1.1 µs for the kernel's usual evidence, against ≈ 1.9 µs with the replacer. */
const evidenceJson = (ev: unknown): string => (needsReplacer(ev) ? JSON.stringify(ev, replacer) : JSON.stringify(ev));

/**
 * A text column as SQLite stores it. A lone surrogate has no UTF-8 form: SQLite stores
 * U+FFFD in its place, so it is replaced before the hash is taken, and the hash covers the
 * stored text. JSON columns need nothing: JSON.stringify writes a lone surrogate as \uXXXX.
 */
const text = (s: string) => (s.isWellFormed() ? s : s.toWellFormed());

/**
 * [seq, ...the entry's hashed fields in HASHED order] with seq 0, for the log to number:
 * what the writer thread chains and stores. One array literal, since this runs for every
 * record on the main thread.
 */
export function rowOf(e: AuditEntry): unknown[] {
  return [
    0,
    Math.trunc(e.time),
    text(e.caller),
    e.callerKind,
    text(e.syscall),
    e.door,
    text(e.target ?? ''),
    e.outcome,
    STORED[e.code],
    e.message == null ? null : text(e.message),
    text(e.requestId ?? ''),
    text(e.traceId ?? ''),
    text(e.spanId ?? ''),
    e.parentSpanId == null ? null : text(e.parentSpanId),
    e.taskId == null ? null : text(e.taskId),
    Math.round((e.durationUs ?? 0) * 1000) / 1000,
    e.policies?.length ? JSON.stringify(e.policies) : null,
    evidenceJson(e.evidence ?? {}),
  ];
}

/** Turns an entry into the row that follows `prevHash` (seq is assigned by the log). */
export function toRow(e: AuditEntry, prevHash: string): Omit<AuditRow, 'seq'> {
  const fields = rowOf(e).slice(1);
  const row = Object.fromEntries(HASHED.map((k, i) => [k, fields[i]])) as Hashed;
  return { ...row, prev_hash: prevHash, hash: chainHash(prevHash, fields) };
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
    code: codeOfStored(r.code),
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
