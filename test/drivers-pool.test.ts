// The driver pool on its own: a worker holding more than one call (callsPerWorker > 1),
// and what stopping one of them does to the others.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DriverPool, type CallTask, type PoolCall } from '../host/drivers/pool.ts';
import { buildProbe } from './fixtures/probe.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const CAPABILITIES = ['log', 'context-read', 'context-write', 'emit-metric', 'now-ms'];

let module: WebAssembly.Module;
let pool: DriverPool;

before(async () => {
  module = await WebAssembly.compile((await buildProbe()) as BufferSource);
  pool = new DriverPool(1, 2); // one worker that may hold two calls
  await pool.warm();
});

after(() => pool.close());

const task = (input: string): CallTask => ({
  key: 'probe',
  module,
  driver: 'probe@1.0.0',
  input: enc(input),
  maxOutputBytes: 65536,
  capabilities: CAPABILITIES,
  reads: ['probe'],
  writes: ['probe'],
});

async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(ok(), what);
}

const outcome = (call: PoolCall) => call.answer.then((a) => (a.output ? dec(a.output) : a.error?.code), (e: Error) => `rejected: ${e.message}`);

test('calls a worker holds run in order, each answered with its own output', async () => {
  const calls = ['e1', 'e2', 'e3', 'e4'].map((input) => pool.run(task(input), undefined, 1000));
  assert.deepEqual(await Promise.all(calls.map(outcome)), ['1', '2', '3', '4']);
});

test('a call held behind a runaway does not start; stopping the runaway runs it on a fresh worker', async () => {
  const runaway = pool.run(task('l'), undefined, 1000);
  const behind = pool.run(task('ebehind'), undefined, 1000);
  await until('the runaway has started', () => runaway.startedAt() > 0);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(behind.startedAt(), 0, 'a call waiting behind another has not started (its time limit does not run)');
  runaway.cancel();
  assert.equal(await outcome(runaway), 'rejected: the call was cancelled');
  assert.equal(await outcome(behind), 'behind');
});

test('a call cancelled while it waits on a busy worker is skipped when the worker comes to it', async () => {
  const asked: string[] = [];
  let waiting: PoolCall | undefined;
  // The first call asks for context; while the main thread answers, the second (already
  // handed to the same worker) is cancelled.
  const first = pool.run(task('rfirst'), (_ns, key) => {
    asked.push(key);
    waiting!.cancel();
    return null;
  }, 1000);
  waiting = pool.run(task('rskipped'), (_ns, key) => {
    asked.push(key);
    return null;
  }, 1000);
  const skipped = outcome(waiting);
  assert.equal(await outcome(first), 'none');
  assert.equal(await skipped, 'rejected: the call was cancelled');
  assert.equal(await outcome(pool.run(task('eafter'), undefined, 1000)), 'after', 'the worker goes on with the next call');
  assert.deepEqual(asked, ['first'], 'the cancelled call never ran: it never asked for context');
});

test('cancelling a waiting call leaves the call running before it alone', async () => {
  const runaway = pool.run(task('l'), undefined, 1000);
  const stopped = outcome(runaway);
  const waiting = pool.run(task('ewaiting'), undefined, 1000);
  await until('the runaway has started', () => runaway.startedAt() > 0);
  const began = runaway.startedAt();
  waiting.cancel();
  assert.equal(await outcome(waiting), 'rejected: the call was cancelled');
  const next = pool.run(task('enext'), undefined, 1000); // held behind the runaway
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(runaway.startedAt(), began, 'the runaway was not restarted: its worker was not stopped');
  assert.equal(next.startedAt(), 0);
  runaway.cancel();
  assert.equal(await stopped, 'rejected: the call was cancelled');
  assert.equal(await outcome(next), 'next');
});

test('a worker that dies mid-call fails that call; the call it held runs on its replacement', async () => {
  const runaway = pool.run(task('l'), undefined, 60_000);
  const behind = pool.run(task('eheld'), undefined, 60_000);
  await until('the runaway has started', () => runaway.startedAt() > 0);
  // Not through the pool (which would know why): the thread just ends, as on a crash.
  const { slots } = pool as unknown as { slots: { worker: import('node:worker_threads').Worker }[] };
  await slots[0].worker.terminate();
  assert.match(String(await outcome(runaway)), /^rejected: the driver worker exited with code \d+$/);
  assert.equal(await outcome(behind), 'held');
  assert.equal(await outcome(pool.run(task('enext'), undefined, 1000)), 'next', 'the replacement takes new calls');
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
  const niced = new DriverPool(2, 1, nice);
  try {
    await niced.warm();
    assert.equal(await outcome(niced.run(task('eniced'), undefined, 1000)), 'niced');
    await until('both workers have lowered their priority', () => atNice(nice) === before + 2);
    assert.equal(niceOf(String(process.pid)), base, 'the main thread keeps its priority');
  } finally {
    await niced.close();
  }
});
