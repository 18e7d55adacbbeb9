// The audit log: an append-only, hash-chained table in <data-dir>/audit.db. `record()`
// only pushes onto an in-memory buffer; a short timer (or a full buffer) numbers the
// batch and hands it to a writer thread, which chains (hashes) and inserts it in one
// transaction, in order. Reads first wait for the writer to catch up.
//
// The rule (docs/audit.md): the record of a call that changes something is on disk
// (synchronous=FULL) before the call is answered (`committed()`: one transaction for all
// such calls of a turn of the event loop, a group commit); the record of a call that
// changes nothing is written within audit.flushIntervalMs, so SIGKILL loses at most those.
// A log that cannot be written (a full disk, an I/O error, a corrupt file) keeps what it
// could not write and tries again; meanwhile `refusal()` says why, and the pipeline refuses
// every call that would change something. Past audit.maxPendingRecords held in memory, the
// records of calls that change nothing are counted, not kept, and the count is written as
// an `audit.records_lost` record once the log can be written again.
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import { startThread } from '../base/threads.mjs';
import type { Statement } from 'better-sqlite3';
import type { HybridPublicKey, HybridSignature } from '../crypto/hybrid.ts';
import { publicKeyToJson, signatureToJson } from '../crypto/hybrid.ts';
import { Checkpointer } from '../context/checkpointer.ts';
import type { Logger } from '../telemetry/log.ts';
import { storageCause, unavailable, type Code } from '../base/errors.ts';
import type { AuditEntry, AuditSink } from '../contract/index.ts';
import { anchorPathOf, checkLogAtStart, readAnchorOrError, writeAnchor } from './anchor.ts';
import { appendBatch, type ChainBatch } from './chain.mjs';
import { GENESIS, fromRow, rowOf, storedCode, type AuditRecord, type AuditRow } from './record.ts';
import { checkpointMessage, openAuditDb, type CheckpointRow, type Db } from './schema.ts';
import { verifyAuditDb, type VerifyOptions, type VerifyReport } from './verify.ts';
import { scopeWhere, type AuditScope } from './scope.ts';

export interface AuditConfig {
  /** Sign a checkpoint every this many records (and on shutdown). */
  checkpointEvery: number;
  /** Longest a record waits in memory before it is written. */
  flushIntervalMs: number;
  /** A buffer this full is written at once. */
  batchSize: number;
  /** Records older than this are pruned (up to a checkpoint); 0 keeps everything. */
  retentionDays: number;
  /** Records handed to the writer thread and not yet written, at most, before record() callers wait (default 131,072). */
  maxPendingRecords?: number;
  /** The writer thread's nice value, 0–19 (Linux; default 0). */
  writerNice?: number;
  /** The writer thread stops after this long with nothing to write, and starts again with the next batch (default 30,000). */
  writerIdleMs?: number;
}

/** What the audit log needs of the key store (kernel.keys). */
export interface CheckpointSigner {
  identity(): HybridPublicKey;
  sign(data: Uint8Array, keyId?: string): Promise<{ keyId: string; algorithm: string; signature: HybridSignature; backend: string }>;
  /** Every key the kernel has had (checkpoints are checked against these at start). */
  allPublicKeys(): Map<string, HybridPublicKey>;
}

/** A filter over records; every field optional. Times are unix ms, inclusive. */
export interface AuditQuery {
  since?: number;
  until?: number;
  caller?: string;
  syscalls?: string[];
  outcome?: AuditEntry['outcome'];
  code?: Code;
  taskId?: string;
  traceId?: string;
  requestId?: string;
  target?: string;
  /** Target prefix, e.g. "Namespace::research". */
  targetPrefix?: string;
  /** Only records numbered below this one (paging back through the log). */
  beforeSeq?: number;
  /** One record by number. */
  seq?: number;
  /** Only the records this caller may read (scope.ts). */
  scope?: AuditScope;
  limit?: number;
  order?: 'asc' | 'desc';
}

export interface QueryResult {
  records: AuditRecord[];
  /** The SQL that ran, with its parameters written in (for answers that show their work). */
  sql: string;
}

type Entry = AuditEntry;

