// Policy-set versions, in <data-dir>/policy.db: every update is a new row, never an edit.
import Database from 'better-sqlite3';
import { join } from 'node:path';

export interface StoredPolicySet {
  version: number;
  policyId: string;
  text: string;
  author: string;
  timestamp: number;
  metadata: Record<string, string>;
}

export type PolicyVersionInfo = Omit<StoredPolicySet, 'text'>;

interface Row {
  version: number;
  policy_id: string;
  text: string;
  author: string;
  timestamp: number;
  metadata: string;
}

const fromRow = (r: Row): StoredPolicySet => ({
  version: r.version,
  policyId: r.policy_id,
  text: r.text,
  author: r.author,
  timestamp: r.timestamp,
  metadata: JSON.parse(r.metadata),
});

export class PolicyStore {
  private readonly db: Database.Database;

  constructor(dataDir: string) {
    this.db = new Database(join(dataDir, 'policy.db'));
    this.db.pragma('journal_mode = WAL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS policy_versions (
      version   INTEGER PRIMARY KEY,
      policy_id TEXT NOT NULL,
      text      TEXT NOT NULL,
      author    TEXT NOT NULL,
      timestamp INTEGER NOT NULL,
      metadata  TEXT NOT NULL
    )`);
  }

  latest(): StoredPolicySet | undefined {
    const r = this.db.prepare('SELECT * FROM policy_versions ORDER BY version DESC LIMIT 1').get() as Row | undefined;
    return r && fromRow(r);
  }

  get(version: number): StoredPolicySet | undefined {
    const r = this.db.prepare('SELECT * FROM policy_versions WHERE version = ?').get(version) as Row | undefined;
    return r && fromRow(r);
  }

  /** The newest version stored under a policy id. */
  byPolicyId(policyId: string): StoredPolicySet | undefined {
    const r = this.db.prepare('SELECT * FROM policy_versions WHERE policy_id = ? ORDER BY version DESC LIMIT 1').get(policyId) as Row | undefined;
    return r && fromRow(r);
  }

  /** Appends a version (numbered one past the newest) and returns it. */
  append(entry: Omit<StoredPolicySet, 'version' | 'policyId'> & { policyId?: string }): StoredPolicySet {
    return this.db.transaction(() => {
      const { next } = this.db.prepare('SELECT COALESCE(MAX(version), 0) + 1 AS next FROM policy_versions').get() as { next: number };
      const stored: StoredPolicySet = { ...entry, version: next, policyId: entry.policyId || `v${next}` };
      this.db
        .prepare('INSERT INTO policy_versions (version, policy_id, text, author, timestamp, metadata) VALUES (?, ?, ?, ?, ?, ?)')
        .run(next, stored.policyId, stored.text, stored.author, stored.timestamp, JSON.stringify(stored.metadata));
      return stored;
    }).immediate();
  }

  /** Stores a version numbered elsewhere (a peer kernel's); false when that number is taken. */
  put(stored: StoredPolicySet): boolean {
    const r = this.db
      .prepare('INSERT OR IGNORE INTO policy_versions (version, policy_id, text, author, timestamp, metadata) VALUES (?, ?, ?, ?, ?, ?)')
      .run(stored.version, stored.policyId, stored.text, stored.author, stored.timestamp, JSON.stringify(stored.metadata));
    return r.changes === 1;
  }

  history(): PolicyVersionInfo[] {
    const rows = this.db.prepare('SELECT version, policy_id, author, timestamp, metadata FROM policy_versions ORDER BY version').all() as Row[];
    return rows.map((r) => ({ version: r.version, policyId: r.policy_id, author: r.author, timestamp: r.timestamp, metadata: JSON.parse(r.metadata) }));
  }

  close(): void {
    this.db.close();
  }
}
