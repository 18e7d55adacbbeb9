// Versioned context memory: namespaces of keys whose every write is a new immutable
// version; snapshots record a consistent set of versions; restores write new versions, so
// history is never rewritten. Tasks write through a Staging area that commits in one
// transaction or is discarded. The embedded backend is SQLite (sqlite.ts); another backend
// (multi-node) would implement the same interface. The types, apart from index.ts, so that
// the SQLite backend can import them without importing itself.
export interface VersionInfo {
  namespace: string;
  key: string;
  version: number;
  /** Hex SHA-256 of the value; '' for a tombstone. */
  hash: string;
  /** Unix ms. */
  timestamp: number;
  author: string;
  size: number;
  deleted: boolean;
}

/** A version as the version list shows it. */
export interface VersionRecord extends VersionInfo {
  description: string;
  metadata: Record<string, string>;
  contentType: string;
  /** The node that wrote it ('' unfederated). */
  origin: string;
  /** Written concurrently with the version after it, which did not see it (federation). */
  conflict: boolean;
}

export interface Entry extends VersionInfo {
  /**
   * The version's bytes. A latest read shares them with the store's cache of recent
   * entries (no copy per read): treat them as read-only, and copy before changing them.
   * The entry itself (and its metadata) is frozen.
   */
  value: Uint8Array;
  metadata: Record<string, string>;
  contentType: string;
}

export interface WriteOptions {
  author: string;
  metadata?: Record<string, string>;
  contentType?: string;
  /** Compare-and-set: the key's current version; 0 = the key must not exist (or be deleted). */
  expectedVersion?: number;
  description?: string;
}

export interface ReadOptions {
  /** A specific version (0 or absent = latest). */
  version?: number;
  /** The version that was current at this time (unix ms). */
  asOf?: number;
}

export interface VersionListOptions {
  /** At most this many (capped by config context.versionListLimit). */
  limit?: number;
  /** Only versions newer than this one. */
  sinceVersion?: number;
  /** Only versions older than this one (pagination). */
  beforeVersion?: number;
}

export interface VersionPage {
  versions: VersionRecord[];
  hasMore: boolean;
}

export interface SnapshotInfo {
  snapshotId: string;
  namespace: string;
  description: string;
  author: string;
  timestamp: number;
  /** Live keys in the snapshot. */
  itemCount: number;
}

export interface RestoreResult {
  namespace: string;
  /** Keys that got a new version (value or tombstone). */
  restoredItems: number;
}

export interface CommittedWrite {
  namespace: string;
  key: string;
  version: number;
  /** 0 if the key did not exist. */
  previousVersion: number;
  /** '' for a tombstone. */
  hash: string;
}

export interface StagedWriteOptions {
  metadata?: Record<string, string>;
  contentType?: string;
}

/** A task's private view of the store: its writes are invisible to others until commit. */
export interface Staging {
  readonly taskId: string;
  /** Sees the task's own staged writes first, then the committed store. */
  read(ns: string, key: string): Uint8Array | undefined;
  write(ns: string, key: string, value: Uint8Array, opts?: StagedWriteOptions): void;
  delete(ns: string, key: string): void;
  /** Keys written (or deleted) so far, in first-write order. */
  writes(): { namespace: string; key: string }[];
  /** Commits every staged write in one transaction (all or nothing); the staging is then closed. */
  commit(): CommittedWrite[];
  /** Drops every staged write; the staging is then closed. */
  discard(): void;
}

export interface ContextStore {
  /** Writes one version, durable when this returns (its own transaction). */
  write(ns: string, key: string, value: Uint8Array, opts: WriteOptions): VersionInfo;
  /**
   * The same as write, committed together with the other writes queued in this turn of the
   * event loop (group commit): resolves only once that transaction is durable.
   */
  writeGrouped(ns: string, key: string, value: Uint8Array, opts: WriteOptions): Promise<VersionInfo>;
  /**
   * Throws SyscallError NOT_FOUND for an unknown key/version or a deleted key. The entry's
   * value is read-only (see Entry.value).
   */
  read(ns: string, key: string, opts?: ReadOptions): Entry;
  /** Writes a tombstone version. NOT_FOUND if the key does not exist or is already deleted. */
  delete(ns: string, key: string, opts: { author: string; expectedVersion?: number }): VersionInfo;
  /** Newest first. NOT_FOUND for a key that never existed. */
  versions(ns: string, key: string, opts?: VersionListOptions): VersionPage;
  snapshot(ns: string, opts: { description?: string; author: string }): SnapshotInfo;
  snapshotInfo(snapshotId: string): SnapshotInfo | undefined;
  /** Newest first. */
  listSnapshots(ns: string): SnapshotInfo[];
  restore(snapshotId: string, opts: { into?: string; author: string; force?: boolean }): RestoreResult;
  namespaces(): string[];
  /** Each key's current version (tombstones too), by key: those after `after` that start with `prefix`. */
  keys(ns: string, opts?: { prefix?: string; after?: string; limit?: number }): { keys: VersionInfo[]; hasMore: boolean };
  begin(taskId: string, author: string): Staging;
  /** Applies retention to every namespace that has a rule; returns versions removed. */
  prune(): number;
  /** Bytes held by a namespace's retained versions (what its quota counts). */
  usage(ns: string): number;
  /** The store's health: degraded while writes fail for want of the machine (a full disk, an I/O error), with the cause. */
  health(): { status: 'ok' | 'degraded'; details: Record<string, string> };
  close(): void;
}

export interface RetentionRule {
  /** Keep at least the newest N versions of each key. */
  keepLast?: number;
  /** Keep versions younger than this. */
  maxAgeMs?: number;
}

export interface ContextOptions {
  /** SQLite file path, or ':memory:'. */
  path: string;
  maxValueBytes: number;
  versionListLimit: number;
  /** Bytes per namespace; '*' applies to namespaces not named. */
  quotas: Record<string, number>;
  /** Per namespace; '*' applies to namespaces not named. */
  retention: Record<string, RetentionRule>;
  /** Latest entries kept in memory for reads; 0 when another process writes the same file. */
  cacheEntries: number;
  /**
   * Checkpoint the write-ahead log on a thread of its own (default true), so that no
   * commit on the calling thread pays for copying the log back into the database file.
   */
  backgroundCheckpoint?: boolean;
}