const INSERT_RECORD = `INSERT INTO records (seq, time, caller, caller_kind, syscall, door, target, outcome, code, message, request_id, trace_id, span_id, parent_span_id, task_id, duration_us, policies, evidence, prev_hash, hash)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
const INSERT_NAME = 'INSERT OR IGNORE INTO names (kind, name) VALUES (?, ?)';
const INSERT_KEY = 'INSERT OR IGNORE INTO key_writes (namespace, key, seq) VALUES (?, ?, ?)';
const INSERT_CHECKPOINT = 'INSERT OR REPLACE INTO checkpoints (seq, hash, time, final, key_id, algorithm, backend, signature, public_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)';

/**
 * Records handed to the writer before the checkpointer thread starts. Until then the log
 * stays small (a few MB at most) and needs no copying; the writer's own connection would
 * checkpoint only far later (BACKGROUND_CHECKPOINT_PRAGMAS).
 */
const CHECKPOINTER_AFTER_RECORDS = 4096;

/** One transaction's worth of statements: SQL and the parameter rows to run it with. */
type Ops = [sql: string, rows: unknown[][]][];

type WriterReply =
  | { type: 'checkpoints'; due: [number, string][] }
  | { type: 'committed'; through: number }
  | { type: 'stalled'; code: string; message: string }
  | { type: 'resumed' }
  | { type: 'lost'; batches: number; records: number };

/** Why the log cannot be written, since when. */
interface Stall {
  code: string;
  message: string;
  since: number;
}

/** Callers of committed() waiting for one batch. */
interface Waiter {
  resolve(): void;
  reject(e: Error): void;
}

/** Records not kept while the log could not be written. */
interface Lost {
  records: number;
  from: number;
  to: number;
  cause: string;
}

/** How often the main thread tries again to write batches that failed, when the writer thread is gone. */
const RETRY_MS = 500;


export class AuditLog implements AuditSink {
  readonly path: string;
  private readonly db: Db;
  private buffer: Entry[] = [];
  /** rowOf(buffer[i]): made as each record comes, so that a batch costs the main thread little at once. */
  private rows: unknown[][] = [];
  /** Rows for the next batch's transaction that are not records (an agent's span), by statement. */
  private derived = new Map<string, unknown[][]>();
  private timer?: NodeJS.Timeout;
  private immediate = false;
  private lastSeq = 0;
  private lastCheckpointSeq = 0;
  private signing: Promise<void> = Promise.resolve();
  private closed = false;
  private dropped = 0;
  private failures = 0;
  private signFailed = false;
  /** Names already in the names table, by kind. */
  private readonly names = new Map<string, Set<string>>();
  private readonly statements = new Map<string, Statement<any[]>>();
  private readonly writeDirect: (chain: ChainBatch | undefined, ops: Ops) => void;
  /** The writer thread, while it runs (it starts with a batch to write and stops once idle). */
  private writer?: Worker;
  /** Its replies (checkpoints due, commits, stalls), on a port of their own that waitForWriter drains synchronously. */
  private replies?: MessagePort;
  private writerIdleTimer?: NodeJS.Timeout;
  /** Writer threads started since the log was opened. */
  private writerStarts = 0;
  /** Copies the writer's log into the database file, so that the writer never waits on that fsync. */
  private readonly checkpointer: Checkpointer;
  /** [0] batches written by the writer thread, [1] 1 while it is stalled (shared memory). */
  private readonly progress = new Int32Array(new SharedArrayBuffer(8));
  private posted = 0;
  private postedRecords = 0;
  /** Batches handed to the writer thread and not yet written, at most, before record() callers wait (from maxPendingRecords). */
  private readonly maxBatchesInFlight: number;
  /** False once a writer thread failed: batches are written on this thread from then on. */
  private writerAlive = true;
  /** Why the log cannot be written now. */
  private stall?: Stall;
  /** Waiting for the next batch posted (committed() calls since the last post). */
  private nextWaiters: Waiter[] = [];
  /** Waiting for a posted batch to be on disk, oldest batch first. */
  private readonly batchWaiters: { batch: number; waiters: Waiter[] }[] = [];
  /** Checkpoints whose rows are in a posted batch: their anchor is written once it is on disk. */
  private readonly pendingAnchors: { batch: number; cp: CheckpointRow }[] = [];
  /** Batches the main thread could not write while the writer thread is gone, oldest first. */
  private held: [ChainBatch | undefined, Ops, boolean][] = [];
  private retryTimer?: NodeJS.Timeout;
  private lost?: Lost;
  private lostTotal = 0;
  private readonly anchorPath: string;
  private readonly onExit = () => this.flushAtExit();
  private retentionTimer?: NodeJS.Timeout;
  /** Called after each written batch (the tracer exports syscall spans from here). */
  onBatch?: (entries: readonly Entry[]) => void;

  constructor(
    path: string,
    readonly config: AuditConfig,
    private readonly deps: { log: Logger; signer: () => CheckpointSigner | undefined; keysExisted?: boolean },
  ) {
    this.path = path;
    this.anchorPath = anchorPathOf(path);
    this.maxBatchesInFlight = Math.max(1, Math.floor((config.maxPendingRecords ?? 131_072) / config.batchSize));
    const start = checkLogAtStart(path, { trustedKeys: deps.signer()?.allPublicKeys(), log: deps.log, keysExisted: deps.keysExisted ?? false });
    this.db = openAuditDb(path);
    const last = this.db.prepare('SELECT seq, hash FROM records ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
    const cp = this.db.prepare('SELECT seq, hash, final FROM checkpoints ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string; final: number } | undefined;
    if (last) this.lastSeq = last.seq;
    else if (cp) this.lastSeq = cp.seq;
    this.lastCheckpointSeq = cp?.seq ?? 0;
    // The same work as the writer thread, on this thread, for when the thread is gone.
    this.writeDirect = this.db.transaction((chain: ChainBatch | undefined, ops: Ops) => {
      const { due } = appendBatch((sql) => this.statement(sql), this.tailHash(), chain, ops);
      for (const [seq, hash] of due) this.sign(seq, hash, false);
    });
    // Started once records add up (write()): an idle kernel's few need no thread of their own.
    this.checkpointer = new Checkpointer(path, config.writerIdleMs);
    process.on('exit', this.onExit);
    // Restarts are recorded, so a forged record after a shutdown checkpoint stands out.
    this.record({
      time: Date.now(), caller: 'kernel', callerKind: 'admin', syscall: 'audit.opened', door: 'kernel', target: 'Kernel::audit',
      outcome: 'ok', code: 'ok', requestId: '', traceId: '', spanId: '', durationUs: 0,
      evidence: { previousSeq: this.lastSeq, cleanShutdown: cp?.final === 1 && cp.seq === this.lastSeq, ...start.evidence },
    });
    // A log begun in place of a rejected or missing one, or found without an anchor, is anchored at once.
    // Not once closed: a kernel stopped as soon as it started had closed the database by then,
    // and the anchoring threw there, an uncaught exception (close signs the final checkpoint itself).
    if (start.reanchor) setImmediate(() => this.closed || void this.checkpoint(false));
    if (config.retentionDays > 0) {
      this.applyRetention();
      this.retentionTimer = setInterval(() => this.applyRetention(), 3_600_000).unref();
    }
  }

  /** The hot path: one array push; the write happens in the next batch. */
  record(entry: Entry): void {
    if (this.closed) {
      this.dropped++;
      return;
    }
    if (this.buffer.length >= (this.config.maxPendingRecords ?? 131_072) && this.refusal()) {
      this.loseRecord(entry);
      return;
    }
    this.buffer.push(entry);
    this.rows.push(rowOf(entry));
    if (this.buffer.length >= this.config.batchSize) {
      if (!this.immediate) {
        this.immediate = true;
        setImmediate(() => this.post());
      }
    } else this.timer ??= setTimeout(() => this.post(), this.config.flushIntervalMs);
  }

  /**
   * Writes `row` with `sql` in the next batch's transaction, on the writer thread: on disk
   * with the records made so far (before committed() resolves). A write of its own here
   * would hold the database's one write lock on this thread, and the writer would wait for
   * it (or this thread for the writer, SQLite's busy wait sleeping a millisecond or more).
   */
  alsoWrite(sql: string, row: unknown[]): void {
    if (this.closed) throw unavailable('the audit log is closed');
    let rows = this.derived.get(sql);
    if (!rows) this.derived.set(sql, (rows = []));
    rows.push(row);
    this.timer ??= setTimeout(() => this.post(), this.config.flushIntervalMs);
  }

  /**
   * Resolves once every record made so far is on disk: the batch that holds them is posted
   * at the end of this turn of the event loop and committed with fsync, one transaction for
   * every caller of the turn. Rejects with UNAVAILABLE when the log cannot be written.
   */
  committed(): Promise<void> {
    const why = this.refusal();
    if (why) return Promise.reject(unavailable(why));
    return new Promise((resolve, reject) => {
      this.nextWaiters.push({ resolve, reject });
      if (!this.immediate) {
        this.immediate = true;
        setImmediate(() => this.post());
      }
    });
  }

  /** Why the log cannot take records now (undefined when it can): the pipeline refuses calls that change something meanwhile. */
  refusal(): string | undefined {
    // The writer sets its flag before its message arrives: read the message when they disagree.
    if ((Atomics.load(this.progress, 1) === 1) !== (this.stall !== undefined) && this.writerAlive) this.drainReplies();
    if (!this.stall) return undefined;
    return `the audit log cannot be written: ${storageCause(this.stall.code, this.path) ?? `${this.stall.code}: ${this.stall.message}`} (since ${new Date(this.stall.since).toISOString()})`;
  }

  /** Writes every buffered record and waits until it is on disk (or the log is stalled); returns how many there were. */
  flush(): number {
    const n = this.post();
    this.waitForWriter();
    return n;
  }

  /** Numbers the buffered records and hands them to the writer thread; returns how many. */
  private post(): number {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.immediate = false;
    if (this.refusal()) {
      // Kept until the log can be written again (resumed()); waiters are answered at once.
      this.rejectWaiters();
      return 0;
    }
    if (this.lost) this.recordLost();
    const batch = this.buffer;
    if (!this.db.open) return 0;
    if (!batch.length && !this.derived.size) {
      // Nothing new, but callers of committed() wait for the batches posted before: an empty
      // durable batch is answered once they are all committed (it used to wait for the next
      // record, which on an idle kernel could be minutes away).
      if (this.nextWaiters.length) this.await(this.write(undefined, [], true), this.nextWaiters.splice(0));
      return 0;
    }
    const rows = this.rows;
    this.buffer = [];
    this.rows = [];
    const first = this.lastSeq + 1;
    const names: unknown[][] = [];
    const keys: unknown[][] = [];
    for (let i = 0; i < batch.length; i++) {
      rows[i][0] = first + i;
      this.noteNames(batch[i], first + i, names, keys);
    }
    this.lastSeq += batch.length;
    const checkpointAt: number[] = [];
    for (let seq = this.lastCheckpointSeq + this.config.checkpointEvery; seq <= this.lastSeq; seq += this.config.checkpointEvery) checkpointAt.push(seq);
    if (checkpointAt.length) this.lastCheckpointSeq = checkpointAt[checkpointAt.length - 1];
    const ops: Ops = [];
    if (names.length) ops.push([INSERT_NAME, names]);
    if (keys.length) ops.push([INSERT_KEY, keys]);
    for (const op of this.derived) ops.push(op);
    this.derived = new Map();
    const waiters = this.nextWaiters;
    this.nextWaiters = [];
    const n = this.write(batch.length ? { sql: INSERT_RECORD, rows, checkpointAt } : undefined, ops, waiters.length > 0);
    this.await(n, waiters);
    this.onBatch?.(batch);
    return batch.length;
  }

  /**
   * Starts the writer thread, chaining from the newest record stored: every batch before
   * it is written (the last thread stopped idle, or none ran). False when it cannot start
   * (out of memory or file descriptors): batches are then written on this thread.
   */
  private startWriter(): boolean {
    const { port1, port2 } = new MessageChannel();
    let w: Worker;
    try {
      w = startThread(new URL('./writer.mjs', import.meta.url), {
        nice: this.config.writerNice ?? 0,
        workerData: { path: this.path, progress: this.progress.buffer, lastHash: this.tailHash(), replies: port2, checkpoints: this.checkpointer.state.buffer },
        transferList: [port2],
      });
    } catch (err) {
      port1.close();
      this.failures++;
      this.writerAlive = false;
      this.deps.log.error({ err }, 'audit writer thread cannot start; writing on the main thread');
      return false;
    }
    this.writerStarts++;
    // Replies come on their own port, which waitForWriter drains synchronously, so that a
    // checkpoint is never signed after the final one.
    port1.on('message', (m: WriterReply) => this.onReply(m));
    port1.unref();
    w.unref();
    w.on('error', (err) => {
      if (this.writer !== w) return;
      this.failures++;
      this.writerGone();
      this.deps.log.error({ err }, 'audit writer thread failed; writing on the main thread');
    });
    w.on('exit', () => {
      if (this.writer === w) this.writerGone();
    });
    this.writer = w;
    this.replies = port1;
    return true;
  }

  /** Stops the writer thread once it has written everything and nobody waits for it; the next batch starts another. */
  private stopIdleWriter(): void {
    this.writerIdleTimer = undefined;
    const w = this.writer;
    if (!w || this.closed) return;
    this.drainReplies();
    if (this.stall || this.posted > Atomics.load(this.progress, 0) || this.batchWaiters.length || this.pendingAnchors.length) {
      this.writerIdleTimer = setTimeout(() => this.stopIdleWriter(), this.config.writerIdleMs ?? 30_000).unref();
      return;
    }
    this.writer = undefined;
    const replies = this.replies!;
    this.replies = undefined;
    w.once('exit', () => replies.close());
    w.postMessage({ type: 'close' });
  }

  /** Hands a batch to the writer thread (returns its number), or writes it here (returns 0; -1 when it is held to be tried again). */
  private write(chain: ChainBatch | undefined, ops: Ops, durable: boolean): number {
    if (this.writerAlive && (this.writer || this.startWriter())) {
      this.posted++;
      this.writer!.postMessage({ type: 'write', batch: this.posted, chain, ops, durable });
      clearTimeout(this.writerIdleTimer);
      this.writerIdleTimer = setTimeout(() => this.stopIdleWriter(), this.config.writerIdleMs ?? 30_000).unref();
      if ((this.postedRecords += chain?.rows.length ?? 0) >= CHECKPOINTER_AFTER_RECORDS) this.checkpointer.start();
      // Backpressure: when the writer falls far behind, wait for it rather than queue without bound.
      while (this.writerAlive && !Atomics.load(this.progress, 1) && this.posted - Atomics.load(this.progress, 0) > this.maxBatchesInFlight) {
        Atomics.wait(this.progress, 0, Atomics.load(this.progress, 0), 1000);
      }
      return this.posted;
    }
    this.held.push([chain, ops, durable]);
    this.writeHeld();
    return this.held.length ? -1 : 0;
  }

  /** Writes here, in order, the batches the writer thread is gone for; on failure, keeps them and tries again later. */
  private writeHeld(): void {
    clearTimeout(this.retryTimer);
    while (this.held.length) {
      const [chain, ops, durable] = this.held[0];
      try {
        if (durable) this.db.pragma('synchronous = FULL');
        this.writeDirect(chain, ops);
      } catch (err) {
        this.stalled({ code: String((err as { code?: unknown }).code ?? 'ERROR'), message: (err as Error).message, since: this.stall?.since ?? Date.now() });
        this.retryTimer = setTimeout(() => this.writeHeld(), RETRY_MS).unref();
        return;
      } finally {
        if (durable) this.db.pragma('synchronous = NORMAL');
      }
      this.held.shift();
    }
    if (this.stall) this.resumed();
  }

  /** Callers of committed() wait for batch n (0: already written here). */
  private await(n: number, waiters: Waiter[]): void {
    if (!waiters.length) return;
    if (n > 0 && !this.stall) {
      this.batchWaiters.push({ batch: n, waiters });
      this.holdLoop();
    } else if (n === 0 && !this.stall) for (const w of waiters) w.resolve();
    else for (const w of waiters) w.reject(unavailable(this.refusal() ?? 'the audit log cannot be written'));
  }

  private rejectWaiters(): void {
    const error = unavailable(this.refusal() ?? 'the audit log cannot be written');
    for (const w of this.nextWaiters) w.reject(error);
    this.nextWaiters = [];
    for (const b of this.batchWaiters.splice(0)) for (const w of b.waiters) w.reject(error);
    this.holdLoop();
  }

  /**
   * The replies port keeps the process up while callers wait for a commit: the writer thread
   * and the port are unref'd, and a kernel embedded in a program may have nothing else (no
   * doors, no driver thread) holding its event loop, which would then end with the answer unsent.
   */
  private holdLoop(): void {
    if (this.batchWaiters.length) this.replies?.ref();
    else this.replies?.unref();
  }

  private writerGone(): void {
    if (!this.writerAlive) return;
    this.writerAlive = false;
    // What the thread held is gone with it; callers waiting for it are told so.
    this.rejectWaiters();
  }

  /** The hash the next record chains from: the newest record's, else the newest checkpoint's. */
  private tailHash(): string {
    return this.storedTail()?.hash ?? GENESIS;
  }

  /** The newest record stored (or, in a log pruned to its last checkpoint, that checkpoint). */
  private storedTail(): { seq: number; hash: string } | undefined {
    return (
      (this.statement('SELECT seq, hash FROM records ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined) ??
      (this.statement('SELECT seq, hash FROM checkpoints ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined)
    );
  }

  /** Blocks until the writer thread has done every batch posted so far, or has stalled (reads need it). */
  private waitForWriter(): void {
    while (this.writerAlive && !Atomics.load(this.progress, 1)) {
      const done = Atomics.load(this.progress, 0);
      if (done >= this.posted) break;
      Atomics.wait(this.progress, 0, done, 1000);
    }
    this.drainReplies();
  }

  private drainReplies(): void {
    const port = this.replies;
    if (!port) return;
    for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) this.onReply(m.message as WriterReply);
  }

  private onReply(m: WriterReply): void {
    switch (m.type) {
      case 'checkpoints':
        for (const [seq, hash] of m.due) this.sign(seq, hash, false);
        return;
      case 'committed':
        while (this.batchWaiters.length && this.batchWaiters[0].batch <= m.through) for (const w of this.batchWaiters.shift()!.waiters) w.resolve();
        this.holdLoop();
        while (this.pendingAnchors.length && this.pendingAnchors[0].batch <= m.through) this.anchor(this.pendingAnchors.shift()!.cp);
        return;
      case 'stalled':
        this.stalled({ code: m.code, message: m.message, since: this.stall?.since ?? Date.now() });
        return;
      case 'resumed':
        this.resumed();
        return;
      case 'lost':
        this.lostTotal += m.records;
        this.deps.log.error({ records: m.records, cause: this.refusal() }, `${m.records} audit records could not be written before shutdown and are lost`);
        return;
    }
  }

  private stalled(stall: Stall): void {
    const first = !this.stall || this.stall.code !== stall.code;
    this.stall = stall;
    this.failures++;
    if (first) this.deps.log.error({ code: stall.code, error: stall.message, path: this.path }, `${this.refusal()}; calls that change something are refused until it can be written, and the records are kept and written then`);
    this.rejectWaiters();
  }

  private resumed(): void {
    if (!this.stall) return;
    this.deps.log.warn({ path: this.path, stalledMs: Date.now() - this.stall.since }, 'the audit log can be written again; calls that change something are served again');
    this.stall = undefined;
    if (this.buffer.length || this.lost) setImmediate(() => this.post());
  }

  private loseRecord(e: Entry): void {
    this.lostTotal++;
    if (this.lost) {
      this.lost.records++;
      this.lost.to = e.time;
    } else this.lost = { records: 1, from: e.time, to: e.time, cause: this.refusal() ?? '' };
  }

  /** The records not kept while the log could not be written, as one record of their own. */
  private recordLost(): void {
    const lost = this.lost!;
    this.lost = undefined;
    const entry: Entry = {
      time: Date.now(), caller: 'kernel', callerKind: 'admin', syscall: 'audit.records_lost', door: 'kernel', target: 'Kernel::audit',
      outcome: 'error', code: 'data_loss', message: `${lost.records} records of calls that changed nothing were not kept while ${lost.cause}`,
      requestId: '', traceId: '', spanId: '', durationUs: 0, evidence: { records: lost.records, from: lost.from, to: lost.to },
    };
    this.buffer.push(entry);
    this.rows.push(rowOf(entry));
  }

  // On process exit the writer thread may already be gone: wait briefly, then write here.
  private flushAtExit(): void {
    if (this.writerAlive) {
      const deadline = Date.now() + 1000;
      while (Atomics.load(this.progress, 0) < this.posted && !Atomics.load(this.progress, 1) && Date.now() < deadline) Atomics.wait(this.progress, 0, Atomics.load(this.progress, 0), 100);
    }
    this.writerAlive = false;
    this.stall = undefined;
    this.post();
  }

  private noteNames(e: Entry, seq: number, names: unknown[][], keys: unknown[][]): void {
    if (e.callerKind !== 'anonymous' && e.door !== 'kernel') this.noteName('agent', e.caller, names);
    this.noteName('task', e.taskId, names);
    this.noteName('driver', e.evidence?.driver, names);
    this.noteName('namespace', e.target?.startsWith('Namespace::') ? e.target.slice(11) : e.evidence?.namespace, names);
    const ev = e.evidence as { key?: unknown; keysWritten?: unknown };
    if ((e.syscall === 'sys_context_write' || e.syscall === 'sys_context_delete') && e.outcome === 'ok' && typeof ev?.key === 'string') {
      keys.push([e.target.slice(11), ev.key, seq]);
    } else if (e.syscall === 'task.succeeded' && Array.isArray(ev?.keysWritten)) {
      for (const k of ev.keysWritten) {
        const slash = typeof k === 'string' ? k.indexOf('/') : -1;
        if (slash > 0) keys.push([k.slice(0, slash), k.slice(slash + 1), seq]);
      }
    }
  }

  private noteName(kind: string, name: unknown, names: unknown[][]): void {
    if (typeof name !== 'string' || !name) return;
    let seen = this.names.get(kind);
    if (!seen) this.names.set(kind, (seen = new Set()));
    if (seen.has(name)) return;
    // A remembered name only saves an INSERT OR IGNORE: forget them all past a bound, so
    // a kernel that sees millions of task ids does not keep them all in memory.
    if (seen.size >= 100_000) seen.clear();
    seen.add(name);
    names.push([kind, name]);
  }

  /** The records that wrote namespace/key, newest first. */
  writesOf(namespace: string, key: string, limit = 100, scope?: AuditScope): QueryResult {
    this.flush();
    const visible = scope ? scopeWhere(scope, 'r.') : undefined;
    const sql = `SELECT r.* FROM key_writes w JOIN records r ON r.seq = w.seq WHERE w.namespace = ? AND w.key = ?${visible ? ` AND ${visible.sql}` : ''} ORDER BY w.seq DESC LIMIT ?`;
    const rows = this.statement(sql).all(namespace, key, ...(visible?.params ?? []), limit) as AuditRow[];
    return { records: rows.map(fromRow), sql: withParams(sql, [namespace, key, ...(visible?.params ?? []), limit]) };
  }

  /**
   * Signs a checkpoint at the newest record stored, with the kernel key; a no-op without a
   * key store, or while the log cannot be written (records it still holds are not vouched for).
   */
  checkpoint(final: boolean): Promise<void> {
    this.flush();
    const tail = this.storedTail();
    if (!tail || this.refusal()) return this.signing;
    return this.sign(tail.seq, tail.hash, final && tail.seq === this.lastSeq);
  }

  private sign(seq: number, hash: string, final: boolean): Promise<void> {
    const signer = this.deps.signer();
    if (!signer) return this.signing;
    this.lastCheckpointSeq = Math.max(this.lastCheckpointSeq, seq);
    this.signing = this.signing.then(async () => {
      const time = Date.now();
      try {
        const signed = await signer.sign(checkpointMessage(seq, hash, time, final));
        if (!this.db.open) return;
        const cp: CheckpointRow = {
          seq, hash, time, final: final ? 1 : 0, key_id: signed.keyId, algorithm: signed.algorithm, backend: signed.backend,
          signature: JSON.stringify(signatureToJson(signed.signature)), public_key: JSON.stringify(publicKeyToJson(signer.identity())),
        };
        const n = this.write(undefined, [[INSERT_CHECKPOINT, [[cp.seq, cp.hash, cp.time, cp.final, cp.key_id, cp.algorithm, cp.backend, cp.signature, cp.public_key]]]], true);
        // The anchor follows the checkpoint once its row is on disk.
        if (n > 0) this.pendingAnchors.push({ batch: n, cp });
        else if (n === 0) this.anchor(cp);
        this.signFailed = false;
      } catch (err) {
        this.failures++;
        this.signFailed = true;
        this.deps.log.error({ err, seq }, 'audit checkpoint could not be signed');
      }
    });
    return this.signing;
  }

  /** Copies a checkpoint on disk to the anchor file, and to the log, for whoever keeps a copy off this machine. */
  private anchor(cp: CheckpointRow): void {
    try {
      writeAnchor(this.anchorPath, cp);
      this.deps.log.info({ seq: cp.seq, hash: cp.hash, keyId: cp.key_id, final: cp.final === 1 }, `audit checkpoint at record ${cp.seq}: ${cp.hash}`);
    } catch (err) {
      this.failures++;
      this.deps.log.error({ err, path: this.anchorPath }, 'the audit anchor could not be written; the next checkpoint tries again');
    }
  }

  query(q: AuditQuery): QueryResult {
    this.flush();
    const { where, params } = filterOf(q);
    const sql = `SELECT * FROM records${where} ORDER BY time ${q.order === 'desc' ? 'DESC' : 'ASC'}, seq ${q.order === 'desc' ? 'DESC' : 'ASC'} LIMIT ${Math.max(1, Math.min(q.limit ?? 100, 10_000))}`;
    const rows = this.statement(sql).all(...params) as AuditRow[];
    return { records: rows.map(fromRow), sql: withParams(sql, params) };
  }

  /** Counts and durations of the records a query selects, in all or per caller or syscall (largest count first). */
  summarize(q: AuditQuery, by?: 'caller' | 'syscall'): { groups: { key: string; count: number; avgUs: number; maxUs: number }[]; sql: string } {
    this.flush();
    const { where, params } = filterOf(q);
    const key = by ?? "''";
    const sql = `SELECT ${key} AS key, COUNT(*) AS count, AVG(duration_us) AS avgUs, MAX(duration_us) AS maxUs FROM records${where}${by ? ` GROUP BY ${by} ORDER BY count DESC LIMIT ${Math.max(1, Math.min(q.limit ?? 100, 10_000))}` : ''}`;
    const groups = (this.statement(sql).all(...params) as { key: string; count: number; avgUs: number | null; maxUs: number | null }[])
      .filter((g) => g.count > 0)
      .map((g) => ({ key: g.key, count: g.count, avgUs: g.avgUs ?? 0, maxUs: g.maxUs ?? 0 }));
    return { groups, sql: withParams(sql, params) };
  }

  /** True when one of these agents made a call on `target`. */
  touched(callers: readonly string[], target: string): boolean {
    this.flush();
    if (!callers.length) return false;
    // "+target": look through the callers' records (their index), not all of the target's.
    const sql = `SELECT 1 FROM records WHERE caller IN (${callers.map(() => '?').join(', ')}) AND caller_kind = 'agent' AND +target = ? LIMIT 1`;
    return this.statement(sql).get(...callers, target) !== undefined;
  }

  /** One record by sequence number. */
  get(seq: number): AuditRecord | undefined {
    this.flush();
    const row = this.statement('SELECT * FROM records WHERE seq = ?').get(seq) as AuditRow | undefined;
    return row && fromRow(row);
  }

  /** Names seen in records: kind is agent, task, driver or namespace. */
  knownNames(kind: string): string[] {
    this.flush();
    return (this.statement('SELECT name FROM names WHERE kind = ?').all(kind) as { name: string }[]).map((r) => r.name);
  }

  /** Verifies the whole log, and that it holds what its anchor says (a missing anchor was looked into at start). */
  verify(opts?: VerifyOptions): VerifyReport {
    this.flush();
    return verifyAuditDb(this.db, { anchor: readAnchorOrError(this.anchorPath) ?? undefined, ...opts });
  }

  /** The SQLite handle, for the span store that shares the file. */
  get database(): Db {
    return this.db;
  }

  /** Deletes records older than `before` up to the newest checkpoint among them (the chain then starts at that checkpoint). */
  prune(before: number): number {
    this.flush();
    const cp = this.db
      .prepare('SELECT c.seq FROM checkpoints c JOIN records r ON r.seq = c.seq WHERE r.time < ? ORDER BY c.seq DESC LIMIT 1')
      .get(before) as Pick<CheckpointRow, 'seq'> | undefined;
    if (!cp) return 0;
    return this.db.transaction(() => {
      const n = this.db.prepare('DELETE FROM records WHERE seq <= ?').run(cp.seq).changes;
      this.db.prepare('DELETE FROM checkpoints WHERE seq < ?').run(cp.seq);
      this.db.prepare('DELETE FROM spans WHERE start_ms < ?').run(before);
      this.db.prepare('DELETE FROM key_writes WHERE seq <= ?').run(cp.seq);
      return n;
    })();
  }

  private applyRetention(): void {
    const n = this.prune(Date.now() - this.config.retentionDays * 86_400_000);
    if (n) this.deps.log.info({ pruned: n }, `audit retention pruned ${n} records older than ${this.config.retentionDays} days`);
  }

  health() {
    const cause = this.refusal();
    return {
      status: cause || this.signFailed ? ('degraded' as const) : ('ok' as const),
      details: {
        file: this.path,
        records: String(this.lastSeq),
        writable: cause ?? 'yes',
        buffered: String(this.buffer.length),
        pending_batches: String(this.posted - Atomics.load(this.progress, 0)),
        writer_thread: this.writer ? 'running' : this.writerAlive ? 'stopped (starts with the next batch)' : 'failed: writing on the main thread',
        writer_threads_started: String(this.writerStarts),
        checkpointer_thread: this.checkpointer.running ? 'running' : 'stopped',
        last_checkpoint: String(this.lastCheckpointSeq),
        signing: this.deps.signer() ? (this.signFailed ? 'kernel key: the last checkpoint could not be signed' : 'kernel key') : 'no key store: checkpoints are not signed',
        records_lost: String(this.lostTotal),
        write_failures: String(this.failures),
        dropped_after_close: String(this.dropped),
      },
    };
  }

  /** Writes every buffered record, signs a final checkpoint, and stops the writer thread. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    if (this.retentionTimer) clearInterval(this.retentionTimer);
    clearTimeout(this.retryTimer);
    process.off('exit', this.onExit);
    await this.checkpoint(true);
    this.waitForWriter();
    const unwritten = this.buffer.length + this.held.reduce((n, [chain]) => n + (chain?.rows.length ?? 0), 0);
    if (unwritten) {
      this.lostTotal += unwritten;
      this.deps.log.error({ records: unwritten, cause: this.refusal() }, `${unwritten} audit records could not be written before shutdown and are lost`);
    }
    clearTimeout(this.writerIdleTimer);
    const w = this.writer;
    if (w) {
      const exited = new Promise((resolve) => w.once('exit', resolve));
      w.ref(); // keep the process up until the thread has closed the database
      w.postMessage({ type: 'close' });
      await exited;
      this.drainReplies();
    }
    this.replies?.close();
    this.checkpointer.close();
    this.db.close();
  }

  private statement(sql: string) {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      if (this.statements.size > 200) this.statements.clear();
      this.statements.set(sql, s);
    }
    return s;
  }
}

/** The WHERE clause of a query and its parameters. */
function filterOf(q: AuditQuery): { where: string; params: (string | number)[] } {
  const where: string[] = [];
  const params: (string | number)[] = [];
  const eq = (col: string, v: string | number | undefined) => {
    if (v === undefined) return;
    where.push(`${col} = ?`);
    params.push(v);
  };
  if (q.since !== undefined) (where.push('time >= ?'), params.push(q.since));
  if (q.until !== undefined) (where.push('time <= ?'), params.push(q.until));
  if (q.beforeSeq !== undefined) (where.push('seq < ?'), params.push(q.beforeSeq));
  eq('seq', q.seq);
  eq('caller', q.caller);
  eq('outcome', q.outcome);
  eq('code', q.code === undefined ? undefined : storedCode(q.code));
  eq('task_id', q.taskId);
  if (q.traceId !== undefined) {
    where.push(q.traceId ? "trace_id = ? AND trace_id != ''" : 'trace_id = ?'); // see records_trace_set
    params.push(q.traceId);
  }
  eq('request_id', q.requestId);
  eq('target', q.target);
  if (q.syscalls?.length) {
    where.push(`syscall IN (${q.syscalls.map(() => '?').join(', ')})`);
    params.push(...q.syscalls);
  }
  if (q.targetPrefix) {
    // A range on the indexed column instead of LIKE (which would not use the index).
    where.push('target >= ? AND target < ?');
    params.push(q.targetPrefix, `${q.targetPrefix}\uffff`);
  }
  if (q.scope && !q.scope.all) {
    const visible = scopeWhere(q.scope);
    where.push(visible.sql);
    params.push(...visible.params);
  }
  return { where: where.length ? ` WHERE ${where.join(' AND ')}` : '', params };
}

/** The SQL with its parameters written in, for answers that show their work. */
function withParams(sql: string, params: readonly (string | number)[]): string {
  let i = 0;
  return sql.replace(/\?/g, () => {
    const p = params[i++];
    return typeof p === 'number' ? String(p) : `'${String(p).replace(/'/g, "''")}'`;
  });
}

/**
 * Records from `since` (unix ms) onwards, oldest first, read straight from a database file:
 * their code as stored (gRPC's number), as an export has always carried it.
 */
export function* exportRecords(db: Db, since: number, until = Number.MAX_SAFE_INTEGER): Generator<Omit<AuditRecord, 'code'> & { code: number }> {
  for (const row of db.prepare('SELECT * FROM records WHERE time >= ? AND time <= ? ORDER BY seq').iterate(since, until)) yield { ...fromRow(row as AuditRow), code: (row as AuditRow).code };
}
