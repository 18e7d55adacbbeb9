// The audit chain's hash, in plain JavaScript so the writer thread can compute it without
// a TypeScript loader. A record's hash is SHA-256 over the JSON array of the previous
// record's hash followed by the record's hashed fields, in the order record.ts gives.
import * as crypto from 'node:crypto';

/** The hash a chain starts from (the "previous record" of record 1). */
export const GENESIS = '0'.repeat(64);

// crypto.hash (Node >= 20.12) is a one-shot digest, about 3x cheaper than createHash for short inputs.
const sha256hex =
  typeof crypto.hash === 'function' ? (s) => crypto.hash('sha256', s, 'hex') : (s) => crypto.createHash('sha256').update(s).digest('hex');

/** The bytes a record's hash covers. */
export const chainBytes = (prevHash, fields) => JSON.stringify([prevHash, ...fields]);

/** The hash of a record whose hashed fields are `fields`, following `prevHash`. */
export const chainHash = (prevHash, fields) => sha256hex(chainBytes(prevHash, fields));

/**
 * Runs one batch inside the caller's transaction: chains and inserts `chain.rows`
 * ([seq, ...hashed fields], stored as [seq, ...fields, prev_hash, hash]), then `ops`.
 * Returns the new tail hash and the [seq, hash] pairs at which checkpoints are due.
 * The rows are left as they came, so that a batch can be tried again after its
 * transaction failed. The writer thread and the main thread's fallback share it.
 */
export function appendBatch(prepare, prevHash, chain, ops) {
  const due = [];
  let prev = prevHash;
  if (chain) {
    const insert = prepare(chain.sql);
    const at = new Set(chain.checkpointAt);
    for (const row of chain.rows) {
      // chainHash(prev, row.slice(1)) without copying the row: [prev, ...fields] is the row
      // with prev in seq's place, and seq put back before the insert.
      const seq = row[0];
      row[0] = prev;
      const hash = sha256hex(JSON.stringify(row));
      row[0] = seq;
      const n = row.length;
      row.push(prev, hash);
      try {
        insert.run(row);
      } finally {
        row.length = n; // as it came, so that a batch whose transaction failed can be tried again
      }
      if (at.has(seq)) due.push([seq, hash]);
      prev = hash;
    }
  }
  for (const [sql, rows] of ops) {
    const s = prepare(sql);
    for (const row of rows) s.run(row);
  }
  return { prev, due };
}
