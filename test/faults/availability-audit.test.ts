// Tampering with the audit log behind the kernel's back: verification reports every
// problem, not only the first; the anchor (audit.anchor) catches a chain rewritten with its
// checkpoints deleted, a log deleted, cut short or replaced; and a kernel never signs a
// checkpoint over a chain that does not verify.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { openAuditDb, verifyAuditDb } from '../../host/audit/index.ts';
import { GENESIS, hashRow, type AuditRow } from '../../host/audit/record.ts';
import { checkpointMessage, type CheckpointRow } from '../../host/audit/schema.ts';
import { generateHybridKeyPair, hybridSign, publicKeyToJson, signatureToJson } from '../../host/crypto/hybrid.ts';
import { SIGNING_PURPOSE, signedForm } from '../../host/crypto/signing.ts';
import { createLogger } from '../../host/telemetry/log.ts';
import { openKernel } from '../helpers/kernel.ts';
import { camos } from '../helpers/process.ts';

const root = mkdtempSync(join(tmpdir(), 'camos-tamper-'));
after(() => rmSync(root, { recursive: true, force: true }));
let base = '';
let copies = 0;

// One kernel writes a log and shuts down (signing its final checkpoint and the anchor); each attack works on a copy.
before(async () => {
  base = join(root, 'base');
  const k = await openKernel({ audit: { checkpointEvery: 16 } }, { dataDir: base });
  for (let i = 0; i < 40; i++) await k.kernel.call('sys_health_check', {}, { agent: 'agent-t' });
  await k.close();
});

function copy(): string {
  const dir = join(root, `copy-${++copies}`);
  cpSync(base, dir, { recursive: true });
  return dir;
}

function tamper(dir: string, fn: (db: Database.Database) => void) {
  const db = new Database(join(dir, 'audit.db'));
  fn(db);
  db.close();
}

/** Rewrites the chain from record `from` on with record `from`'s caller changed, every hash recomputed. */
function rewrite(db: Database.Database, from: number) {
  const rows = db.prepare('SELECT * FROM records WHERE seq >= ? ORDER BY seq').all(from) as AuditRow[];
  let prev = rows[0].prev_hash;
  const update = db.prepare('UPDATE records SET caller = ?, prev_hash = ?, hash = ? WHERE seq = ?');
  for (const r of rows) {
    const row = { ...r, caller: r.seq === from ? 'mallory' : r.caller, prev_hash: prev };
    row.hash = hashRow(row);
    update.run(row.caller, row.prev_hash, row.hash, r.seq);
    prev = row.hash;
  }
}

const verifyCli = (dir: string) => camos(['audit', 'verify', '--data-dir', dir]);

/** Starts and closes a kernel on `dir`, returning what it logged at warn and above. */
async function restart(dir: string): Promise<string[]> {
  const lines: string[] = [];
  const logger = createLogger('warn', { write: (l: string) => (lines.push(l), true) } as never);
  const k = await openKernel({}, { dataDir: dir, logger });
  await k.kernel.call('sys_health_check', {}, { agent: 'agent-after' });
  await k.close();
  return lines.map((l) => JSON.parse(l).msg as string);
}

const opened = (dir: string) => {
  const db = openAuditDb(join(dir, 'audit.db'), { readonly: true });
  try {
    return JSON.parse((db.prepare("SELECT evidence FROM records WHERE syscall = 'audit.opened' ORDER BY seq LIMIT 1").get() as { evidence: string }).evidence);
  } finally {
    db.close();
  }
};

describe('verification', () => {
  test('reports every problem, not only the first', async () => {
    const dir = copy();
    tamper(dir, (db) => {
      db.prepare("UPDATE records SET caller = 'mallory' WHERE seq = 5").run();
      db.prepare('DELETE FROM records WHERE seq = 20').run();
      db.prepare("UPDATE records SET outcome = 'denied' WHERE seq = 30").run();
    });
    const r = await verifyCli(dir);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /3 problems/);
    for (const line of [/altered at record 5/, /removed at record 20/, /altered at record 30/]) assert.match(r.stdout, line);
  });

  test('a record an older camos stored altered (a lone surrogate) is named with its cause, and the walk goes on', () => {
    const db = openAuditDb(join(root, 'old-encoding.db'));
    const insert = db.prepare('INSERT INTO records (seq, time, caller, caller_kind, syscall, door, target, outcome, code, message, request_id, trace_id, span_id, parent_span_id, task_id, duration_us, policies, evidence, prev_hash, hash) VALUES (@seq, @time, @caller, @caller_kind, @syscall, @door, @target, @outcome, @code, @message, @request_id, @trace_id, @span_id, @parent_span_id, @task_id, @duration_us, @policies, @evidence, @prev_hash, @hash)');
    let prev = GENESIS;
    for (let seq = 1; seq <= 4; seq++) {
      const row = { seq, time: 1000 + seq, caller: 'agent', caller_kind: 'agent', syscall: 'sys_explain_action', door: 'http', target: seq === 2 ? 'Action::\ud800' : 'Action::a', outcome: 'ok', code: 0, message: null, request_id: '', trace_id: '', span_id: '', parent_span_id: null, task_id: null, duration_us: 1, policies: null, evidence: '{}', prev_hash: prev, hash: '' };
      row.hash = hashRow(row); // the old encoding hashed the lone surrogate; SQLite stores U+FFFD
      insert.run(seq === 4 ? { ...row, caller: 'mallory' } : row);
      prev = row.hash;
    }
    const report = verifyAuditDb(db);
    db.close();
    assert.deepEqual(report.problems.map((p) => [p.kind, p.seq]), [['altered', 2], ['altered', 4]]);
    assert.match(report.problems[0].message, /U\+FFFD/);
  });
});

