// The audit chain's anchor: a copy of the newest signed checkpoint in
// <data-dir>/audit.anchor, outside the file it vouches for. A log rewritten from its start
// (every hash recomputed, the checkpoints deleted) verifies on its own; it no longer holds
// the record, at the anchor's sequence number, with the anchor's hash. Nor does a log
// replaced by a new one, or one cut short. The anchor is signed like the checkpoint it
// copies, so it cannot be forged without the kernel's key; it can be deleted, which
// verification reports once the log has checkpoints (see docs/audit.md for what remains).
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { writeFileAtomic } from '../base/files.ts';
import type { HybridPublicKey } from '../crypto/hybrid.ts';
import type { Logger } from '../telemetry/log.ts';
import { openAuditDb, type CheckpointRow } from './schema.ts';
import { checkpointProblem, verifyAuditDb, type VerifyProblem } from './verify.ts';

/** The anchor file beside an audit database. */
export const anchorPathOf = (auditPath: string) => join(dirname(auditPath), 'audit.anchor');

const FIELDS: (keyof CheckpointRow)[] = ['seq', 'hash', 'time', 'final', 'key_id', 'algorithm', 'backend', 'signature', 'public_key'];

/** The anchor, null when there is none; throws with the file's name when it is not one. */
export function readAnchor(path: string): CheckpointRow | null {
  if (!existsSync(path)) return null;
  let a: Record<string, unknown>;
  try {
    a = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`${path} cannot be read as the audit anchor: ${(e as Error).message}`);
  }
  const missing = FIELDS.filter((f) => (f === 'seq' || f === 'time' || f === 'final' ? typeof a?.[f] !== 'number' : typeof a?.[f] !== 'string'));
  if (missing.length) throw new Error(`${path} is not an audit anchor: ${missing.join(', ')} missing or of the wrong type`);
  return a as unknown as CheckpointRow;
}

export function writeAnchor(path: string, cp: CheckpointRow): void {
  writeFileAtomic(path, `${JSON.stringify(Object.fromEntries(FIELDS.map((f) => [f, cp[f]])), null, 1)}\n`);
}

/** readAnchor, with a file that is not an anchor as an Error value (verify reports it). */
export function readAnchorOrError(path: string): CheckpointRow | null | Error {
  try {
    return readAnchor(path);
  } catch (e) {
    return e as Error;
  }
}

export interface StartCheck {
  /** Facts for the log's `audit.opened` record. */
  evidence: Record<string, unknown>;
  /** A new log was begun in place of a rejected or missing one: sign a checkpoint at once, so that the anchor follows it. */
  reanchor: boolean;
}

/**
 * Run before the kernel appends to an existing log, so that it never signs a checkpoint over
 * a chain that does not verify: a log with an anchor must hold what the anchor says (its
 * signature by one of `trustedKeys`, the record at its sequence number with its hash) and
 * verify from there on; a log without one must verify in full (it is then anchored at its
 * newest checkpoint signed by this kernel). A log that fails is moved aside,
 * `audit.db.rejected-<time>` with its write-ahead log and its anchor, kept for whoever
 * looks into it, and a new log begins. A missing log is said loudly when an anchor, or a
 * key store made before this start (`keysExisted`), says that there was one.
 */
export function checkLogAtStart(path: string, opts: { trustedKeys?: Map<string, HybridPublicKey>; log: Logger; keysExisted: boolean }): StartCheck {
  const anchorPath = anchorPathOf(path);
  const anchor = readAnchorOrError(anchorPath);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const moveAside = (file: string) => {
    if (existsSync(file)) renameSync(file, `${file}.rejected-${stamp}`);
  };
  if (!existsSync(path)) {
    if (anchor === null && !opts.keysExisted) return { evidence: {}, reanchor: false };
    const said = anchor instanceof Error ? `its anchor cannot be read (${anchor.message})` : anchor ? `its anchor says it held ${anchor.seq} records, signed ${new Date(anchor.time).toISOString()}` : 'this data directory has run a kernel before (keys.json was there)';
    opts.log.error({ path, anchor: anchor instanceof Error || !anchor ? undefined : { seq: anchor.seq, hash: anchor.hash } }, `AUDIT LOG MISSING: ${path} is gone, but ${said}: it was deleted or moved. A new log begins; the old one cannot be verified without its file`);
    moveAside(anchorPath);
    return { evidence: { previousLog: 'missing', ...(anchor && !(anchor instanceof Error) ? { anchor: { seq: anchor.seq, hash: anchor.hash, time: anchor.time } } : {}) }, reanchor: anchor !== null };
  }
  const { problems, anchored } = examine(path, anchor, anchorPath, opts);
  if (!problems.length) return { evidence: {}, reanchor: !anchored };
  const rejected = `${basename(path)}.rejected-${stamp}`;
  for (const file of [path, `${path}-wal`, `${path}-shm`, anchorPath]) moveAside(file);
  opts.log.error(
    { path, rejected: join(dirname(path), rejected), problems: problems.slice(0, 20) },
    `AUDIT LOG REJECTED: ${path} does not verify (${problems.length} problem${problems.length > 1 ? 's' : ''}, the first: ${problems[0].message}). It is kept as ${rejected}; a new log begins, and no checkpoint is signed over the old one`,
  );
  return { evidence: { previousLog: 'rejected', rejectedAs: rejected, problems: problems.slice(0, 5).map((p) => p.message), problemCount: problems.length }, reanchor: true };
}

/**
 * What is wrong with an existing log at start (see checkLogAtStart), and whether it is
 * anchored (a log without an anchor is given its newest checkpoint signed by this kernel as
 * one, else a checkpoint at once). An unreadable file throws.
 */
function examine(path: string, anchor: CheckpointRow | null | Error, anchorPath: string, opts: { trustedKeys?: Map<string, HybridPublicKey>; log: Logger }): { problems: VerifyProblem[]; anchored: boolean } {
  const db = openAuditDb(path);
  try {
    if (anchor) return { problems: verifyAuditDb(db, { trustedKeys: opts.trustedKeys, anchor, fromAnchor: true }).problems, anchored: true };
    const report = verifyAuditDb(db);
    if (!report.ok || !report.records) return { problems: report.problems, anchored: true };
    const newest = db.prepare('SELECT * FROM checkpoints ORDER BY seq DESC LIMIT 1').get() as CheckpointRow | undefined;
    if (newest && opts.trustedKeys && !checkpointProblem(newest, opts.trustedKeys)) {
      writeAnchor(anchorPath, newest);
      opts.log.warn({ path, seq: newest.seq }, `${path} had no anchor: verified in full, and anchored at its checkpoint of record ${newest.seq}`);
      return { problems: [], anchored: true };
    }
    opts.log.warn({ path }, `${path} has no anchor${newest ? " and its checkpoints are not signed by this kernel's keys (a log from another data directory?)" : ' and no checkpoint'}: it verifies in full, and is anchored by a checkpoint signed now`);
    return { problems: [], anchored: false };
  } finally {
    db.close();
  }
}
