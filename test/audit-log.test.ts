// The audit log: one hash-chained record per syscall, nothing lost on clean shutdown,
// signed checkpoints, and verification that names the first record altered, removed or
// inserted behind the kernel's back.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import type { Kernel } from '../host/index.ts';
import { openKernel } from './helpers/kernel.ts';
import { AuditLog, openAuditDb, verifyAuditDb } from '../host/audit/index.ts';
import { createLogger } from '../host/telemetry/log.ts';
import { hashRow, type AuditRow } from '../host/audit/record.ts';
import { Checkpointer } from '../host/context/checkpointer.ts';

// Starting a kernel costs seconds on a busy 2-core machine: one kernel writes the log
// (its records, its shutdown), and every tampering test edits a copy of the closed file.
const root = mkdtempSync(join(tmpdir(), 'camos-audit-'));
after(() => rmSync(root, { recursive: true, force: true }));
let kernel: Kernel;
let closedDir = '';
let copies = 0;

before(async () => {
  kernel = (await openKernel({ audit: { checkpointEvery: 8, flushIntervalMs: 10_000, batchSize: 100_000 } }, { dataDir: join(root, 'kernel') })).kernel;
});

/** Writes 50 more records through the kernel, then closes it (only close writes them: the flush timer is 10 s). */
async function closeKernel(): Promise<string> {
  if (!closedDir) {
    for (let i = 0; i < 50; i++) await kernel.call('sys_health_check', {}, { agent: 'agent-b' });
    await kernel.close();
    closedDir = kernel.dataDir;
  }
  return closedDir;
}

/** A copy of the closed kernel's audit log in a fresh data directory. */
async function copyOfLog(): Promise<string> {
  await closeKernel();
  const dir = join(root, `copy-${++copies}`);
  mkdirSync(dir);
  copyFileSync(join(closedDir, 'audit.db'), join(dir, 'audit.db'));
  return dir;
}

function tamper(dataDir: string, fn: (db: Database.Database) => void) {
  const db = new Database(join(dataDir, 'audit.db'));
  fn(db);
  db.close();
}

function verify(dataDir: string) {
  const db = openAuditDb(join(dataDir, 'audit.db'), { readonly: true });
  try {
    return verifyAuditDb(db);
  } finally {
    db.close();
  }
}

