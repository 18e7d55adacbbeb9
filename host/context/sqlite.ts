// The embedded context store: one SQLite file (better-sqlite3), WAL mode, synchronous=FULL,
// so a write is durable when its transaction commits. Every write appends a row to
// `versions` (its seq orders all writes) and moves the key's row in `heads`. A snapshot is
// the namespace as of a seq: the newest version of each key with seq <= the snapshot's.
import { createHash, randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { SyscallError, dataLoss, failedPrecondition, notFound, resourceExhausted, storageFault } from '../base/errors.ts';
import type {
  CommittedWrite,
  ContextOptions,
  ContextStore,
  Entry,
  ReadOptions,
  RestoreResult,
  RetentionRule,
  SnapshotInfo,
  Staging,
  VersionInfo,
  VersionListOptions,
  VersionPage,
  VersionRecord,
  WriteOptions,
} from './types.ts';
import { BACKGROUND_CHECKPOINT_PRAGMAS, Checkpointer } from './checkpointer.ts';
import { checkKey, checkNamespace, checkValue } from './names.ts';
import { migrate } from './schema.ts';
import { TaskStaging, type StagedWrite } from './staging.ts';
import { versionId, type Applied, type ContextReplica, type OutboxEntry, type ReplicaHooks, type ReplicatedVersion } from './replica.ts';

interface VersionRow {
  seq: number;
  ns: string;
  key: string;
  version: number;
  hash: string;
  size: number;
  value?: Buffer | null;
  deleted: 0 | 1;
  author: string;
  ts: number;
  metadata: string;
  content_type: string;
  description: string;
  origin: string;
  hlc: string;
  parent: string;
  /** 1 when the version that follows it did not see it (a federation conflict). */
  conflict?: 0 | 1;
}

interface HeadRow {
  version: number;
  seq: number;
  deleted: 0 | 1;
}

interface SnapshotRow {
  id: string;
  ns: string;
  seq: number;
  description: string;
  author: string;
  ts: number;
  item_count: number;
  origin: string;
  stream_seq: number | null;
}

/** A write as the transaction applies it; value null is a tombstone. */
interface VersionWrite {
  value: Uint8Array | null;
  author: string;
  metadata: string;
  contentType: string;
  description: string;
  expectedVersion?: number;
}

interface Queued {
  ns: string;
  key: string;
  write: VersionWrite;
  resolve(v: VersionInfo): void;
  reject(e: unknown): void;
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const EMPTY = Buffer.alloc(0);
const asBuffer = (v: Uint8Array) => (Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength));
/** Metadata as canonical JSON (sorted keys), so that equal maps compare equal as text. */
const metadataJson = (m: Record<string, string> = {}) => JSON.stringify(Object.fromEntries(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
const iso = (ms: number) => new Date(ms).toISOString();
const slot = (ns: string, key: string) => `${ns}\u0000${key}`;
const DEFAULT_PAGE = 100;

const VERSION_COLUMNS = 'seq, ns, key, version, hash, size, deleted, author, ts, metadata, content_type, description, origin, hlc, parent';
/** A version's identity (replica.ts versionId) in SQL, for the versions table aliased `v`. */
const V_ID = "CASE WHEN v.hlc <> '' THEN v.hlc || '@' || v.origin ELSE '' END";
/**
 * A federated version is a conflict when the version after it was written without seeing it
 * (its parent is another): concurrent writes, of which this one is not the latest.
 */
const CONFLICT = `(v.hlc <> '' AND EXISTS (SELECT 1 FROM versions n WHERE n.ns = v.ns AND n.key = v.key AND n.version = v.version + 1 AND n.hlc <> '' AND n.parent <> ${V_ID})) AS conflict`;
/**
 * A version's bytes: its own, or (a version written by a restore) those of the version it
 * copies, named by value_seq; retention keeps a version that another one names.
 */
const VALUE = 'COALESCE(v.value, (SELECT b.value FROM versions b WHERE b.seq = v.value_seq)) AS value';
/** VERSION_COLUMNS of the versions table aliased `v`. */
const V_COLUMNS = VERSION_COLUMNS.split(', ').map((c) => `v.${c}`).join(', ');
const WITH_VALUE = `${V_COLUMNS}, ${VALUE}`;

export function openSqliteContextStore(opts: ContextOptions): ContextStore {
  return new SqliteContextStore(opts);
}

/** The store with federation's hooks: every version written here is stamped and kept in the outbox until published. */
export function openSqliteReplica(opts: ContextOptions, hooks: ReplicaHooks): { store: ContextStore; replica: ContextReplica } {
  const store = new SqliteContextStore(opts, hooks);
  return { store, replica: store.replica() };
}

class SqliteContextStore implements ContextStore {
  private readonly db: Database.Database;
  private readonly opts: ContextOptions;
  private readonly sql;
  /** Runs a function in a transaction (a savepoint when one is open). */
  private readonly run: Database.Transaction<(fn: () => unknown) => unknown>;
  /**
   * Latest entries of recently read keys. A write drops its key's entry inside its
   * transaction, so a rolled-back write only costs a miss. Writes by another process are
   * not seen: a second process writing the same file opens it with cacheEntries 0.
   */
  private readonly cache = new Map<string, Entry>();
  private queue: Queued[] = [];
  private flushScheduled = false;
  /** The checkpointer thread (checkpointer.ts), started by the first commit. */
  private readonly checkpointer?: Checkpointer;
  /** Why the last write failed for want of the machine (a full disk, an I/O error); cleared by the next commit. */
  private writeFault?: SyscallError;

  constructor(
    opts: ContextOptions,
    private readonly hooks?: ReplicaHooks,
  ) {
    this.opts = opts;
    this.db = new Database(opts.path, { timeout: 10_000 });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('cache_size = -65536');
    this.db.pragma('mmap_size = 1073741824');
    if (opts.backgroundCheckpoint !== false && opts.path !== ':memory:') {
      // The checkpointer thread copies the log back into the database file.
      for (const p of BACKGROUND_CHECKPOINT_PRAGMAS) this.db.pragma(p);
      this.checkpointer = new Checkpointer(opts.path);
    }
    migrate(this.db, opts.path);
    this.run = this.db.transaction((fn: () => unknown) => fn());
    const db = this.db;
    this.sql = {
      syncNormal: db.prepare('PRAGMA synchronous = NORMAL'),
      syncFull: db.prepare('PRAGMA synchronous = FULL'),
      head: db.prepare<[string, string], HeadRow>('SELECT version, seq, deleted FROM heads WHERE ns = ? AND key = ?'),
      latest: db.prepare<[string, string], VersionRow>(`SELECT ${WITH_VALUE} FROM heads h JOIN versions v ON v.seq = h.seq WHERE h.ns = ? AND h.key = ?`),
      atVersion: db.prepare<[string, string, number], VersionRow>(`SELECT ${WITH_VALUE} FROM versions v WHERE ns = ? AND key = ? AND version = ?`),
      asOf: db.prepare<[string, string, number], VersionRow>(
        // Newest first along (ns, key, version): a key's versions are written in time order.
        `SELECT ${WITH_VALUE} FROM versions v WHERE ns = ? AND key = ? AND ts <= ? ORDER BY version DESC LIMIT 1`,
      ),
      insert: db.prepare(
        `INSERT INTO versions (ns, key, version, hash, size, value, deleted, author, ts, metadata, content_type, description, origin, hlc, parent, stream_seq)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      upsertHead: db.prepare(
        `INSERT INTO heads (ns, key, version, seq, deleted) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (ns, key) DO UPDATE SET version = excluded.version, seq = excluded.seq, deleted = excluded.deleted`,
      ),
      usage: db.prepare<[string], { bytes: number }>('SELECT bytes FROM usage WHERE ns = ?'),
      addUsage: db.prepare('INSERT INTO usage (ns, bytes) VALUES (?, ?) ON CONFLICT (ns) DO UPDATE SET bytes = bytes + excluded.bytes'),
      page: db.prepare<[string, string, number, number, number], VersionRow>(
        `SELECT ${V_COLUMNS}, ${CONFLICT} FROM versions v WHERE ns = ? AND key = ? AND version > ? AND version < ? ORDER BY version DESC LIMIT ?`,
      ),
      headId: db.prepare<[string, string], { id: string }>(`SELECT ${V_ID} AS id FROM heads h JOIN versions v ON v.seq = h.seq WHERE h.ns = ? AND h.key = ?`),
      maxSeq: db.prepare<[], { seq: number }>('SELECT COALESCE(MAX(seq), 0) AS seq FROM versions'),
      liveKeys: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM heads WHERE ns = ? AND deleted = 0'),
      insertSnapshot: db.prepare('INSERT INTO snapshots (id, ns, seq, description, author, ts, item_count, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      insertSnapshotItems: db.prepare<{ id: string; src: string; at: number }>(
        `INSERT INTO snapshot_items (id, key, hlc, origin) SELECT @id, key, hlc, origin FROM (${SNAPSHOT_SEES}) WHERE hlc <> ''`,
      ),
      snapshotItemsMissing: db.prepare<[string, string], { n: number }>(
        'SELECT count(*) AS n FROM snapshot_items i WHERE i.id = ? AND NOT EXISTS (SELECT 1 FROM versions v WHERE v.ns = ? AND v.key = i.key AND v.hlc = i.hlc AND v.origin = i.origin)',
      ),
      snapshot: db.prepare<[string], SnapshotRow>('SELECT * FROM snapshots WHERE id = ?'),
      snapshots: db.prepare<[string], SnapshotRow>('SELECT * FROM snapshots WHERE ns = ? ORDER BY seq DESC, ts DESC'),
      restoreVersions: db.prepare<{ id: string; src: string; at: number; dst: string; author: string; ts: number; description: string; origin: string; hlc: string }>(RESTORE_SQL),
      restoredHeads: db.prepare<[number, string]>(
        `INSERT INTO heads (ns, key, version, seq, deleted) SELECT ns, key, version, seq, deleted FROM versions WHERE seq > ? AND ns = ?
         ON CONFLICT (ns, key) DO UPDATE SET version = excluded.version, seq = excluded.seq, deleted = excluded.deleted`,
      ),
      bytesSince: db.prepare<[number], { bytes: number }>('SELECT COALESCE(SUM(size), 0) AS bytes FROM versions WHERE seq > ?'),
      namespaces: db.prepare<[], { ns: string }>('SELECT DISTINCT ns FROM heads ORDER BY ns'),
      keys: db.prepare<[string, string, string, string, number], VersionRow>(
        `SELECT ${V_COLUMNS} FROM heads h JOIN versions v ON v.seq = h.seq
         WHERE h.ns = ? AND h.key > ? AND h.key >= ? AND h.key < ? ORDER BY h.key LIMIT ?`,
      ),
      pruneKey: db.prepare<[string, string, number, number], { size: number }>(pruneSql(true)),
      pruneNamespace: db.prepare<[string, number, number], { size: number }>(pruneSql(false)),
    };
    // Retention runs here for keys not written since, and on every write of a key.
    this.prune();
  }

  // ------------------------------------------------------------------ writes

  write(ns: string, key: string, value: Uint8Array, opts: WriteOptions): VersionInfo {
    const write = this.prepareWrite(ns, key, value, opts);
    return this.tx(() => this.apply(ns, key, write).info);
  }

  writeGrouped(ns: string, key: string, value: Uint8Array, opts: WriteOptions): Promise<VersionInfo> {
    let write: VersionWrite;
    try {
      write = this.prepareWrite(ns, key, value, opts);
    } catch (e) {
      return Promise.reject(e);
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ ns, key, write, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  delete(ns: string, key: string, opts: { author: string; expectedVersion?: number }): VersionInfo {
    checkNamespace(ns);
    checkKey(key);
    const write: VersionWrite = { value: null, author: opts.author, metadata: '{}', contentType: '', description: '', expectedVersion: opts.expectedVersion };
    return this.tx(() => this.apply(ns, key, write).info);
  }

  /** Commits the queued writes in one transaction; each write succeeds or fails on its own. */
  private flush(): void {
    this.flushScheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (!batch.length) return;
    const outcomes: ({ ok: true; info: VersionInfo } | { ok: false; error: unknown })[] = [];
    try {
      this.tx(() => {
        // Bytes added per namespace without a quota, counted once for the whole batch.
        const added = new Map<string, number>();
        for (const q of batch) {
          try {
            // apply() throws before its first change unless a quota refuses it afterwards: only
            // then does a write need a savepoint of its own.
            const unlimited = this.quota(q.ns) === undefined;
            const write = () => this.apply(q.ns, q.key, q.write, unlimited ? added : undefined).info;
            outcomes.push({ ok: true, info: unlimited ? write() : this.savepoint(write) });
          } catch (error) {
            if (!(error instanceof SyscallError)) throw error;
            outcomes.push({ ok: false, error });
          }
        }
        for (const [ns, bytes] of added) this.sql.addUsage.run(ns, bytes);
      });
    } catch (error) {
      const e = this.fault(error);
      for (const q of batch) q.reject(e);
      return;
    }
    batch.forEach((q, i) => {
      const o = outcomes[i];
      if (o.ok) q.resolve(o.info);
      else q.reject(o.error);
    });
  }

  private prepareWrite(ns: string, key: string, value: Uint8Array, opts: WriteOptions): VersionWrite {
    checkNamespace(ns);
    checkKey(key);
    checkValue(ns, key, value, this.opts.maxValueBytes);
    return {
      value,
      author: opts.author,
      metadata: metadataJson(opts.metadata),
      contentType: opts.contentType ?? '',
      description: opts.description ?? '',
      expectedVersion: opts.expectedVersion,
    };
  }

  /**
   * Appends one version inside the caller's transaction (or savepoint), which a SyscallError
   * rolls back. The quota is checked last, once retention has freed what it frees. For a
   * namespace without a quota a batch may count the bytes in `added` and store them once.
   */
  private apply(ns: string, key: string, w: VersionWrite, added?: Map<string, number>): { info: VersionInfo; previousVersion: number } {
    const head = this.sql.head.get(ns, key);
    const current = head?.version ?? 0;
    const live = !!head && !head.deleted;
    if (w.expectedVersion !== undefined && w.expectedVersion !== current && !(w.expectedVersion === 0 && !live)) {
      throw failedPrecondition(
        `${ns}/${key} is at version ${current}${head?.deleted ? ' (deleted)' : ''}, not the expected version ${w.expectedVersion}; read it and retry`,
        { currentVersion: current, expectedVersion: w.expectedVersion },
      );
    }
    if (w.value === null && !live) throw this.missing(ns, key, head);
    const size = w.value?.byteLength ?? 0;
    const version = current + 1;
    const hash = w.value ? sha256(w.value) : '';
    const ts = Date.now();
    const stamp = this.hooks?.stamp();
    const parent = stamp && head ? this.sql.headId.get(ns, key)!.id : '';
    const seq = Number(
      this.sql.insert.run(ns, key, version, hash, size, w.value ? asBuffer(w.value) : null, w.value ? 0 : 1, w.author, ts, w.metadata, w.contentType, w.description,
        stamp?.origin ?? '', stamp?.hlc ?? '', parent, null)
        .lastInsertRowid,
    );
    this.sql.upsertHead.run(ns, key, version, seq, w.value ? 0 : 1);
    this.cache.delete(slot(ns, key));
    if (size > 0) {
      if (added) added.set(ns, (added.get(ns) ?? 0) + size);
      else this.sql.addUsage.run(ns, size);
    }
    this.pruneKey(ns, key);
    if (size > 0) this.checkQuota(ns, size);
    return { info: { namespace: ns, key, version, hash, timestamp: ts, author: w.author, size, deleted: !w.value }, previousVersion: current };
  }

  /** After a change that added bytes: refuses it (the caller's transaction rolls back) if over quota. */
  private quota(ns: string): number | undefined {
    return this.opts.quotas[ns] ?? this.opts.quotas['*'];
  }

  private checkQuota(ns: string, added: number): void {
    const limit = this.quota(ns);
    if (limit === undefined) return;
    const used = this.usage(ns);
    if (used > limit) {
      throw resourceExhausted(
        `namespace '${ns}' would hold ${used} bytes with these ${added}, over its quota of ${limit} bytes (config context.quotas; retained versions count, see context.retention)`,
        { namespace: ns, usedBytes: used - added, addingBytes: added, quotaBytes: limit },
      );
    }
  }

  private missing(ns: string, key: string, head: HeadRow | undefined): SyscallError {
    return head
      ? notFound(`${ns}/${key} was deleted at version ${head.version}`, { deletedAtVersion: head.version })
      : notFound(`${ns}/${key} does not exist`);
  }

  // ------------------------------------------------------------------ reads

  read(ns: string, key: string, opts: ReadOptions = {}): Entry {
    const latest = !opts.version && !opts.asOf;
    if (latest) {
      // Only valid names get into the cache (and none holds \0): a hit needs no checking.
      const hit = this.cache.get(slot(ns, key));
      if (hit) return hit;
    }
    checkNamespace(ns);
    checkKey(key);
    let row: VersionRow | undefined;
    if (opts.version) {
      row = this.sql.atVersion.get(ns, key, opts.version);
      if (!row) {
        const head = this.sql.head.get(ns, key);
        if (!head) throw notFound(`${ns}/${key} does not exist`);
        throw notFound(
          opts.version < head.version
            ? `version ${opts.version} of ${ns}/${key} was removed by retention (config context.retention)`
            : `${ns}/${key} has no version ${opts.version}; its latest is ${head.version}`,
        );
      }
      if (row.deleted) throw notFound(`version ${row.version} of ${ns}/${key} is its deletion`, { deletedAtVersion: row.version });
    } else if (opts.asOf) {
      row = this.sql.asOf.get(ns, key, opts.asOf);
      if (!row) throw notFound(`${ns}/${key} did not exist at ${iso(opts.asOf)} (or those versions were removed by retention)`);
      if (row.deleted) throw notFound(`${ns}/${key} was deleted at version ${row.version}, before ${iso(opts.asOf)}`, { deletedAtVersion: row.version });
    } else {
      row = this.sql.latest.get(ns, key);
      if (!row) throw notFound(`${ns}/${key} does not exist`);
      if (row.deleted) throw notFound(`${ns}/${key} was deleted at version ${row.version}`, { deletedAtVersion: row.version });
    }
    const entry = entryOf(this.checked(row));
    if (latest) this.remember(slot(ns, key), entry);
    return entry;
  }

  /** Caches a key's latest entry; the oldest entry goes when the cache is full. */
  private remember(id: string, entry: Entry): void {
    if (this.opts.cacheEntries <= 0) return;
    this.cache.set(id, entry);
    if (this.cache.size > this.opts.cacheEntries) this.cache.delete(this.cache.keys().next().value!);
  }

  versions(ns: string, key: string, opts: VersionListOptions = {}): VersionPage {
    checkNamespace(ns);
    checkKey(key);
    const cap = this.opts.versionListLimit;
    const limit = Math.max(1, Math.min(opts.limit || Math.min(DEFAULT_PAGE, cap), cap));
    const rows = this.sql.page.all(ns, key, opts.sinceVersion ?? 0, opts.beforeVersion ?? Number.MAX_SAFE_INTEGER, limit + 1);
    if (!rows.length && !this.sql.head.get(ns, key)) throw notFound(`${ns}/${key} does not exist`);
    return { versions: rows.slice(0, limit).map(record), hasMore: rows.length > limit };
  }

  namespaces(): string[] {
    return this.sql.namespaces.all().map((r) => r.ns);
  }

  keys(ns: string, opts: { prefix?: string; after?: string; limit?: number } = {}): { keys: VersionInfo[]; hasMore: boolean } {
    checkNamespace(ns);
    const cap = this.opts.versionListLimit;
    const limit = Math.max(1, Math.min(opts.limit || Math.min(DEFAULT_PAGE, cap), cap));
    const prefix = opts.prefix ?? '';
    // Keys are ASCII, so every key starting with the prefix sorts below prefix + U+FFFF.
    const rows = this.sql.keys.all(ns, opts.after ?? '', prefix, `${prefix}\uffff`, limit + 1);
    return { keys: rows.slice(0, limit).map(info), hasMore: rows.length > limit };
  }

  usage(ns: string): number {
    return this.sql.usage.get(ns)?.bytes ?? 0;
  }

  // ------------------------------------------------------------------ snapshots

  snapshot(ns: string, opts: { description?: string; author: string }): SnapshotInfo {
    checkNamespace(ns);
    return this.tx(() => {
      const seq = this.sql.maxSeq.get()!.seq;
      const itemCount = this.sql.liveKeys.get(ns)!.n;
      const id = `snap-${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
      const ts = Date.now();
      // Federated: the versions it sees, by identity, for the peers it is published to.
      const origin = this.hooks?.stamp().origin ?? '';
      this.sql.insertSnapshot.run(id, ns, seq, opts.description ?? '', opts.author, ts, itemCount, origin);
      if (origin) this.sql.insertSnapshotItems.run({ id, src: ns, at: seq });
      return { snapshotId: id, namespace: ns, description: opts.description ?? '', author: opts.author, timestamp: ts, itemCount };
    });
  }

  snapshotInfo(snapshotId: string): SnapshotInfo | undefined {
    const row = this.sql.snapshot.get(snapshotId);
    return row && snapshotInfo(row);
  }

  listSnapshots(ns: string): SnapshotInfo[] {
    checkNamespace(ns);
    return this.sql.snapshots.all(ns).map(snapshotInfo);
  }

  restore(snapshotId: string, opts: { into?: string; author: string; force?: boolean }): RestoreResult {
    const snap = this.sql.snapshot.get(snapshotId);
    if (!snap) throw notFound(`snapshot '${snapshotId}' does not exist; sys_context_snapshot_list lists a namespace's snapshots`);
    const target = opts.into || snap.ns;
    checkNamespace(target, 'restore_into');
    const description = `restored from snapshot ${snapshotId}`;
    return this.tx(() => {
      const missing = snap.seq < 0 ? this.sql.snapshotItemsMissing.get(snapshotId, snap.ns)!.n : 0;
      if (missing) {
        throw failedPrecondition(`snapshot '${snapshotId}' (taken on node ${snap.origin}) sees ${missing} versions this kernel does not hold yet; retry once they have replicated here`);
      }
      if (target !== snap.ns && !opts.force) {
        const live = this.sql.liveKeys.get(target)!.n;
        if (live) {
          throw failedPrecondition(
            `namespace '${target}' already holds ${live} live keys, which a restore into it would replace or delete; set force to restore anyway`,
          );
        }
      }
      // Set-based: one statement appends every new version, one moves the heads.
      const before = this.sql.maxSeq.get()!.seq;
      const stamp = this.hooks?.stamp() ?? { origin: '', hlc: '' };
      const restoredItems = this.sql.restoreVersions.run({ id: snapshotId, src: snap.ns, at: snap.seq, dst: target, author: opts.author, ts: Date.now(), description, ...stamp }).changes;
      if (!restoredItems) return { namespace: target, restoredItems };
      this.sql.restoredHeads.run(before, target);
      this.cache.clear();
      const added = this.sql.bytesSince.get(before)!.bytes;
      if (added > 0) this.sql.addUsage.run(target, added);
      this.pruneNamespace(target);
      if (added > 0) this.checkQuota(target, added);
      return { namespace: target, restoredItems };
    });
  }

  // ------------------------------------------------------------------ tasks

  begin(taskId: string, author: string): Staging {
    return new TaskStaging(this.stagingAccess, taskId, author);
  }

  /** What a task's staging needs of the store: made once, not for every task. */
  private readonly stagingAccess: ConstructorParameters<typeof TaskStaging>[0] = {
    check: (ns, key, value) => {
      checkNamespace(ns);
      checkKey(key);
      if (value) checkValue(ns, key, value, this.opts.maxValueBytes);
    },
    latest: (ns, key) => {
      const row = this.sql.latest.get(ns, key);
      return row && !row.deleted ? (this.checked(row).value ?? EMPTY) : undefined;
    },
    commitStaged: (id, who, writes) => this.commitStaged(id, who, writes),
  };

  private commitStaged(taskId: string, author: string, writes: StagedWrite[]): CommittedWrite[] {
    const description = `task ${taskId}`;
    return this.tx(() => {
      const committed: CommittedWrite[] = [];
      for (const w of writes) {
        if (w.value === null) {
          const head = this.sql.head.get(w.namespace, w.key);
          if (!head || head.deleted) continue; // deleting what is not there changes nothing
        }
        const { info, previousVersion } = this.apply(w.namespace, w.key, {
          value: w.value,
          author,
          metadata: metadataJson(w.opts.metadata),
          contentType: w.opts.contentType ?? '',
          description,
        });
        committed.push({ namespace: w.namespace, key: w.key, version: info.version, previousVersion, hash: info.hash });
      }
      return committed;
    });
  }

  // ------------------------------------------------------------------ federation

  /** What federation needs of the store (replica.ts). */
  replica(): ContextReplica {
    const db = this.db;
    const q = {
      outbox: db.prepare<[number], VersionRow>(`SELECT ${WITH_VALUE} FROM versions v WHERE v.hlc <> '' AND v.stream_seq IS NULL ORDER BY v.seq LIMIT ?`),
      outboxSize: db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM versions WHERE hlc <> '' AND stream_seq IS NULL`),
      pendingFor: db.prepare<[string, string], { n: number }>(`SELECT count(*) AS n FROM versions WHERE hlc <> '' AND stream_seq IS NULL AND ns = ? AND key = ?`),
      published: db.prepare('UPDATE versions SET stream_seq = ? WHERE seq = ?'),
      byId: db.prepare<[string, string, string, string], { seq: number; version: number; stream_seq: number | null }>(
        'SELECT seq, version, stream_seq FROM versions WHERE ns = ? AND key = ? AND hlc = ? AND origin = ?',
      ),
      below: db.prepare<[string, string, string, string, string], { version: number | null; id: string | null }>(
        `SELECT v.version, ${V_ID} AS id FROM versions v WHERE v.ns = ? AND v.key = ? AND (v.hlc < ? OR (v.hlc = ? AND v.origin < ?)) ORDER BY v.version DESC LIMIT 1`,
      ),
      raise: db.prepare('UPDATE versions SET version = -version - 1 WHERE ns = ? AND key = ? AND version >= ?'),
      settle: db.prepare('UPDATE versions SET version = -version WHERE ns = ? AND key = ? AND version < 0'),
      parentAt: db.prepare<[string, string, number], { parent: string }>('SELECT parent FROM versions WHERE ns = ? AND key = ? AND version = ?'),
      top: db.prepare<[string, string], HeadRow>('SELECT version, seq, deleted FROM versions WHERE ns = ? AND key = ? ORDER BY version DESC LIMIT 1'),
      keySeq: db.prepare<[string, string], { stream_seq: number }>('SELECT stream_seq FROM replica_keys WHERE ns = ? AND key = ?'),
      setKeySeq: db.prepare('INSERT INTO replica_keys (ns, key, stream_seq) VALUES (?, ?, ?) ON CONFLICT (ns, key) DO UPDATE SET stream_seq = MAX(stream_seq, excluded.stream_seq)'),
      position: db.prepare<[], { value: number }>("SELECT value FROM replica_state WHERE name = 'position'"),
      setPosition: db.prepare("INSERT INTO replica_state (name, value) VALUES ('position', ?) ON CONFLICT (name) DO UPDATE SET value = MAX(value, excluded.value)"),
      maxHlc: db.prepare<[], { hlc: string | null }>('SELECT MAX(hlc) AS hlc FROM versions'),
      snapshotOutbox: db.prepare<[], SnapshotRow>("SELECT * FROM snapshots WHERE origin <> '' AND seq >= 0 AND stream_seq IS NULL ORDER BY seq"),
      snapshotItems: db.prepare<[string], { key: string; hlc: string; origin: string }>('SELECT key, hlc, origin FROM snapshot_items WHERE id = ? ORDER BY key'),
      snapshotPublished: db.prepare('UPDATE snapshots SET stream_seq = ? WHERE id = ?'),
      insertPeerSnapshot: db.prepare(
        'INSERT INTO snapshots (id, ns, seq, description, author, ts, item_count, origin, stream_seq) VALUES (?, ?, -1, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
      ),
      insertItem: db.prepare('INSERT INTO snapshot_items (id, key, hlc, origin) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING'),
    };
    const toReplicated = (row: VersionRow): OutboxEntry => ({
      seq: row.seq,
      namespace: row.ns,
      key: row.key,
      origin: row.origin,
      hlc: row.hlc,
      parent: row.parent,
      value: row.deleted ? null : this.checked(row).value ?? EMPTY,
      hash: row.hash,
      author: row.author,
      timestamp: row.ts,
      metadata: JSON.parse(row.metadata),
      contentType: row.content_type,
      description: row.description,
    });
    return {
      snapshotOutbox: () =>
        q.snapshotOutbox.all().map((r) => ({ id: r.id, namespace: r.ns, origin: r.origin, description: r.description, author: r.author, timestamp: r.ts, itemCount: r.item_count, items: q.snapshotItems.all(r.id) })),
      snapshotPublished: (id, streamSeq) => {
        this.relaxed(() => q.snapshotPublished.run(streamSeq, id));
      },
      applySnapshot: (snap, streamSeq) => {
        this.relaxed(() => {
          q.setPosition.run(streamSeq);
          if (this.sql.snapshot.get(snap.id)) return;
          q.insertPeerSnapshot.run(snap.id, snap.namespace, snap.description, snap.author, snap.timestamp, snap.itemCount, snap.origin, streamSeq);
          for (const i of snap.items) q.insertItem.run(snap.id, i.key, i.hlc, i.origin);
        });
      },
      outbox: (limit) => q.outbox.all(limit).map(toReplicated),
      outboxSize: () => q.outboxSize.get()!.n,
      pendingFor: (ns, key) => q.pendingFor.get(ns, key)!.n,
      published: (marks) => {
        this.relaxed(() => {
          for (const m of marks) q.published.run(m.streamSeq, m.seq);
        });
      },
      batch: (fn) => this.relaxed(fn),
      position: () => q.position.get()?.value ?? 0,
      advance: (streamSeq) => {
        this.relaxed(() => q.setPosition.run(streamSeq));
      },
      maxHlc: () => q.maxHlc.get()?.hlc ?? '',
      versionOf: (ns, key, id) => {
        const at = id.lastIndexOf('@');
        return at < 0 ? undefined : q.byId.get(ns, key, id.slice(0, at), id.slice(at + 1))?.version;
      },
      casBase: (ns, key, expected, tombstone) => {
        const head = this.sql.head.get(ns, key);
        const current = head?.version ?? 0;
        const live = !!head && !head.deleted;
        if (expected !== current && !(expected === 0 && !live)) {
          throw failedPrecondition(
            `${ns}/${key} is at version ${current}${head?.deleted ? ' (deleted)' : ''}, not the expected version ${expected}; read it and retry`,
            { currentVersion: current, expectedVersion: expected },
          );
        }
        if (tombstone && !live) throw this.missing(ns, key, head);
        return { parent: head ? this.sql.headId.get(ns, key)!.id : '', subjectSeq: q.keySeq.get(ns, key)?.stream_seq ?? 0 };
      },
      apply: (v: ReplicatedVersion, streamSeq: number, consumed: boolean): Applied =>
        this.relaxed(() => {
          const { namespace: ns, key } = v;
          if (consumed) q.setPosition.run(streamSeq);
          q.setKeySeq.run(ns, key, streamSeq);
          const known = q.byId.get(ns, key, v.hlc, v.origin);
          if (known) {
            if (known.stream_seq === null) q.published.run(streamSeq, known.seq);
            else if (known.stream_seq !== streamSeq) return { outcome: 'replay', firstSeq: known.stream_seq };
            return { outcome: 'duplicate', version: known.version };
          }
          // Its place in the key's order: after every version with a lower (hlc, origin).
          const below = q.below.get(ns, key, v.hlc, v.hlc, v.origin);
          const version = (below?.version ?? 0) + 1;
          // Versions above it move up by one (through negative numbers: (ns, key, version) is unique).
          const raised = q.raise.run(ns, key, version).changes;
          if (raised) q.settle.run(ns, key);
          const size = v.value?.byteLength ?? 0;
          const seq = Number(
            this.sql.insert.run(ns, key, version, v.hash, size, v.value ? asBuffer(v.value) : null, v.value ? 0 : 1, v.author, v.timestamp,
              metadataJson(v.metadata), v.contentType, v.description, v.origin, v.hlc, v.parent, streamSeq).lastInsertRowid,
          );
          const top = q.top.get(ns, key)!;
          this.sql.upsertHead.run(ns, key, top.version, top.seq, top.deleted);
          this.cache.delete(slot(ns, key));
          if (size > 0) this.sql.addUsage.run(ns, size);
          this.pruneKey(ns, key);
          const above = raised ? q.parentAt.get(ns, key, version + 1)?.parent : undefined;
          const conflict = (above !== undefined && above !== versionId(v.hlc, v.origin)) || (below?.id ?? '') !== v.parent;
          return { outcome: 'applied', version, latest: top.seq === seq, conflict };
        }),
    };
  }

  // ------------------------------------------------------------------ retention

  private rule(ns: string): RetentionRule | undefined {
    return this.opts.retention[ns] ?? this.opts.retention['*'];
  }

  private pruneKey(ns: string, key: string): void {
    const rule = this.rule(ns);
    if (!rule) return;
    const removed = this.sql.pruneKey.all(ns, key, rule.keepLast ?? 0, cutoff(rule));
    this.released(ns, removed);
  }

  prune(): number {
    if (!Object.keys(this.opts.retention).length) return 0;
    return this.tx(() => this.namespaces().reduce((n, ns) => n + this.pruneNamespace(ns), 0));
  }

  private pruneNamespace(ns: string): number {
    const rule = this.rule(ns);
    if (!rule) return 0;
    const rows = this.sql.pruneNamespace.all(ns, rule.keepLast ?? 0, cutoff(rule));
    this.released(ns, rows);
    return rows.length;
  }

  private released(ns: string, rows: { size: number }[]): void {
    const bytes = rows.reduce((n, r) => n + r.size, 0);
    if (bytes) this.sql.addUsage.run(ns, -bytes);
  }

  // ------------------------------------------------------------------ plumbing

  /**
   * A transaction of what the stream already holds (a peer's versions applied, the stream
   * position, our own versions marked published), committed without its own fsync
   * (synchronous=NORMAL: in WAL mode the next FULL commit's fsync carries it). A crash of
   * the process loses nothing (the log is written at commit); a power cut may lose the
   * last such transactions, position with them, and the consumer reads them again.
   */
  private relaxed<T>(fn: () => T): T {
    if (this.db.inTransaction) return this.tx(fn);
    this.sql.syncNormal.run();
    try {
      return this.tx(fn);
    } finally {
      this.sql.syncFull.run();
    }
  }

  /** One immediate transaction (or a savepoint inside the caller's). */
  private tx<T>(fn: () => T): T {
    if (this.db.inTransaction) return this.run(fn) as T;
    let result: T;
    try {
      result = this.run.immediate(fn) as T;
    } catch (error) {
      throw this.fault(error);
    }
    this.writeFault = undefined;
    this.checkpointer?.committed();
    this.hooks?.committed();
    return result;
  }

  /** A failed write as the caller sees it: the machine's fault (remembered for health) in words, else as it was. */
  private fault(error: unknown): unknown {
    const fault = storageFault(error, this.opts.path);
    if (!fault) return error;
    this.writeFault = fault;
    return fault;
  }

  /** The bytes of a version read from the file, checked against the hash stored with them. */
  private checked(row: VersionRow): VersionRow {
    if (!row.deleted && sha256(row.value ?? EMPTY) !== row.hash) {
      throw dataLoss(`${row.ns}/${row.key} version ${row.version} is corrupt in ${this.opts.path}: its bytes no longer match their SHA-256 ${row.hash}; restore it from a snapshot or a backup`, { version: row.version, storedHash: row.hash });
    }
    return row;
  }

  private savepoint<T>(fn: () => T): T {
    return this.run(fn) as T;
  }

  health() {
    this.checkpointer?.retry();
    const problem = this.writeFault?.message ?? this.checkpointer?.failure;
    return {
      status: problem ? ('degraded' as const) : ('ok' as const),
      details: {
        path: this.opts.path,
        journal_mode: String(this.db.pragma('journal_mode', { simple: true })),
        schema_version: String(this.db.pragma('user_version', { simple: true })),
        queued_writes: String(this.queue.length),
        writable: this.writeFault ? this.writeFault.message : 'yes',
        ...(this.checkpointer?.failure ? { checkpointer: this.checkpointer.failure } : {}),
      },
    };
  }

  close(): void {
    if (!this.db.open) return;
    this.flush();
    // Before the last connection closes, which checkpoints the rest and removes the log.
    this.checkpointer?.close();
    this.db.close();
  }
}

/**
 * Per key of namespace @src, the version a snapshot at seq @at sees: the highest it saw
 * (unfederated, also the last written; federated, a peer's older version may have arrived later).
 */
const SNAPSHOT_SEES = `
  SELECT key, seq, hlc, origin FROM (
    SELECT key, seq, hlc, origin, ROW_NUMBER() OVER (PARTITION BY key ORDER BY version DESC) AS rn FROM versions WHERE ns = @src AND seq <= @at
  ) WHERE rn = 1`;

/**
 * A restore as one statement: the snapshot's state of namespace @src (per key, the newest
 * version with seq <= @at), compared with namespace @dst now; appends to @dst a copy of the
 * snapshot's version for every key whose value, metadata or content type differs (or that is
 * gone), and a tombstone for every live key the snapshot does not have alive. A copy names
 * the bytes it shares (value_seq) instead of copying them.
 */
const RESTORE_SQL = `
WITH snap AS (
  SELECT key, seq FROM (${SNAPSHOT_SEES})
  UNION ALL
  -- A peer's snapshot (seq -1, so nothing above): the versions its items name. (A snapshot
  -- taken here has items too, for its peers; here its seq says the same.)
  SELECT i.key, v.seq FROM snapshot_items i JOIN versions v ON v.ns = @src AND v.key = i.key AND v.hlc = i.hlc AND v.origin = i.origin WHERE i.id = @id AND @at < 0
),
plan AS (
  SELECT s.key AS key, w.seq AS from_seq, w.deleted AS tomb
  FROM snap s JOIN versions w ON w.seq = s.seq
  LEFT JOIN heads h ON h.ns = @dst AND h.key = s.key
  LEFT JOIN versions n ON n.seq = h.seq
  WHERE h.seq IS NOT s.seq
    AND CASE WHEN w.deleted THEN h.deleted = 0
        ELSE h.key IS NULL OR h.deleted = 1 OR n.hash <> w.hash OR n.metadata <> w.metadata OR n.content_type <> w.content_type END
  UNION ALL
  SELECT h.key, NULL, 1 FROM heads h
  WHERE h.ns = @dst AND h.deleted = 0 AND h.key NOT IN (SELECT key FROM snap)
)
INSERT INTO versions (ns, key, version, hash, size, value_seq, deleted, author, ts, metadata, content_type, description, origin, hlc, parent)
SELECT @dst, p.key, COALESCE(h.version, 0) + 1,
  CASE WHEN p.tomb THEN '' ELSE w.hash END, CASE WHEN p.tomb THEN 0 ELSE w.size END, CASE WHEN p.tomb THEN NULL ELSE COALESCE(w.value_seq, w.seq) END,
  p.tomb, @author, @ts, CASE WHEN p.tomb THEN '{}' ELSE w.metadata END, CASE WHEN p.tomb THEN '' ELSE w.content_type END, @description,
  @origin, @hlc, CASE WHEN @hlc <> '' AND hv.hlc <> '' THEN hv.hlc || '@' || hv.origin ELSE '' END
FROM plan p LEFT JOIN versions w ON w.seq = p.from_seq LEFT JOIN heads h ON h.ns = @dst AND h.key = p.key LEFT JOIN versions hv ON hv.seq = h.seq`;

/**
 * Versions of a key (or of every key in a namespace) that retention removes: older than
 * the latest, outside the newest `keep` (0 = no count rule), at or before the cutoff, not
 * the version some snapshot of the namespace sees (seq <= snapshot seq < next version's seq),
 * and not holding bytes a restored version shares (value_seq).
 */
function pruneSql(oneKey: boolean): string {
  return `DELETE FROM versions WHERE seq IN (
    SELECT v.seq FROM versions v JOIN heads h ON h.ns = v.ns AND h.key = v.key
    WHERE v.ns = ? ${oneKey ? 'AND v.key = ?' : ''}
      AND v.version < h.version
      AND v.version <= h.version - ?
      AND v.ts <= ?
      AND NOT EXISTS (
        SELECT 1 FROM snapshots s WHERE s.ns = v.ns AND s.seq >= v.seq
          AND s.seq < (SELECT n.seq FROM versions n WHERE n.ns = v.ns AND n.key = v.key AND n.version > v.version ORDER BY n.version LIMIT 1)
      )
      AND NOT EXISTS (SELECT 1 FROM versions r WHERE r.value_seq = v.seq)
      AND NOT EXISTS (SELECT 1 FROM snapshot_items i JOIN snapshots s ON s.id = i.id WHERE v.hlc <> '' AND s.ns = v.ns AND i.key = v.key AND i.hlc = v.hlc AND i.origin = v.origin)
  ) RETURNING size`;
}

const cutoff = (rule: RetentionRule) => (rule.maxAgeMs === undefined ? Number.MAX_SAFE_INTEGER : Date.now() - rule.maxAgeMs);

function info(row: VersionRow): VersionInfo {
  return {
    namespace: row.ns,
    key: row.key,
    version: row.version,
    hash: row.hash,
    timestamp: row.ts,
    author: row.author,
    size: row.size,
    deleted: !!row.deleted,
  };
}

/**
 * A read's answer, frozen (metadata too): the cache hands the same object to every reader
 * of the key's latest version, so a hit allocates nothing. Its value bytes are read-only
 * by contract (see Entry.value).
 */
function entryOf(row: VersionRow): Entry {
  // Properties added in one fixed order, so that every entry has the same shape (an object
  // spread here made each cached read slower than everything else in it).
  const entry = info(row) as Entry;
  entry.value = row.value ?? Buffer.alloc(0);
  entry.metadata = Object.freeze(JSON.parse(row.metadata) as Record<string, string>);
  entry.contentType = row.content_type;
  return Object.freeze(entry);
}

function record(row: VersionRow): VersionRecord {
  return { ...info(row), description: row.description, metadata: JSON.parse(row.metadata), contentType: row.content_type, origin: row.origin, conflict: !!row.conflict };
}

function snapshotInfo(row: SnapshotRow): SnapshotInfo {
  return { snapshotId: row.id, namespace: row.ns, description: row.description, author: row.author, timestamp: row.ts, itemCount: row.item_count };
}
