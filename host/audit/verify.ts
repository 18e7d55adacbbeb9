// Walks the hash chain and the signed checkpoints and names every record that was
// altered, removed or inserted, and whether the log still holds what its anchor (the copy
// of the newest checkpoint outside the file, anchor.ts) says. After a problem the walk
// takes up the chain again at the next record, so that later tampering is not hidden
// behind earlier tampering. Works on the database file alone (the CLI opens it
// read-only); checkpoints carry the public key that signed them, which a caller can pin.
import { publicKeyFromJson, signatureFromJson, type HybridPublicKey } from '../crypto/hybrid.ts';
import { SIGNING_PURPOSE, verifySigned } from '../crypto/signing.ts';
import { GENESIS, hashRow, type AuditRow } from './record.ts';
import { checkpointMessage, type CheckpointRow, type Db } from './schema.ts';

export interface VerifyProblem {
  seq: number;
  kind: 'altered' | 'removed' | 'inserted' | 'checkpoint' | 'anchor';
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
  /** Every problem found, in the order of the chain (at most MAX_PROBLEMS; `omitted` counts the rest); empty when ok. */
  problems: VerifyProblem[];
  omitted: number;
  /** What verification could not check (no anchor to compare with), without a problem found. */
  warnings: string[];
  summary: string;
}

export interface VerifyOptions {
  /** The kernel's keys (from its key store); without them, the key stored with each checkpoint is used. */
  trustedKeys?: Map<string, HybridPublicKey>;
  /** The anchor (audit.anchor): null when there is none, an Error when it cannot be read; undefined: not checked. */
  anchor?: CheckpointRow | null | Error;
  /** Walk only from the anchor on (the kernel's check at start: the anchor vouches for what precedes it). */
  fromAnchor?: boolean;
}

export const MAX_PROBLEMS = 1000;

/** Why a checkpoint's signature does not hold, or undefined when it does. */
export function checkpointProblem(cp: CheckpointRow, trustedKeys?: Map<string, HybridPublicKey>, what = `checkpoint at record ${cp.seq}`): string | undefined {
  if (trustedKeys && !trustedKeys.has(cp.key_id)) return `${what} is signed by key ${cp.key_id}, which is not one of the kernel's keys`;
  try {
    const pub = trustedKeys?.get(cp.key_id) ?? publicKeyFromJson(JSON.parse(cp.public_key));
    if (pub.keyId !== cp.key_id) return `${what} names key ${cp.key_id} but carries key ${pub.keyId}`;
    const verdict = verifySigned(SIGNING_PURPOSE.auditCheckpoint, pub, checkpointMessage(cp.seq, cp.hash, cp.time, cp.final === 1), signatureFromJson(JSON.parse(cp.signature)));
    return verdict.valid ? undefined : `${what} has an invalid signature (ML-DSA ${verdict.mldsa ? 'ok' : 'bad'}, classical ${verdict.ed25519 ? 'ok' : 'bad'})`;
  } catch (e) {
    return `${what} cannot be read: ${(e as Error).message}`;
  }
}

