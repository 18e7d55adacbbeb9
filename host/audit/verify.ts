// Walks the hash chain and the signed checkpoints and names the first record that was
// altered, removed or inserted. Works on the database file alone (the CLI opens it
// read-only); checkpoints carry the public key that signed them, which a caller can pin.
import { publicKeyFromJson, signatureFromJson, type HybridPublicKey } from '../crypto/hybrid.ts';
import { SIGNING_PURPOSE, verifySigned } from '../crypto/signing.ts';
import { GENESIS, hashRow, type AuditRow } from './record.ts';
import { checkpointMessage, type CheckpointRow, type Db } from './schema.ts';

export interface VerifyProblem {
  seq: number;
  kind: 'altered' | 'removed' | 'inserted' | 'checkpoint';
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  records: number;
  firstSeq: number;
  lastSeq: number;
  checkpoints: number;
  /** Highest record covered by a valid signed checkpoint (0: none). */
  signedThrough: number;
  /** The first problem found (the walk stops there); empty when ok. */
  problems: VerifyProblem[];
  summary: string;
}

export interface VerifyOptions {
  /** The kernel's keys (from its key store); without them, the key stored with each checkpoint is used. */
  trustedKeys?: Map<string, HybridPublicKey>;
}

export function verifyAuditDb(db: Db, opts: VerifyOptions = {}): VerifyReport {
  const cps = db.prepare('SELECT * FROM checkpoints ORDER BY seq').all() as CheckpointRow[];
  const bySeq = new Map(cps.map((c) => [c.seq, c]));
  const problems: VerifyProblem[] = [];
  let signedThrough = 0;

  const signatureOk = (cp: CheckpointRow): string | undefined => {
    if (opts.trustedKeys && !opts.trustedKeys.has(cp.key_id)) return `checkpoint at record ${cp.seq} is signed by key ${cp.key_id}, which is not one of the kernel's keys`;
    try {
      const pub = opts.trustedKeys?.get(cp.key_id) ?? publicKeyFromJson(JSON.parse(cp.public_key));
      if (pub.keyId !== cp.key_id) return `checkpoint at record ${cp.seq} names key ${cp.key_id} but carries key ${pub.keyId}`;
      const verdict = verifySigned(SIGNING_PURPOSE.auditCheckpoint, pub, checkpointMessage(cp.seq, cp.hash, cp.time, cp.final === 1), signatureFromJson(JSON.parse(cp.signature)));
      return verdict.valid ? undefined : `checkpoint at record ${cp.seq} has an invalid signature (ML-DSA ${verdict.mldsa ? 'ok' : 'bad'}, classical ${verdict.ed25519 ? 'ok' : 'bad'})`;
    } catch (e) {
      return `checkpoint at record ${cp.seq} cannot be read: ${(e as Error).message}`;
    }
  };

  const bounds = db.prepare('SELECT min(seq) AS first, max(seq) AS last, count(*) AS n FROM records').get() as { first: number | null; last: number | null; n: number };
  const firstSeq = bounds.first ?? 0;
  const lastSeq = bounds.last ?? 0;

  // Retention prunes up to a checkpoint; the oldest remaining record links to it.
  let prevHash = GENESIS;
  let prevSeq = 0;
  if (firstSeq > 1) {
    const anchor = bySeq.get(firstSeq - 1);
    if (!anchor) problems.push({ seq: 1, kind: 'removed', message: `records 1..${firstSeq - 1} are missing and no checkpoint at record ${firstSeq - 1} accounts for their pruning` });
    else {
      const bad = signatureOk(anchor);
      if (bad) problems.push({ seq: anchor.seq, kind: 'checkpoint', message: bad });
      prevHash = anchor.hash;
      prevSeq = anchor.seq;
      signedThrough = anchor.seq;
    }
  }

  let prevPrevHash: string | undefined;
  let lastCheckedCp = prevSeq;
  const rows = db.prepare('SELECT * FROM records ORDER BY seq').iterate() as IterableIterator<AuditRow>;
  let current = problems.length ? undefined : rows.next().value;
  while (current) {
    const r: AuditRow = current;
    const next: AuditRow | undefined = rows.next().value;
    const contentOk = hashRow(r) === r.hash;
    const linkOk = r.prev_hash === prevHash;
    let problem: VerifyProblem | undefined;
    if (contentOk && linkOk) {
      const shutdown = bySeq.get(prevSeq);
      if (shutdown?.final && r.syscall !== 'audit.opened') {
        problem = { seq: r.seq, kind: 'inserted', message: `record ${r.seq} follows the shutdown checkpoint at record ${prevSeq} but is not the kernel's 'audit.opened' record` };
      }
      const cp = bySeq.get(r.seq);
      if (!problem && cp) {
        if (cp.hash !== r.hash) {
          problem = { seq: lastCheckedCp + 1, kind: 'altered', message: `records ${lastCheckedCp + 1}..${r.seq} were rewritten: record ${r.seq}'s hash no longer matches the signed checkpoint` };
        } else {
          const bad = signatureOk(cp);
          if (bad) problem = { seq: r.seq, kind: 'checkpoint', message: bad };
          else signedThrough = r.seq;
        }
        lastCheckedCp = r.seq;
      }
    } else if (!contentOk) {
      problem =
        linkOk || next?.prev_hash === r.hash
          ? { seq: r.seq, kind: 'altered', message: `record ${r.seq} was altered: its content no longer matches its hash` }
          : { seq: r.seq, kind: 'inserted', message: `record ${r.seq} was inserted: it neither matches its hash nor links to record ${prevSeq}` };
    } else if (prevPrevHash !== undefined && r.prev_hash === prevPrevHash) {
      problem = { seq: prevSeq, kind: 'inserted', message: `record ${prevSeq} was inserted: record ${r.seq} links to the record before it` };
    } else if (next?.prev_hash === prevHash) {
      problem = { seq: r.seq, kind: 'inserted', message: `record ${r.seq} was inserted: record ${next.seq} links past it to record ${prevSeq}` };
    } else if (r.seq > prevSeq + 1) {
      problem = { seq: prevSeq + 1, kind: 'removed', message: `record${r.seq - prevSeq > 2 ? `s ${prevSeq + 1}..${r.seq - 1} were` : ` ${prevSeq + 1} was`} removed: record ${r.seq} links to a record that is not there` };
    } else {
      problem = { seq: prevSeq, kind: 'altered', message: `record ${prevSeq} was altered (its hash recomputed) or the record after it removed: record ${r.seq} no longer links to it` };
    }
    if (problem) {
      problems.push(problem);
      break;
    }
    prevPrevHash = prevHash;
    prevHash = r.hash;
    prevSeq = r.seq;
    current = next;
  }
  rows.return?.();

  if (!problems.length) {
    const beyond = cps.find((c) => c.seq > lastSeq);
    if (beyond) problems.push({ seq: lastSeq + 1, kind: 'removed', message: `records ${lastSeq + 1}..${beyond.seq} were removed: a signed checkpoint covers record ${beyond.seq}, the log ends at ${lastSeq}` });
  }

  const ok = problems.length === 0;
  const summary = ok
    ? `audit log intact: ${bounds.n} records (${firstSeq}..${lastSeq}), ${cps.length} checkpoints, signed through record ${signedThrough}${signedThrough < lastSeq ? ` (records after ${signedThrough} are hash-chained but not yet signed)` : ''}`
    : `audit log TAMPERED: ${problems[0].message}`;
  return { ok, records: bounds.n, firstSeq, lastSeq, checkpoints: cps.length, signedThrough, problems, summary };
}
