// What federation (host/federation) needs of the store: versions that carry an identity
// across kernels (origin node + hybrid logical clock), an outbox of versions written here
// and not yet published, and the idempotent application of versions from peers. The merge
// rule lives in the store, beside the versions it orders: a key's versions are ordered by
// (hlc, origin); a version's number is its place in that order, so every kernel that holds
// the same versions numbers them alike, whatever order they arrived in.

/** A version as it travels between kernels. */
export interface ReplicatedVersion {
  namespace: string;
  key: string;
  origin: string;
  hlc: string;
  /** The version it was written on top of (versionId), '' for a key's first. */
  parent: string;
  /** null: a tombstone. */
  value: Uint8Array | null;
  /** Hex SHA-256 of value; '' for a tombstone. */
  hash: string;
  author: string;
  timestamp: number;
  metadata: Record<string, string>;
  contentType: string;
  description: string;
}

export interface OutboxEntry extends ReplicatedVersion {
  /** Its row in the store (the outbox's order). */
  seq: number;
}

export interface ReplicaHooks {
  /** The identity of a version written here now: this node, and a clock later than every one seen. */
  stamp(): { origin: string; hlc: string };
  /** After a transaction that wrote versions here commits: the outbox has more. */
  committed(): void;
}

/** A snapshot as it travels between kernels: per key, the identity of the version it sees. */
export interface ReplicatedSnapshot {
  id: string;
  namespace: string;
  origin: string;
  description: string;
  author: string;
  timestamp: number;
  itemCount: number;
  items: { key: string; hlc: string; origin: string }[];
}

export type Applied =
  | { outcome: 'applied'; version: number; latest: boolean; /** a version of the key now sits under one that did not see it */ conflict: boolean }
  | { outcome: 'duplicate'; version: number }
  /** The same version was consumed before at another stream sequence. */
  | { outcome: 'replay'; firstSeq: number };

export interface ContextReplica {
  /** Versions written here and not yet published, oldest first. */
  outbox(limit: number): OutboxEntry[];
  outboxSize(): number;
  /** Marks outbox entries as published at their stream sequences. */
  published(marks: { seq: number; streamSeq: number }[]): void;
  /**
   * Applies a version that the stream holds at streamSeq (idempotent). `consumed`: read by the
   * consumer, which moves the stream position there; else this kernel's own compare-and-set,
   * just acknowledged.
   */
  apply(v: ReplicatedVersion, streamSeq: number, consumed: boolean): Applied;
  /** Runs fn in one transaction: a burst of messages applied with one commit (one fsync), not one each. */
  batch(fn: () => void): void;
  /** Moves the stream position past a message that was refused. */
  advance(streamSeq: number): void;
  /** The last stream sequence consumed (0: none). */
  position(): number;
  /**
   * For a compare-and-set decided by the stream: FAILED_PRECONDITION unless the key is at
   * `expected` here; else the version to write on top of and the highest stream sequence
   * consumed for the key (what the stream must still hold as the key's last).
   */
  casBase(ns: string, key: string, expected: number, tombstone: boolean): { parent: string; subjectSeq: number };
  /** The number a version has here, by its identity. */
  versionOf(ns: string, key: string, id: string): number | undefined;
  /** The latest clock of any version held (to restart the clock after it). */
  maxHlc(): string;
  /** Outbox entries of one key. */
  pendingFor(ns: string, key: string): number;
  /** Snapshots taken here and not yet published, oldest first. */
  snapshotOutbox(): ReplicatedSnapshot[];
  snapshotPublished(id: string, streamSeq: number): void;
  /** Keeps a peer's snapshot (idempotent); a restore here then restores the versions it names. */
  applySnapshot(s: ReplicatedSnapshot, streamSeq: number): void;
}

/** A version's identity across kernels. */
export const versionId = (hlc: string, origin: string) => (hlc ? `${hlc}@${origin}` : '');