export function verifyAuditDb(db: Db, opts: VerifyOptions = {}): VerifyReport {
  const cps = db.prepare('SELECT * FROM checkpoints ORDER BY seq').all() as CheckpointRow[];
  const bySeq = new Map(cps.map((c) => [c.seq, c]));
  const problems: VerifyProblem[] = [];
  const warnings: string[] = [];
  let omitted = 0;
  const add = (p: VerifyProblem) => (problems.length < MAX_PROBLEMS ? problems.push(p) : omitted++);
  let signedThrough = 0;
  const signatureOk = (cp: CheckpointRow) => checkpointProblem(cp, opts.trustedKeys);

  const bounds = db.prepare('SELECT min(seq) AS first, max(seq) AS last, count(*) AS n FROM records').get() as { first: number | null; last: number | null; n: number };
  const firstSeq = bounds.first ?? 0;
  const lastSeq = bounds.last ?? 0;
  const anchor = opts.anchor;

  // Where the walk starts, and the hash the first record must link to (undefined: take up
  // the chain at whatever the first record links to).
  let prevHash: string | undefined = GENESIS;
  let prevSeq = 0;
  if (opts.fromAnchor && anchor && !(anchor instanceof Error)) {
    prevHash = anchor.hash;
    prevSeq = anchor.seq;
  } else if (firstSeq > 1) {
    // Retention prunes up to a checkpoint; the oldest remaining record links to it.
    const start = bySeq.get(firstSeq - 1);
    if (!start) {
      add({ seq: 1, kind: 'removed', message: `records 1..${firstSeq - 1} are missing and no checkpoint at record ${firstSeq - 1} accounts for their pruning` });
      prevHash = undefined;
    } else {
      const bad = signatureOk(start);
      if (bad) add({ seq: start.seq, kind: 'checkpoint', message: bad });
      else signedThrough = start.seq;
      prevHash = start.hash;
      prevSeq = start.seq;
    }
  }

  let prevPrevHash: string | undefined;
  let lastCheckedCp = prevSeq;
  const rows = db.prepare('SELECT * FROM records WHERE seq > ? ORDER BY seq').iterate(prevSeq) as IterableIterator<AuditRow>;
  let current: AuditRow | undefined = rows.next().value;
  while (current) {
    const r: AuditRow = current;
    const next: AuditRow | undefined = rows.next().value;
    const contentOk = hashRow(r) === r.hash;
    const linkOk = prevHash === undefined || r.prev_hash === prevHash;
    let problem: VerifyProblem | undefined;
    if (contentOk && linkOk) {
      const shutdown = bySeq.get(prevSeq);
      if (shutdown?.final && r.syscall !== 'audit.opened') {
        problem = { seq: r.seq, kind: 'inserted', message: `record ${r.seq} follows the shutdown checkpoint at record ${prevSeq} but is not the kernel's 'audit.opened' record` };
      }
    } else if (!contentOk) {
      const stored = /\uFFFD/.test(JSON.stringify(r)) ? ' (it holds U+FFFD: an older camos stored a lone surrogate from a request this way, altering the record: see docs/audit.md)' : '';
      problem =
        linkOk || next?.prev_hash === r.hash
          ? { seq: r.seq, kind: 'altered', message: `record ${r.seq} was altered: its content no longer matches its hash${stored}` }
          : { seq: r.seq, kind: 'inserted', message: `record ${r.seq} was inserted: it neither matches its hash nor links to record ${prevSeq}` };
    } else if (prevPrevHash !== undefined && r.prev_hash === prevPrevHash) {
      problem = { seq: prevSeq, kind: 'inserted', message: `record ${prevSeq} was inserted: record ${r.seq} links to the record before it` };
    } else if (next && next.prev_hash === prevHash) {
      problem = { seq: r.seq, kind: 'inserted', message: `record ${r.seq} was inserted: record ${next.seq} links past it to record ${prevSeq}` };
    } else if (r.seq > prevSeq + 1) {
      problem = { seq: prevSeq + 1, kind: 'removed', message: `record${r.seq - prevSeq > 2 ? `s ${prevSeq + 1}..${r.seq - 1} were` : ` ${prevSeq + 1} was`} removed: record ${r.seq} links to a record that is not there` };
    } else {
      problem = { seq: prevSeq, kind: 'altered', message: `record ${prevSeq} was altered (its hash recomputed) or the record after it removed: record ${r.seq} no longer links to it` };
    }
    if (problem) add(problem);
    const cp = bySeq.get(r.seq);
    if (cp) {
      if (cp.hash !== r.hash) {
        add({ seq: lastCheckedCp + 1, kind: 'altered', message: `records ${lastCheckedCp + 1}..${r.seq} were rewritten: record ${r.seq}'s hash no longer matches the signed checkpoint` });
      } else {
        const bad = signatureOk(cp);
        if (bad) add({ seq: r.seq, kind: 'checkpoint', message: bad });
        else if (!problems.length) signedThrough = r.seq;
      }
      lastCheckedCp = r.seq;
    }
    // Take up the chain again: past a record that the next one links around, else at this one.
    if (problem?.kind === 'inserted' && problem.seq === r.seq && next && next.prev_hash === prevHash) {
      current = next;
      continue;
    }
    prevPrevHash = prevHash;
    prevHash = r.hash;
    prevSeq = r.seq;
    current = next;
  }
  rows.return?.();

  const beyond = cps.find((c) => c.seq > lastSeq);
  if (beyond) add({ seq: lastSeq + 1, kind: 'removed', message: `records ${lastSeq + 1}..${beyond.seq} were removed: a signed checkpoint covers record ${beyond.seq}, the log ends at ${lastSeq}` });

  if (anchor === null) {
    if (cps.length) add({ seq: 0, kind: 'anchor', message: "there is no anchor (audit.anchor), though the log has signed checkpoints: the kernel writes one with every checkpoint, so it was deleted (or the log was written by an older camos: start a kernel on it once to anchor it)" });
    else if (bounds.n) warnings.push('no checkpoint and no anchor yet: nothing signed to check the records against (a kernel signs one every audit.checkpointEvery records and at shutdown)');
  } else if (anchor instanceof Error) {
    add({ seq: 0, kind: 'anchor', message: anchor.message });
  } else if (anchor) {
    for (const p of anchorProblems(db, anchor, opts.trustedKeys, { firstSeq, lastSeq })) add(p);
  }

  const ok = problems.length === 0;
  const summary = ok
    ? `audit log intact: ${bounds.n} records (${firstSeq}..${lastSeq}), ${cps.length} checkpoints, signed through record ${signedThrough}${signedThrough < lastSeq ? ` (records after ${signedThrough} are hash-chained but not yet signed)` : ''}${warnings.map((w) => `; warning: ${w}`).join('')}`
    : `audit log TAMPERED: ${problems.length + omitted} problem${problems.length + omitted > 1 ? 's' : ''}, the first: ${problems[0].message}`;
  return { ok, records: bounds.n, firstSeq, lastSeq, checkpoints: cps.length, signedThrough, problems, omitted, warnings, summary };
}