describe('audit log', () => {
  test('records every syscall with caller, outcome, ids and a link to the previous record', async () => {
    const k = kernel;
    await k.call('sys_health_check', {}, { agent: 'agent-a', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' });
    await assert.rejects(k.call('sys_trace_get', { traceId: 'nope' }, { agent: 'agent-a' }));
    const { records } = k.audit!.query({ caller: 'agent-a' });
    assert.deepEqual(records.map((r) => [r.syscall, r.outcome, r.code]), [['sys_health_check', 'ok', 'ok'], ['sys_trace_get', 'error', 'invalid_argument']]);
    assert.equal(records[0].traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
    assert.equal(records[0].parentSpanId, '00f067aa0ba902b7');
    assert.equal(records[1].prevHash, records[0].hash);
  });

  test('loses no record on clean shutdown: close flushes the buffer', async () => {
    await closeKernel();
    const db = openAuditDb(join(closedDir, 'audit.db'), { readonly: true });
    const n = (db.prepare("SELECT count(*) AS n FROM records WHERE caller = 'agent-b'").get() as { n: number }).n;
    db.close();
    assert.equal(n, 50);
  });

  test('signs checkpoints with the kernel key, periodically and on shutdown', async () => {
    const report = verify(await copyOfLog());
    assert.equal(report.ok, true, report.summary);
    assert.ok(report.checkpoints >= 2);
    assert.equal(report.signedThrough, report.lastSeq);
  });


  test('verify names a record whose content was altered', async () => {
    const dir = await copyOfLog();
    tamper(dir, (db) => db.prepare("UPDATE records SET caller = 'mallory' WHERE seq = 9").run());
    const report = verify(dir);
    assert.equal(report.ok, false);
    assert.deepEqual([report.problems[0].kind, report.problems[0].seq], ['altered', 9]);
  });

  test('verify names a record that was removed', async () => {
    const dir = await copyOfLog();
    tamper(dir, (db) => db.prepare('DELETE FROM records WHERE seq = 12').run());
    const report = verify(dir);
    assert.deepEqual([report.ok, report.problems[0].kind, report.problems[0].seq], [false, 'removed', 12]);
  });

  test('verify names a record that was inserted, even with a correct hash and link', async () => {
    const dir = await copyOfLog();
    tamper(dir, (db) => {
      const prev = db.prepare('SELECT * FROM records WHERE seq = 6').get() as AuditRow;
      const forged = { ...prev, caller: 'mallory', prev_hash: prev.hash };
      forged.hash = hashRow(forged);
      // Make room at seq 7 by shifting the rest of the chain up by one.
      db.prepare('UPDATE records SET seq = -seq WHERE seq >= 7').run();
      db.prepare('UPDATE records SET seq = 1 - seq WHERE seq < 0').run();
      const cols = Object.keys(forged);
      db.prepare(`INSERT INTO records (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`).run({ ...forged, seq: 7 });
    });
    const report = verify(dir);
    assert.deepEqual([report.ok, report.problems[0].kind, report.problems[0].seq], [false, 'inserted', 7]);
  });

  test('verify finds records cut from the end by the shutdown checkpoint', async () => {
    const dir = await copyOfLog();
    tamper(dir, (db) => db.prepare('DELETE FROM records WHERE seq >= 50').run());
    const report = verify(dir);
    assert.deepEqual([report.ok, report.problems[0].kind, report.problems[0].seq], [false, 'removed', 50]);
  });

  test('verify finds a well-formed record appended after the shutdown checkpoint', async () => {
    const dir = await copyOfLog();
    tamper(dir, (db) => {
      const last = db.prepare('SELECT * FROM records ORDER BY seq DESC LIMIT 1').get() as AuditRow;
      const forged = { ...last, seq: last.seq + 1, caller: 'mallory', prev_hash: last.hash };
      forged.hash = hashRow(forged);
      const cols = Object.keys(forged);
      db.prepare(`INSERT INTO records (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`).run(forged);
    });
    const report = verify(dir);
    assert.deepEqual([report.ok, report.problems[0].kind], [false, 'inserted']);
  });

  test('verify finds a chain rewritten with recomputed hashes through its signed checkpoint', async () => {
    const dir = await copyOfLog();
    tamper(dir, (db) => {
      const rows = db.prepare('SELECT * FROM records ORDER BY seq').all() as AuditRow[];
      let prev = rows[1].prev_hash;
      const update = db.prepare('UPDATE records SET caller = ?, prev_hash = ?, hash = ? WHERE seq = ?');
      for (const r of rows.slice(1)) {
        const row = { ...r, caller: r.seq === 3 ? 'mallory' : r.caller, prev_hash: prev };
        row.hash = hashRow(row);
        update.run(row.caller, row.prev_hash, row.hash, r.seq);
        prev = row.hash;
      }
    });
    const report = verify(dir);
    assert.equal(report.ok, false);
    assert.equal(report.problems[0].kind, 'altered');
    assert.ok(report.problems[0].seq <= 3);
  });

  test('a restarted kernel continues the chain; retention prunes up to a checkpoint and the rest still verifies', async () => {
    const k = (await openKernel({ audit: { checkpointEvery: 8 } }, { dataDir: await copyOfLog() })).kernel;
    await k.call('sys_health_check', {}, { agent: 'agent-a' });
    assert.equal(k.audit!.verify().ok, true);
    await k.audit!.checkpoint(false);
    const pruned = k.audit!.prune(Date.now() + 1000);
    assert.ok(pruned > 0);
    await k.call('sys_health_check', {}, { agent: 'agent-a' });
    const report = k.audit!.verify();
    assert.equal(report.ok, true, report.summary);
    assert.ok(report.firstSeq > 1);
    await k.close();
  });

  test('SIGKILL keeps every flushed record and leaves a chain that verifies and continues', async () => {
    const dir = join(root, 'killed');
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'audit-sigkill.ts'), dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((r) => child.once('exit', r));
    await new Promise<void>((resolve, reject) => {
      let out = ''; // the word may arrive in two chunks
      child.stdout!.on('data', (d) => (out += d).includes('flushed') && resolve());
      child.once('exit', () => reject(new Error('the child exited before flushing')));
    });
    child.kill('SIGKILL');
    await exited;
    const report = verify(dir);
    assert.equal(report.ok, true, report.summary);
    const db = openAuditDb(join(dir, 'audit.db'), { readonly: true });
    const n = (db.prepare("SELECT count(*) AS n FROM records WHERE caller = 'agent-k'").get() as { n: number }).n;
    db.close();
    assert.ok(n >= 200, `${n} records survived`);
    const k = (await openKernel({}, { dataDir: dir })).kernel;
    const opened = k.audit!.query({ syscalls: ['audit.opened'], order: 'desc', limit: 1 }).records[0];
    assert.equal(opened.evidence.cleanShutdown, false);
    assert.equal(k.audit!.verify().ok, true);
    await k.close();
  });

  test('a process that exits without closing the kernel still writes its buffered records', async () => {
    const dir = join(root, 'exited');
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'audit-exit.ts'), dir], { stdio: ['ignore', 'inherit', 'inherit'] });
    const code = await new Promise((r) => child.once('exit', r));
    assert.equal(code, 0);
    const report = verify(dir);
    assert.equal(report.ok, true, report.summary);
    const db = openAuditDb(join(dir, 'audit.db'), { readonly: true });
    const n = (db.prepare("SELECT count(*) AS n FROM records WHERE caller = 'agent-x'").get() as { n: number }).n;
    db.close();
    assert.equal(n, 120);
  });

  test('a kernel embedded with nothing else holding its event loop answers a call that waits for its record on disk', async () => {
    // The writer thread and its replies port are unref'd; without a hold while a caller waits,
    // such a process ended with the call unanswered (exit code 13: a top-level await unsettled).
    const dir = join(root, 'answered');
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'audit-answer.ts'), dir]);
    assert.deepEqual(JSON.parse(stdout), { version: 1 });
  });

  test('camos audit verify reports tampering and exits 1; export prints JSON lines', async () => {
    const dir = await copyOfLog();
    const cli = (...args: string[]) => promisify(execFile)(process.execPath, ['bin/camos.mjs', ...args], { cwd: join(import.meta.dirname, '..') });
    const good = await cli('audit', 'verify', '--data-dir', dir);
    assert.match(good.stdout, /intact/);
    const exported = await cli('audit', 'export', '--since', '2020-01-01', '--format', 'jsonl', '--data-dir', dir);
    const lines = exported.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.filter((r) => r.caller === 'agent-b').length, 50);
    assert.ok(lines.every((r) => typeof r.code === 'number'), 'an export carries codes as the log stores them: numbers');
    tamper(dir, (db) => db.prepare("UPDATE records SET outcome = 'denied' WHERE seq = 4").run());
    await assert.rejects(cli('audit', 'verify', '--data-dir', dir), (e: any) => e.code === 1 && /record 4 was altered/.test(e.stdout));
  });
});

