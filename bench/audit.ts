// Audit benchmarks: the cost the audit log adds to a syscall, the latency of an
// explanation for a task with 20 linked records, of plain-English questions over a
// 1,000,000-record log (as the admin, and as an agent whose scope the SQL applies), and
// the language model's cost: a real kernel's settled memory before and after its first
// question, and that question's latency (NLP.js loads and trains then).
// `npm run bench -- audit [--json]`; `--records N` for a smaller log.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog, QuestionAnswerer, explain, scopeOf } from '../host/audit/index.ts';
import { toRow } from '../host/audit/record.ts';
import { openAuditDb } from '../host/audit/schema.ts';
import { createKernel } from '../host/kernel.ts';
import { createLogger } from '../host/telemetry/log.ts';
import type { AuditEntry } from '../host/contract/index.ts';
import { report, stats, type Row } from './lib.ts';
import { root, settledRss, startKernel } from './_process.ts';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const RECORDS = arg('--records', 1_000_000);
const CALLS = arg('--calls', 20_000);
const dir = mkdtempSync(join(tmpdir(), 'camos-bench-audit-'));
const rows: Row[] = [];
const extra: Record<string, unknown> = {};
const us = (ms: number) => Math.round(ms * 1000 * 100) / 100;

try {
  // 0. The language model in a real kernel (alone, before anything else runs): settled RSS
  // idle, the first question (loads NLP.js, trains on host/audit/nl-train.json), the next.
  {
    const k = await startKernel();
    try {
      const idle = await settledRss(k.child.pid!, 90_000);
      const ask = async (query: string) => {
        const t0 = performance.now();
        const res = await fetch(`http://127.0.0.1:${k.port}/nl/query`, { method: 'POST', headers: { authorization: `Bearer ${k.token}` }, body: JSON.stringify({ query }) });
        if (!res.ok) throw new Error(`nl/query: ${res.status} ${await res.text()}`);
        await res.json();
        return performance.now() - t0;
      };
      const first = await ask('Which agents hit their rate limit today?');
      const later: number[] = [];
      for (const q of ['Why was agent-b throttled last night?', 'What happened at 05:57?', 'When was the router driver last updated?', 'Which tasks failed today?', 'Is the kernel healthy?']) later.push(await ask(q));
      const next = stats(later);
      const asked = await settledRss(k.child.pid!, 90_000);
      rows.push({ case: 'language model: first question in a kernel (load NLP.js + train)', n: 1, p50_us: us(first), p99_us: '' });
      rows.push({ case: 'language model: later questions in that kernel (HTTP, small log)', n: next.n, p50_us: us(next.p50), p99_us: us(next.max) });
      extra.kernelIdleRssMB = Math.round(idle.mb * 10) / 10;
      extra.kernelRssAfterQuestionsMB = Math.round(asked.mb * 10) / 10;
      extra.languageModelRssMB = Math.round((asked.mb - idle.mb) * 10) / 10;
      extra.languageModelLoadsOn = 'the first question (an idle kernel holds none of it)';
      // The parts alone, each after a full GC, in a fresh process (bench/_nl-model.ts).
      const parts = JSON.parse(execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/_nl-model.ts'], { cwd: root, encoding: 'utf8' }));
      extra.nlpjsLoadAndTrain = parts.nlpjs;
      extra.chronoLoad = parts.chrono;
    } finally {
      k.child.kill('SIGTERM');
      await new Promise((r) => k.child.once('exit', r));
      rmSync(k.dataDir, { recursive: true, force: true });
    }
  }

  // 1. Append cost: the same cheap syscall with the audit log and with a sink that drops records.
  const kernel = await createKernel({ config: { dataDir: join(dir, 'kernel'), logLevel: 'silent' } });
  const audit = kernel.audit!;
  const drop = { record: () => undefined, committed: () => Promise.resolve(), refusal: () => undefined };
  const call = () => kernel.call('sys_health_check', {}, { agent: 'bench' });
  for (let i = 0; i < 2000; i++) await call();
  const per = { with: [] as number[], without: [] as number[] };
  const callingThread: number[] = [];
  for (let round = 0; round < 10; round++) {
    for (const mode of ['with', 'without'] as const) {
      kernel.auditSink = mode === 'with' ? audit : drop;
      const t = performance.now();
      for (let i = 0; i < CALLS / 10; i++) await call();
      if (mode === 'with') callingThread.push((performance.now() - t) / (CALLS / 10));
      if (mode === 'with') audit.flush();
      per[mode].push((performance.now() - t) / (CALLS / 10));
    }
  }
  kernel.auditSink = audit;
  const w = stats(per.with);
  const wo = stats(per.without);
  const ct = stats(callingThread);
  rows.push({ case: 'sys_health_check with audit log (per call, incl. flush)', n: CALLS, p50_us: us(w.p50), p99_us: us(w.p99) });
  rows.push({ case: 'sys_health_check with audit log (per call, calling thread only)', n: CALLS, p50_us: us(ct.p50), p99_us: us(ct.p99) });
  rows.push({ case: 'sys_health_check, records dropped (per call)', n: CALLS, p50_us: us(wo.p50), p99_us: us(wo.p99) });
  extra.appendCostPerSyscallUs = us(w.p50 - wo.p50);
  extra.appendCostOnCallingThreadUs = us(ct.p50 - wo.p50);
  await kernel.close();

  // The append path alone: record() on the hot path, then the batched write.
  const solo = new AuditLog(join(dir, 'solo.db'), { checkpointEvery: 1_000_000, flushIntervalMs: 10_000, batchSize: 1_000_000, retentionDays: 0 }, { log: createLogger('silent'), signer: () => undefined });
  const sample: AuditEntry = { time: Date.now(), caller: 'agent-1', callerKind: 'agent', syscall: 'sys_context_read', door: 'grpc', target: 'Namespace::team', outcome: 'ok', code: 'ok', requestId: 'r', traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), durationUs: 12.5, policies: ['permit-team'], evidence: { key: 'plans/today', version: 3 } };
  const N = 100_000;
  let t = performance.now();
  for (let i = 0; i < N; i++) solo.record({ ...sample, requestId: `r${i}` });
  const recordMs = performance.now() - t;
  t = performance.now();
  solo.flush();
  const flushMs = performance.now() - t;
  rows.push({ case: 'AuditLog.record() (hot path, per record)', n: N, p50_us: us(recordMs / N), p99_us: '' });
  rows.push({ case: 'batched write: hash + insert (per record)', n: N, p50_us: us(flushMs / N), p99_us: '' });
  await solo.close();

  // The writer's cost per record as the kernel hands it records: a batch of `size` posted
  // each turn of the event loop (256: the default batchSize under load; 16: a group commit
  // of calls that change something at about 1,000/s), into a log of 200,000 records. CPU
  // time of every thread of this process (the main thread only records and posts) per
  // record, so a busy machine's waits do not count; the median of 3 rounds.
  for (const size of [16, 256]) {
    const per: number[] = [];
    const log = new AuditLog(join(dir, `writer-${size}.db`), { checkpointEvery: 1_000_000, flushIntervalMs: 10_000, batchSize: size, retentionDays: 0 }, { log: createLogger('silent'), signer: () => undefined });
    let i = 0;
    const fill = async (n: number) => {
      for (const end = i + n; i < end; i++) {
        log.record({ ...sample, time: Date.now(), caller: `agent-${i % 20}`, target: `Namespace::ns-${i % 10}`, requestId: `r${i}`, traceId: `${Date.now().toString(16).padStart(12, '0')}${(i % 997).toString(16).padStart(20, '0')}` });
        if (i % size === size - 1) await new Promise((r) => setImmediate(r)); // the full batch is posted
      }
      log.flush();
    };
    await fill(200_000);
    for (let round = 0; round < 3; round++) {
      const c0 = process.cpuUsage();
      await fill(20_000);
      const c = process.cpuUsage(c0);
      per.push((c.user + c.system) / 20_000);
    }
    await log.close();
    rows.push({ case: `writer: CPU per record, batches of ${size}, log of 200,000 (all threads)`, n: 60_000, p50_us: Math.round(stats(per).p50 * 100) / 100, p99_us: '' });
  }

  // A record of a call that changes something, on disk before the answer: record() and
  // committed() paced at 1,000/s (open loop), with the writer thread at nice 10 and at 0
  // (audit.writerNice), alternating rounds of 1,000 in one run.
  {
    const logs = Object.fromEntries(
      [10, 0].map((nice) => [nice, new AuditLog(join(dir, `durable-${nice}.db`), { checkpointEvery: 1_000_000, flushIntervalMs: 50, batchSize: 256, retentionDays: 0, writerNice: nice }, { log: createLogger('silent'), signer: () => undefined })]),
    );
    const lat: Record<string, number[]> = { 10: [], 0: [] };
    const paced = async (log: AuditLog, n: number, into?: number[]) => {
      const pending: Promise<void>[] = [];
      const t0 = performance.now();
      for (let i = 0; i < n; ) {
        for (const now = performance.now(); i < n && t0 + i <= now; i++) {
          const sent = performance.now();
          log.record({ ...sample, time: Date.now(), syscall: 'sys_context_write', requestId: `d${i}` });
          pending.push(log.committed().then(() => void into?.push(performance.now() - sent)));
        }
        await new Promise((r) => setTimeout(r, 1));
      }
      await Promise.all(pending);
    };
    for (const nice of [10, 0]) await paced(logs[nice], 1000);
    for (let round = 0; round < 6; round++) for (const nice of round % 2 ? [0, 10] : [10, 0]) await paced(logs[nice], 1000, lat[nice]);
    for (const nice of [10, 0]) {
      const s = stats(lat[nice]);
      rows.push({ case: `record() + committed() (on disk), 1,000/s, writer at nice ${nice}`, n: s.n, p50_us: us(s.p50), p99_us: us(s.p99) });
      await logs[nice].close();
    }
  }

  // 2-3. A big log, written directly (one transaction, prepared statements).
  const path = join(dir, 'big.db');
  const db = openAuditDb(path);
  const insert = db.prepare(
    `INSERT INTO records (seq, time, caller, caller_kind, syscall, door, target, outcome, code, message, request_id, trace_id, span_id, parent_span_id, task_id, duration_us, policies, evidence, prev_hash, hash)
     VALUES (@seq, @time, @caller, @caller_kind, @syscall, @door, @target, @outcome, @code, @message, @request_id, @trace_id, @span_id, @parent_span_id, @task_id, @duration_us, @policies, @evidence, @prev_hash, @hash)`,
  );
  const keyWrite = db.prepare('INSERT OR IGNORE INTO key_writes (namespace, key, seq) VALUES (?, ?, ?)');
  const now = Date.now();
  const start = now - 30 * 86_400_000;
  const step = (now - start) / RECORDS;
  let prev = '0'.repeat(64);
  let task = 0;
  const gen = performance.now();
  db.transaction(() => {
    for (let i = 0; i < RECORDS; i++) {
      const r = (i * 2654435761) % 1000;
      const agent = `agent-${i % 200}`;
      const e: AuditEntry = { ...sample, time: Math.floor(start + i * step), caller: agent, requestId: `r${i}`, traceId: i.toString(16).padStart(32, '0'), spanId: i.toString(16).padStart(16, '0'), evidence: {} };
      if (r < 400) Object.assign(e, { syscall: 'sys_context_read', target: `Namespace::ns-${i % 10}`, evidence: { key: `k${i % 500}`, version: 1 } });
      else if (r < 600) Object.assign(e, { syscall: 'sys_context_write', target: `Namespace::ns-${i % 10}`, evidence: { key: i % 1000 === 3 ? 'plans/today' : `k${i % 500}`, version: i } });
      else if (r < 750) {
        task++;
        const throttled = r < 620;
        const denied = r >= 620 && r < 630;
        Object.assign(e, { syscall: 'sys_commit_task', target: `Task::${task}`, taskId: String(task), outcome: throttled ? 'error' : denied ? 'denied' : 'ok', code: throttled ? 8 : denied ? 7 : 0, evidence: throttled ? { throttled: true, bucket: { tokens: 0.1, rate: 1, burst: 5, refillInMs: 900 } } : {} });
      } else Object.assign(e, { caller: 'kernel', callerKind: 'admin', door: 'kernel', syscall: r < 850 ? 'task.succeeded' : r < 860 ? 'task.failed' : 'task.queued', target: `Task::${task}`, taskId: String(task), evidence: r < 850 ? { driver: 'router@1.0.0', keysWritten: [`ns-${i % 10}/k${i % 500}`] } : r < 860 ? { driver: 'router@1.0.0', error: 'trap' } : { score: 0.5 } });
      const row = toRow(e, prev);
      prev = row.hash;
      insert.run({ ...row, seq: i + 1 });
      if (e.syscall === 'sys_context_write') keyWrite.run(e.target.slice(11), (e.evidence as { key: string }).key, i + 1);
      else if (e.syscall === 'task.succeeded') keyWrite.run(`ns-${i % 10}`, `k${i % 500}`, i + 1);
    }
    const name = db.prepare('INSERT OR IGNORE INTO names (kind, name) VALUES (?, ?)');
    for (let a = 0; a < 200; a++) name.run('agent', `agent-${a}`);
    for (let n = 0; n < 10; n++) name.run('namespace', `ns-${n}`);
  })();
  const genMs = performance.now() - gen;
  db.close();
  extra.generatedRecords = RECORDS;
  extra.generateSeconds = Math.round(genMs / 100) / 10;
  extra.auditDbMB = Math.round(statSync(path).size / 1e5) / 10;

  const big = new AuditLog(path, { checkpointEvery: 10_000_000, flushIntervalMs: 50, batchSize: 1000, retentionDays: 0 }, { log: createLogger('silent'), signer: () => undefined });
  // A task with 20 linked records, recorded last.
  for (let i = 0; i < 20; i++) big.record({ ...sample, time: now - 60_000 + i, caller: i === 0 ? 'agent-7' : 'kernel', door: i === 0 ? 'grpc' : 'kernel', syscall: i === 0 ? 'sys_commit_task' : i % 2 ? 'task.dispatched' : 'task.retried', taskId: 'bench-task', traceId: 'ee'.repeat(16), evidence: { driver: 'router@1.0.0', attempt: i } });
  big.flush();
  const time = (fn: () => unknown, n: number) => {
    const s: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      fn();
      s.push(performance.now() - t0);
    }
    return stats(s);
  };
  const ex = time(() => explain(big, { taskId: 'bench-task' }), 200);
  rows.push({ case: `sys_explain_action, task with 20 records (${RECORDS} in log)`, n: 200, p50_us: us(ex.p50), p99_us: us(ex.p99) });
  // By trace (the records_trace_set index) and by action, one request id (records_request).
  const byTrace = time(() => explain(big, { traceId: 'ee'.repeat(16) }), 200);
  rows.push({ case: `sys_explain_action, trace with 20 records (${RECORDS} in log)`, n: 200, p50_us: us(byTrace.p50), p99_us: us(byTrace.p99) });
  const byAction = time(() => explain(big, { actionId: `r${Math.floor(RECORDS / 2)}` }), 200);
  rows.push({ case: `sys_explain_action, one action by request id (${RECORDS} in log)`, n: 200, p50_us: us(byAction.p50), p99_us: us(byAction.p99) });

  const timeAsync = async (fn: () => Promise<unknown>, n: number) => {
    const s: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await fn();
      s.push(performance.now() - t0);
    }
    return stats(s);
  };
  const answerer = new QuestionAnswerer(big, {}, { timeZone: 'UTC' });
  await answerer.ask('help'); // the classifier trains on the first question: measured above, not here
  const questions = [
    'Why did agent-7 get throttled last night?',
    'What did agent-42 do in the last hour?',
    'Which tasks failed today and why?',
    'Why was task 4242 denied?',
    'Who got throttled in the last hour?',
    'Who wrote plans/today in namespace ns-3?',
    'What changed in namespace ns-5 in the last hour?',
    'What is the weather like?',
  ];
  const all: number[] = [];
  for (const q of questions) {
    const s = await timeAsync(() => answerer.ask(q), 20);
    all.push(s.p50);
    rows.push({ case: `ask: ${q}`, n: 20, p50_us: us(s.p50), p99_us: us(s.p99) });
  }
  extra.nlQueryP50OfQuestionsMs = Math.round(stats(all).p50 * 100) / 100;
  // The same questions as agent-7, who may read only its own records and namespace ns-7.
  const agentScope = await scopeOf({ id: 'agent-7', kind: 'agent' }, (action, r) => action === 'context_read' && r.id === 'ns-7', { agents: big.knownNames('agent'), namespaces: big.knownNames('namespace') });
  const scoped: number[] = [];
  for (const q of questions) {
    const s = await timeAsync(() => answerer.ask(q, { scope: agentScope }), 20);
    scoped.push(s.p50);
    rows.push({ case: `ask as agent-7: ${q}`, n: 20, p50_us: us(s.p50), p99_us: us(s.p99) });
  }
  extra.nlQueryP50OfQuestionsAsAgentMs = Math.round(stats(scoped).p50 * 100) / 100;
  await big.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
report('audit: append cost, explain and questions', rows, extra);