/** What is wrong between a log and its anchor: the anchor's signature, and the record (or pruning checkpoint) it names. */
function anchorProblems(db: Db, anchor: CheckpointRow, trustedKeys: Map<string, HybridPublicKey> | undefined, log: { firstSeq: number; lastSeq: number }): VerifyProblem[] {
  const bad = checkpointProblem(anchor, trustedKeys, `the anchor (record ${anchor.seq})`);
  if (bad) return [{ seq: anchor.seq, kind: 'anchor', message: bad }];
  const signed = `the anchor, signed ${new Date(anchor.time).toISOString()}`;
  if (anchor.seq > log.lastSeq) {
    return [{ seq: log.lastSeq + 1, kind: 'removed', message: `records ${log.lastSeq + 1}..${anchor.seq} are gone: ${signed}, covers record ${anchor.seq} and the log ends at ${log.lastSeq || 'nothing'}` }];
  }
  const held =
    (db.prepare('SELECT hash FROM records WHERE seq = ?').get(anchor.seq) as { hash: string } | undefined) ??
    (anchor.seq < log.firstSeq ? (db.prepare('SELECT hash FROM checkpoints WHERE seq = ?').get(anchor.seq) as { hash: string } | undefined) : undefined);
  if (!held) return [{ seq: anchor.seq, kind: 'removed', message: `record ${anchor.seq}, which ${signed} covers, is not in the log` }];
  if (held.hash !== anchor.hash) return [{ seq: anchor.seq, kind: 'anchor', message: `record ${anchor.seq}'s hash is not the one ${signed} holds: the log was rewritten or replaced` }];
  return [];
}
