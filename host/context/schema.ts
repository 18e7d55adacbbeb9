// Schema migrations, versioned in code: migration i brings the file from user_version i to
// i + 1. A file from a newer camos (user_version beyond the list) is refused, not guessed at.
import type Database from 'better-sqlite3';

const MIGRATIONS: string[] = [
  // 1: versions (seq orders every write of the store), heads (current version of each key),
  // snapshots (a namespace as of a seq: no data copy), usage (bytes per namespace, for quotas).
  `
  CREATE TABLE versions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    ns TEXT NOT NULL,
    key TEXT NOT NULL,
    version INTEGER NOT NULL,
    hash TEXT NOT NULL,
    size INTEGER NOT NULL,
    value BLOB,
    deleted INTEGER NOT NULL DEFAULT 0,
    author TEXT NOT NULL,
    ts INTEGER NOT NULL,
    metadata TEXT NOT NULL DEFAULT '{}',
    content_type TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    UNIQUE (ns, key, version)
  );
  CREATE INDEX versions_time ON versions (ns, key, ts);
  CREATE TABLE heads (
    ns TEXT NOT NULL,
    key TEXT NOT NULL,
    version INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    deleted INTEGER NOT NULL,
    PRIMARY KEY (ns, key)
  ) WITHOUT ROWID;
  CREATE TABLE snapshots (
    id TEXT PRIMARY KEY,
    ns TEXT NOT NULL,
    seq INTEGER NOT NULL,
    description TEXT NOT NULL,
    author TEXT NOT NULL,
    ts INTEGER NOT NULL,
    item_count INTEGER NOT NULL
  );
  CREATE INDEX snapshots_ns ON snapshots (ns, seq);
  CREATE TABLE usage (ns TEXT PRIMARY KEY, bytes INTEGER NOT NULL) WITHOUT ROWID;
  `,
  // 2: a version written by a restore shares the bytes of the version it copies (value NULL,
  // value_seq = that version's seq) instead of copying them.
  `
  ALTER TABLE versions ADD COLUMN value_seq INTEGER;
  CREATE INDEX versions_value_seq ON versions (value_seq) WHERE value_seq IS NOT NULL;
  `,
  // 3: no time index: "as of" walks a key's versions newest first on (ns, key, version), and
  // every write saves updating a third b-tree at a random place (writes ~15% faster).
  `
  DROP INDEX versions_time;
  `,
  // 4: federation (host/federation). A version's identity across kernels is its hybrid logical
  // clock and origin node ('' for a version written unfederated); parent names the version it
  // was written on top of; stream_seq is its JetStream sequence (NULL: not yet published, the
  // outbox). replica_keys holds, per key, the highest stream sequence consumed; replica_state
  // the consumer's position in the stream.
  `
  ALTER TABLE versions ADD COLUMN origin TEXT NOT NULL DEFAULT '';
  ALTER TABLE versions ADD COLUMN hlc TEXT NOT NULL DEFAULT '';
  ALTER TABLE versions ADD COLUMN parent TEXT NOT NULL DEFAULT '';
  ALTER TABLE versions ADD COLUMN stream_seq INTEGER;
  CREATE UNIQUE INDEX versions_identity ON versions (ns, key, hlc, origin) WHERE hlc <> '';
  CREATE INDEX versions_outbox ON versions (seq) WHERE hlc <> '' AND stream_seq IS NULL;
  CREATE TABLE replica_keys (ns TEXT NOT NULL, key TEXT NOT NULL, stream_seq INTEGER NOT NULL, PRIMARY KEY (ns, key)) WITHOUT ROWID;
  CREATE TABLE replica_state (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
  `,
  // 5: snapshots across kernels. A federated kernel's snapshot also names, per key, the
  // identity of the version it sees (snapshot_items), so that a peer, where local seqs mean
  // nothing, restores the same versions; origin is the node that took it, stream_seq its
  // JetStream sequence (NULL, origin this node: not yet published). A peer's snapshot has
  // seq -1: it is its items only.
  `
  ALTER TABLE snapshots ADD COLUMN origin TEXT NOT NULL DEFAULT '';
  ALTER TABLE snapshots ADD COLUMN stream_seq INTEGER;
  CREATE TABLE snapshot_items (id TEXT NOT NULL, key TEXT NOT NULL, hlc TEXT NOT NULL, origin TEXT NOT NULL, PRIMARY KEY (id, key)) WITHOUT ROWID;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export function migrate(db: Database.Database, file: string): void {
  const run = db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > MIGRATIONS.length) {
      throw new Error(`context store ${file} has schema version ${current}, newer than this camos knows (${MIGRATIONS.length}); upgrade camos`);
    }
    for (let v = current; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v]);
    if (current !== MIGRATIONS.length) db.pragma(`user_version = ${MIGRATIONS.length}`);
  });
  run.immediate();
}