describe('audit log file', () => {
  test("a query by trace uses the index of records that have one; an older file's full trace index is dropped", async () => {
    const dir = join(root, 'trace-index');
    mkdirSync(dir);
    const path = join(dir, 'audit.db');
    // A file from before: the full index on trace_id.
    const old = openAuditDb(path);
    old.exec('DROP INDEX IF EXISTS records_trace_set; CREATE INDEX records_trace ON records(trace_id);');
    old.close();
    const log = new AuditLog(path, { checkpointEvery: 1_000_000, flushIntervalMs: 10_000, batchSize: 1000, retentionDays: 0 }, { log: createLogger('silent'), signer: () => undefined });
    const trace = 'f'.repeat(32);
    const entry = { time: Date.now(), caller: 'agent-t', callerKind: 'agent' as const, syscall: 'sys_health_check', door: 'grpc' as const, target: 'Kernel::health', outcome: 'ok' as const, code: 'ok' as const, requestId: 'r', traceId: trace, spanId: 'a'.repeat(16), durationUs: 1, evidence: {} };
    log.record(entry);
    log.record({ ...entry, requestId: 'r2' });
    log.record({ ...entry, requestId: 'r3', traceId: '', syscall: 'task.queued', door: 'kernel' as const });
    const found = log.query({ traceId: trace, limit: 10 });
    assert.deepEqual(found.records.map((r) => r.requestId), ['r', 'r2']);
    await log.close();
    const db = new Database(path, { readonly: true });
    const indexes = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'records_trace%'").all() as { name: string }[]).map((r) => r.name);
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${found.sql}`).all() as { detail: string }[]).map((r) => r.detail).join('; ');
    db.close();
    assert.deepEqual(indexes, ['records_trace_set']);
    assert.match(plan, /records_trace_set/);
  });

  test('committed() with nothing new to write answers once what was written before is committed', async () => {
    const dir = join(root, 'committed-idle');
    mkdirSync(dir);
    const log = new AuditLog(join(dir, 'audit.db'), { checkpointEvery: 1_000_000, flushIntervalMs: 600_000, batchSize: 1000, retentionDays: 0 }, { log: createLogger('silent'), signer: () => undefined });
    log.record({ time: Date.now(), caller: 'agent-t', callerKind: 'agent', syscall: 'sys_health_check', door: 'grpc', target: 'Kernel::health', outcome: 'ok', code: 'ok', requestId: 'r', traceId: '', spanId: '', durationUs: 1, evidence: {} });
    await log.committed();
    // Nothing buffered now: this used to wait for the next record (here, the flush timer's 10 minutes).
    let hung: NodeJS.Timeout | undefined;
    const answered = await Promise.race([log.committed().then(() => 'answered'), new Promise((r) => (hung = setTimeout(() => r('still waiting after 60 s'), 60_000)))]);
    clearTimeout(hung);
    assert.equal(answered, 'answered');
    await log.close();
  });

  test('every field lands in its own column; bytes and bigints in evidence are stored JSON-safe', async () => {
    const dir = join(root, 'columns');
    mkdirSync(dir);
    const path = join(dir, 'audit.db');
    const log = new AuditLog(path, { checkpointEvery: 1_000_000, flushIntervalMs: 10_000, batchSize: 1000, retentionDays: 0 }, { log: createLogger('silent'), signer: () => undefined });
    const entry = {
      time: 1_700_000_000_123.7, caller: 'agent-x', callerKind: 'agent' as const, syscall: 'sys_context_write', door: 'grpc' as const, target: 'Namespace::notes',
      outcome: 'denied' as const, code: 'permission_denied' as const, message: 'no policy permits it', requestId: 'req-1', traceId: 'a'.repeat(32), spanId: 'b'.repeat(16),
      parentSpanId: 'c'.repeat(16), taskId: 'task-9', durationUs: 12.3456, policies: ['p1', 'p2'],
      evidence: { key: 'k', plain: [1, 'two', null], nested: { bytes: new Uint8Array([1, 2, 3]), big: 5n } },
    };
    log.record(entry);
    log.record({ ...entry, requestId: 'req-2', evidence: { key: 'k2', flat: true } });
    log.flush();
    await log.close();
    const db = new Database(path, { readonly: true });
    const rows = db.prepare("SELECT * FROM records WHERE request_id LIKE 'req-%' ORDER BY seq").all() as AuditRow[];
    db.close();
    assert.equal(rows.length, 2);
    const { seq: _seq, prev_hash: _prev, hash: _hash, ...columns } = rows[0];
    assert.deepEqual(columns, {
      time: 1_700_000_000_123, caller: 'agent-x', caller_kind: 'agent', syscall: 'sys_context_write', door: 'grpc' as const, target: 'Namespace::notes',
      outcome: 'denied', code: 7, message: 'no policy permits it', request_id: 'req-1', trace_id: 'a'.repeat(32), span_id: 'b'.repeat(16),
      parent_span_id: 'c'.repeat(16), task_id: 'task-9', duration_us: 12.346, policies: '["p1","p2"]',
      evidence: '{"key":"k","plain":[1,"two",null],"nested":{"bytes":"AQID","big":5}}',
    });
    assert.equal(rows[1].evidence, '{"key":"k2","flat":true}');
    assert.equal(rows[1].prev_hash, rows[0].hash, 'the second chains from the first');
    for (const r of rows) assert.equal(hashRow(r), r.hash);
  });

  test('batches queued behind each other are written together and still form one chain', async () => {
    const dir = join(root, 'coalesced');
    mkdirSync(dir);
    const path = join(dir, 'audit.db');
    // Small batches posted faster than the writer takes them: it writes several per transaction.
    const log = new AuditLog(path, { checkpointEvery: 1_000_000, flushIntervalMs: 10_000, batchSize: 7, retentionDays: 0 }, { log: createLogger('silent'), signer: () => undefined });
    for (let i = 0; i < 3000; i++) {
      log.record({ time: Date.now(), caller: `agent-${i % 5}`, callerKind: 'agent', syscall: 'sys_health_check', door: 'kernel', target: 'Kernel::health', outcome: 'ok', code: 'ok', requestId: `r${i}`, traceId: '', spanId: '', durationUs: 1, evidence: { i } });
      if (i % 7 === 6) await new Promise((r) => setImmediate(r)); // a full buffer is posted on the next turn
    }
    log.flush();
    const records = log.query({ syscalls: ['sys_health_check'], limit: 10_000, order: 'asc' }).records;
    assert.deepEqual(records.map((r) => r.evidence.i), Array.from({ length: 3000 }, (_, i) => i), 'every record, in order');
    await log.close();
    const db = openAuditDb(path, { readonly: true });
    const report = verifyAuditDb(db);
    db.close();
    assert.equal(report.ok, true, report.summary);
    assert.equal(report.records, 3001); // and the log's own audit.opened
  });

  test('past maxPendingRecords, record() waits for the writer thread, which runs at its nice value', async () => {
    const dir = join(root, 'pending');
    mkdirSync(dir);
    const path = join(dir, 'audit.db');
    const linux = process.platform === 'linux';
    // The nice value is field 19 of /proc/<pid>/task/<tid>/stat (after the command name in parentheses).
    const niceOf = (tid: string) => Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ')[16]);
    const atNice = (n: number) => readdirSync('/proc/self/task').filter((tid) => niceOf(tid) === n).length;
    const base = linux ? niceOf(String(process.pid)) : 0;
    const nice = Math.min(19, base + 6);
    const before = linux ? atNice(nice) : 0;
    // Two batches of 7 at most in flight; records large enough (200 KB each) that the writer,
    // which hashes and stores them, falls behind the main thread, which only hands them over.
    const log = new AuditLog(path, { checkpointEvery: 1_000_000, flushIntervalMs: 10_000, batchSize: 7, retentionDays: 0, maxPendingRecords: 14, writerNice: nice }, { log: createLogger('silent'), signer: () => undefined });
    const padding = 'p'.repeat(200_000);
    let most = 0;
    for (let i = 0; i < 7 * 30; i++) {
      log.record({ time: Date.now(), caller: 'agent-p', callerKind: 'agent', syscall: 'sys_health_check', door: 'kernel', target: 'Kernel::health', outcome: 'ok', code: 'ok', requestId: `r${i}`, traceId: '', spanId: '', durationUs: 1, evidence: { i, padding } });
      if (i % 7 === 6) {
        await new Promise((r) => setImmediate(r)); // the full buffer is posted
        most = Math.max(most, Number(log.health().details.pending_batches));
      }
    }
    assert.equal(most, 2, 'the writer fell behind by the bound (2 batches) and never further');
    if (linux) {
      assert.notEqual(nice, base, 'this process runs at nice 19 already: nothing to lower');
      assert.equal(atNice(nice), before + 1, 'the writer thread lowered its priority');
      assert.equal(niceOf(String(process.pid)), base, 'the main thread keeps its priority');
    }
    log.flush();
    assert.equal(log.query({ caller: 'agent-p', limit: 1000 }).records.length, 210, 'nothing was dropped');
    await log.close();
  });

  test('the writer thread starts with the first batch, stops once idle, and a restarted one continues the chain', async () => {
    const dir = join(root, 'idle-writer');
    mkdirSync(dir);
    const path = join(dir, 'audit.db');
    const log = new AuditLog(path, { checkpointEvery: 1_000_000, flushIntervalMs: 10_000, batchSize: 100_000, retentionDays: 0, writerIdleMs: 50 }, { log: createLogger('silent'), signer: () => undefined });
    const details = () => log.health().details;
    const stopped = async () => {
      for (let i = 0; i < 200 && details().writer_thread === 'running'; i++) await new Promise((r) => setTimeout(r, 20));
      return details().writer_thread;
    };
    assert.equal(details().writer_thread, 'stopped (starts with the next batch)', 'no thread before the first batch');
    const entry = (i: number) => ({ time: Date.now(), caller: 'agent-i', callerKind: 'agent' as const, syscall: 'sys_context_write', door: 'kernel' as const, target: 'Namespace::n', outcome: 'ok' as const, code: 'ok' as const, requestId: `r${i}`, traceId: '', spanId: '', durationUs: 1, evidence: { i } });
    log.record(entry(0));
    await log.committed();
    assert.equal(details().writer_thread, 'running', 'the first batch starts it');
    assert.equal(await stopped(), 'stopped (starts with the next batch)', 'idle, it stops');
    for (let round = 1; round <= 2; round++) {
      log.record(entry(round));
      await log.committed(); // a durable record, on disk through a new thread
      assert.equal(details().writer_threads_started, String(round + 1));
      assert.equal(await stopped(), 'stopped (starts with the next batch)');
    }
    assert.deepEqual(log.query({ caller: 'agent-i', order: 'asc' }).records.map((r) => r.evidence.i), [0, 1, 2]);
    assert.equal(log.verify().ok, true, 'one chain across the threads');
    await log.close();
  });

  test('a checkpointer thread starts with a commit and ends after a while without one', async () => {
    const dir = join(root, 'idle-checkpointer');
    mkdirSync(dir);
    const path = join(dir, 'c.db');
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE t (x)');
    const cp = new Checkpointer(path, 50);
    assert.equal(cp.running, false, 'none before a commit');
    for (let round = 1; round <= 2; round++) {
      db.prepare('INSERT INTO t VALUES (?)').run(round);
      cp.committed();
      assert.equal(cp.running, true, 'a commit starts it');
      assert.equal(cp.started, round);
      for (let i = 0; i < 200 && cp.running; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(cp.running, false, 'idle, it ends');
    }
    cp.close();
    db.close();
  });

  test("a checkpointer thread copies the writer's log into the database file", async () => {
    const dir = join(root, 'checkpointer');
    mkdirSync(dir);
    const path = join(dir, 'audit.db');
    const log = new AuditLog(path, { checkpointEvery: 1_000_000, flushIntervalMs: 50, batchSize: 1000, retentionDays: 0 }, { log: createLogger('silent'), signer: () => undefined });
    const thread = () => (log as unknown as { checkpointer: { worker?: unknown } }).checkpointer.worker;
    log.flush();
    assert.equal(thread(), undefined, 'a log of a few records has no checkpointer thread');
    const before = statSync(path).size;
    // About 10 MB of records, far under the ~200 MB of log at which the writer's own
    // connection would checkpoint: only the checkpointer thread can copy them into the file.
    const padding = 'x'.repeat(1000);
    for (let i = 0; i < 10_000; i++) {
      log.record({ time: Date.now(), caller: 'agent-c', callerKind: 'agent', syscall: 'sys_health_check', door: 'kernel', target: 'Kernel::health', outcome: 'ok', code: 'ok', requestId: `r${i}`, traceId: '', spanId: '', durationUs: 1, evidence: { padding } });
    }
    log.flush();
    assert.ok(thread(), 'thousands of records start it');
    for (let i = 0; i < 100 && statSync(path).size < before + (10 << 20); i++) await new Promise((r) => setTimeout(r, 50));
    const size = statSync(path).size;
    assert.ok(size >= before + (10 << 20), `the database file holds the records written (${size} bytes, ${before} before)`);
    assert.equal(log.query({ caller: 'agent-c', limit: 100_000 }).records.length, 10_000);
    await log.close();
  });
});