describe('the anchor', () => {
  test('a chain rewritten with recomputed hashes and its checkpoints deleted is caught; the kernel rejects it and never signs it', async () => {
    const dir = copy();
    tamper(dir, (db) => {
      rewrite(db, 3);
      db.prepare('DELETE FROM checkpoints').run();
    });
    const forged = new Database(join(dir, 'audit.db'), { readonly: true });
    assert.equal(verifyAuditDb(forged).ok, true, 'the forged chain verifies on its own');
    forged.close();
    const r = await verifyCli(dir);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /TAMPERED: .*the anchor/);
    const rejectedBefore = readFileSync(join(dir, 'audit.db'));
    const said = await restart(dir);
    assert.ok(said.some((m) => /AUDIT LOG REJECTED/.test(m)), said.join('\n'));
    const rejected = readdirSync(dir).find((f) => /^audit\.db\.rejected-/.test(f) && !/-(wal|shm)$/.test(f))!;
    assert.ok(rejected);
    assert.ok(readFileSync(join(dir, rejected)).equals(rejectedBefore), 'the rejected log is kept as it was: nothing was signed into it');
    assert.equal(opened(dir).previousLog, 'rejected');
    const after = await verifyCli(dir);
    assert.equal(after.code, 0, after.stdout);
  });

  test('a deleted audit.db is said loudly at start, and the new log is anchored', async () => {
    const dir = copy();
    rmSync(join(dir, 'audit.db'));
    const said = await restart(dir);
    assert.ok(said.some((m) => /AUDIT LOG MISSING/.test(m)), said.join('\n'));
    assert.equal(opened(dir).previousLog, 'missing');
    const r = await verifyCli(dir);
    assert.equal(r.code, 0, r.stdout);
  });

  test('a log cut short behind its anchor is caught and rejected', async () => {
    const dir = copy();
    tamper(dir, (db) => {
      const last = (db.prepare('SELECT max(seq) AS n FROM records').get() as { n: number }).n;
      db.prepare('DELETE FROM records WHERE seq > ?').run(last - 5);
      db.prepare('DELETE FROM checkpoints WHERE seq > ?').run(last - 5);
    });
    const r = await verifyCli(dir);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /records \d+..\d+ are gone: the anchor/);
    const said = await restart(dir);
    assert.ok(said.some((m) => /AUDIT LOG REJECTED/.test(m)), said.join('\n'));
  });

  test('an anchor signed by a key that is not the kernel\'s is refused', async () => {
    const dir = copy();
    let forged!: CheckpointRow;
    tamper(dir, (db) => {
      rewrite(db, 3);
      db.prepare('DELETE FROM checkpoints').run();
      const last = db.prepare('SELECT seq, hash FROM records ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string };
      const key = generateHybridKeyPair();
      const time = Date.now();
      // Any signature: the key is what gives it away.
      const signature = hybridSign(key, signedForm(SIGNING_PURPOSE.auditCheckpoint, checkpointMessage(last.seq, last.hash, time, true)));
      forged = { seq: last.seq, hash: last.hash, time, final: 1, key_id: key.publicKey.keyId, algorithm: 'ML-DSA-65+Ed25519', backend: 'software', signature: JSON.stringify(signatureToJson(signature)), public_key: JSON.stringify(publicKeyToJson(key.publicKey)) };
    });
    writeFileSync(join(dir, 'audit.anchor'), JSON.stringify(forged));
    const r = await verifyCli(dir);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /not one of the kernel's keys/);
    const said = await restart(dir);
    assert.ok(said.some((m) => /AUDIT LOG REJECTED/.test(m)), said.join('\n'));
  });

  test('a deleted anchor, with the log\'s checkpoints still there, is reported', async () => {
    const dir = copy();
    rmSync(join(dir, 'audit.anchor'));
    const r = await verifyCli(dir);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /no anchor/);
    assert.ok(existsSync(join(base, 'audit.anchor')));
  });
});
