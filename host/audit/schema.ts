// The audit database: records (the hash chain), signed checkpoints, agents' spans, and
// two derived lookups, names seen in records and the records that wrote each context key,
// so that questions need not scan the log.
import Database from 'better-sqlite3';

export type Db = Database.Database;

const DDL = `
CREATE TABLE IF NOT EXISTS records (
  seq INTEGER PRIMARY KEY,
  time INTEGER NOT NULL,
  caller TEXT NOT NULL,
  caller_kind TEXT NOT NULL,
  syscall TEXT NOT NULL,
  door TEXT NOT NULL,
  target TEXT NOT NULL,
  outcome TEXT NOT NULL,
  code INTEGER NOT NULL,
  message TEXT,
  request_id TEXT NOT NULL,
  trace_id TEXT NOT NULL,
  span_id TEXT NOT NULL,
  parent_span_id TEXT,
  task_id TEXT,
  duration_us REAL NOT NULL,
  policies TEXT,
  evidence TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS records_caller_time ON records(caller, time);
CREATE INDEX IF NOT EXISTS records_syscall_time ON records(syscall, time);
CREATE INDEX IF NOT EXISTS records_target_time ON records(target, time);
CREATE INDEX IF NOT EXISTS records_task ON records(task_id) WHERE task_id IS NOT NULL;
-- Only records with a trace: the kernel's own records (a task's queued, dispatched and
-- finished) have none, and skipping them spares every such insert an index. A query by
-- trace says trace_id != '' so that this index serves it.
DROP INDEX IF EXISTS records_trace;
CREATE INDEX IF NOT EXISTS records_trace_set ON records(trace_id) WHERE trace_id != '';
CREATE INDEX IF NOT EXISTS records_request ON records(request_id);
CREATE TABLE IF NOT EXISTS checkpoints (
  seq INTEGER PRIMARY KEY,
  hash TEXT NOT NULL,
  time INTEGER NOT NULL,
  final INTEGER NOT NULL,
  key_id TEXT NOT NULL,
  algorithm TEXT NOT NULL,
  backend TEXT NOT NULL,
  signature TEXT NOT NULL,
  public_key TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS spans (
  trace_id TEXT NOT NULL,
  span_id TEXT NOT NULL,
  parent_span_id TEXT,
  operation TEXT NOT NULL,
  start_ms INTEGER NOT NULL,
  duration_ms REAL NOT NULL,
  status TEXT NOT NULL,
  tags TEXT NOT NULL,
  agent TEXT NOT NULL,
  PRIMARY KEY (trace_id, span_id)
);
-- Which records wrote a context key (derived from records when they are written; not chained).
CREATE TABLE IF NOT EXISTS key_writes (
  namespace TEXT NOT NULL,
  key TEXT NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (namespace, key, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS names (
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  PRIMARY KEY (kind, name)
) WITHOUT ROWID;
`;

export function openAuditDb(path: string, opts: { readonly?: boolean } = {}): Db {
  const db = new Database(path, { readonly: !!opts.readonly, fileMustExist: !!opts.readonly });
  if (!opts.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(DDL);
  }
  return db;
}

/** The bytes a checkpoint's signature covers. */
export const checkpointMessage = (seq: number, hash: string, time: number, final: boolean): Uint8Array =>
  new TextEncoder().encode(`camos-audit-checkpoint\n${seq}\n${hash}\n${time}\n${final ? 'final' : 'periodic'}`);

export interface CheckpointRow {
  seq: number;
  hash: string;
  time: number;
  final: number;
  key_id: string;
  algorithm: string;
  backend: string;
  signature: string;
  public_key: string;
}
