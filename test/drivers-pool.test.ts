// The driver pool on its own (piscina and what camos adds around it): threads on demand,
// a call never behind another on a worker, a driver's turns, and what stopping a call does.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DriverPool, type CallTask, type PoolCall, type PoolOptions } from '../host/drivers/pool.ts';
import { CAPABILITIES } from '../host/drivers/abi.mjs';
import { now } from '../host/drivers/worker-state.mjs';
import { createLogger } from '../host/telemetry/log.ts';
import { buildProbe } from './fixtures/probe.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const log = createLogger('silent');

let module: WebAssembly.Module;
const pools: DriverPool[] = [];

before(async () => {
  module = await WebAssembly.compile((await buildProbe()) as BufferSource);
});

after(() => Promise.all(pools.map((p) => p.close())));

function pool(opts: Partial<PoolOptions> = {}): DriverPool {
  const p = new DriverPool({ maxThreads: 2, idleTimeoutMs: 60_000, maxCallsPerKey: 2, log, ...opts });
  pools.push(p);
  return p;
}

const task = (input: string, key = 'probe'): CallTask => ({
  key,
  module,
  driver: `${key}@1.0.0`,
  input: enc(input),
  maxOutputBytes: 65536,
  capabilities: [...CAPABILITIES],
  reads: ['probe'],
  writes: ['probe'],
});

const run = (p: DriverPool, input: string, key?: string, reader?: (ns: string, k: string) => Uint8Array | null) => p.run(task(input, key), reader, now() + 60_000);

async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(ok(), what);
}

const outcome = (call: PoolCall) => call.answer.then((a) => (a.output ? dec(a.output) : a.error?.code), (e: Error) => `rejected: ${e.message}`);

test('no worker thread exists before the first call, nor after idleTimeoutMs without one', async () => {
  const p = pool({ idleTimeoutMs: 100 });
  assert.equal(p.stats().threads, 0);
  assert.equal(await outcome(run(p, 'efirst')), 'first', 'the first call starts a thread');
  assert.equal(p.stats().threads, 1);
  await until('the idle thread has stopped', () => p.stats().threads === 0);
  assert.equal(await outcome(run(p, 'eagain')), 'again', 'the next call starts another');
});

test('a call goes to an idle worker, never behind a running call', async () => {
  const p = pool();
  const runaway = run(p, 'l', 'spinner');
  await until('the runaway has started', () => runaway.startedAt() > 0);
  assert.equal(await outcome(run(p, 'equick')), 'quick');
  assert.equal(runaway.endedAt(), 0, 'the runaway still runs: the quick call ran beside it');
  runaway.cancel();
  assert.equal(await outcome(runaway), 'rejected: the call was cancelled');
});

test("a driver's calls beyond its limit wait their turn; other drivers' calls take the free threads", async () => {
  const p = pool({ maxThreads: 3, maxCallsPerKey: 1 });
  const runaway = run(p, 'l', 'spinner');
  const second = run(p, 'esecond', 'spinner');
  await until('the runaway has started', () => runaway.startedAt() > 0);
  assert.deepEqual(await Promise.all([outcome(run(p, 'ea')), outcome(run(p, 'eb'))]), ['a', 'b']);
  assert.equal(second.startedAt(), 0, "the spinner's second call waits for its turn, not for a thread");
  assert.equal(p.stats().queued, 1);
  runaway.cancel();
  assert.equal(await outcome(runaway), 'rejected: the call was cancelled');
  assert.equal(await outcome(second), 'second', 'its turn comes when the runaway is stopped');
});

test('stopping the last running worker leaves no call queued behind it waiting for ever', async () => {
  // piscina (minThreads 0) starts a thread for queued calls only when a call comes or a
  // worker frees up; the pool wakes it when a worker goes.
  const p = pool({ maxThreads: 1 });
  const runaway = run(p, 'l', 'spinner');
  await until('the runaway has started', () => runaway.startedAt() > 0);
  const queued = run(p, 'equeued');
  await new Promise((r) => setTimeout(r, 50));
  runaway.cancel();
  assert.equal(await outcome(runaway), 'rejected: the call was cancelled');
  assert.equal(await outcome(queued), 'queued');
});

test('a call cancelled while it waits for a worker never runs', async () => {
  const p = pool({ maxThreads: 1 });
  const asked: string[] = [];
  const runaway = run(p, 'l', 'spinner');
  await until('the runaway has started', () => runaway.startedAt() > 0);
  const waiting = run(p, 'rskipped', 'reader', (_ns, key) => (asked.push(key), null));
  waiting.cancel();
  assert.equal(await outcome(waiting), 'rejected: the call was cancelled');
  runaway.cancel();
  assert.equal(await outcome(runaway), 'rejected: the call was cancelled');
  assert.equal(await outcome(run(p, 'rafter', 'reader', (_ns, key) => (asked.push(key), null))), 'none');
  assert.deepEqual(asked, ['after'], 'the cancelled call never asked for context: it never ran');
});

test('a worker that dies mid-call fails that call; the next call runs on a new worker', async () => {
  const p = pool({ maxThreads: 1 });
  const runaway = run(p, 'l');
  await until('the runaway has started', () => runaway.startedAt() > 0);
  // Not through the pool (which would know why): the thread just ends, as on a crash.
  const { piscina } = p as unknown as { piscina: { threads: import('node:worker_threads').Worker[] } };
  await piscina.threads[0].terminate();
  assert.match(String(await outcome(runaway)), /^rejected: worker exited with code/);
  assert.equal(await outcome(run(p, 'enext')), 'next');
});

test("the pool's workers run at the nice value they are given", { skip: process.platform !== 'linux' && 'nice values per thread are read from /proc (Linux)' }, async () => {
  const { readdirSync, readFileSync } = await import('node:fs');
  // The nice value is field 19 of /proc/<pid>/task/<tid>/stat (after the command name in parentheses).
  const niceOf = (tid: string) => Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ')[16]);
  const atNice = (n: number) => readdirSync('/proc/self/task').filter((tid) => niceOf(tid) === n).length;
  const base = niceOf(String(process.pid)); // a process may itself run niced (lowering is always allowed)
  const nice = Math.min(19, base + 7);
  assert.notEqual(nice, base, 'this process runs at nice 19 already: nothing to lower');
  const before = atNice(nice);
  const p = pool({ nice });
  assert.deepEqual(await Promise.all([outcome(run(p, 'ea', 'a')), outcome(run(p, 'eb', 'b'))]), ['a', 'b']);
  await until('the workers have lowered their priority', () => atNice(nice) === before + p.stats().threads);
  assert.equal(niceOf(String(process.pid)), base, 'the main thread keeps its priority');
});
