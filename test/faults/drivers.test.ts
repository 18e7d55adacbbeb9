// Hostile drivers beside well-behaved ones (#16): a spinning driver cannot stall the others,
// a pointer outside a driver's memory is a trap, a driver's memory is capped and given back,
// and init runs with the manifest's configuration. The hostile module is built from
// test/fixtures/hostile-driver.as.ts and signed by a key the kernel trusts.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import type { ConfigInput } from '../../host/config/index.ts';
import { generateHybridKeyPair, type HybridKeyPair } from '../../host/crypto/hybrid.ts';
import { createLogger } from '../../host/telemetry/log.ts';
import { Code, SyscallError } from '../../host/base/errors.ts';
import type { AuditEntry } from '../../host/contract/index.ts';
import { openKernel } from '../helpers/kernel.ts';
import { buildFixture, buildProbe, probeManifest, type ProbeManifestOptions } from '../fixtures/probe.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const key: HybridKeyPair = generateHybridKeyPair();
const hostile = (maxPages = 16) => buildFixture('test/fixtures/hostile-driver.as.ts', ['--maximumMemory', String(maxPages)]);

/** A kernel with its warn lines and audit records kept, and `load` for signed fixtures. */
async function open(drivers: ConfigInput['drivers'] = {}) {
  const warnings: string[] = [];
  const lines = new Writable({ write: (chunk, _enc, done) => (warnings.push(...String(chunk).trim().split('\n')), done()) });
  const fixture = await openKernel({ drivers }, { logger: createLogger('warn', lines) });
  const kernel = fixture.kernel;
  kernel.drivers!.trust.add(key.publicKey, 'fault tests');
  const audit: AuditEntry[] = [];
  const sink = kernel.auditSink;
  kernel.auditSink = { record: (e) => (audit.push(e), sink.record(e)), committed: () => sink.committed(), refusal: () => sink.refusal() };
  const load = (module: Uint8Array, o: ProbeManifestOptions) => kernel.drivers!.load({ manifest: probeManifest(module, key, { read: ['hostile'], write: ['hostile'], ...o }), module });
  return { kernel, warnings, audit, load, close: fixture.close };
}

const failure = (p: Promise<unknown>) => p.then(() => assert.fail('the call succeeded'), (e: SyscallError) => e);

describe('a spinning driver beside a well-behaved one', () => {
  let k: Awaited<ReturnType<typeof open>>;
  before(async () => {
    k = await open({ poolSize: 4, maxConcurrentCallsPerDriver: 2 });
    await k.load(await hostile(), { name: 'spinner', timeoutMs: 3000 });
    await k.load(await buildProbe(), { name: 'steady', timeoutMs: 1500, read: ['probe'], write: ['probe'] });
  });
  after(() => k.close());

  test("with the spinner's runaway calls holding all they may, every steady call finishes within its own limit", async () => {
    // A start first: threads start on demand, and the steady calls' limit is not for that.
    await k.kernel.drivers!.invoke('steady', enc('ewarm')).catch(() => undefined);
    // Two run away for their 3 s; four more wait their turn, and run out of their 2.5 s first.
    const runaways = Array.from({ length: 6 }, (_, i) => failure(k.kernel.drivers!.invoke('spinner', enc('x'), { timeoutMs: i < 2 ? 3000 : 2500 })));
    const steady = [];
    for (let round = 0; round < 10; round++) {
      steady.push(...Array.from({ length: 4 }, (_, i) => k.kernel.drivers!.invoke('steady', enc(`e${round}.${i}`)).then((r) => dec(r.output))));
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(await Promise.all(steady), Array.from({ length: 40 }, (_, n) => `${Math.floor(n / 4)}.${n % 4}`));
    const stopped = await Promise.all(runaways);
    for (const e of stopped) assert.equal(e.code, Code.DEADLINE_EXCEEDED, e.message);
    // Two ran (as many as the spinner may have at once); the four others waited all along.
    assert.equal(stopped.filter((e) => /it waited [\d.]+ ms for a worker and ran the rest; its worker was stopped/.test(e.message)).length, 2);
    assert.equal(stopped.filter((e) => /it waited all of it for a worker/.test(e.message)).length, 4);
  });

  test('timeouts and the workers stopped for them are logged at warn', () => {
    const warned = k.warnings.map((l) => JSON.parse(l) as { level: number; msg: string }).filter((l) => l.level === 40);
    assert.ok(warned.some((l) => /driver 'spinner@1\.0\.0' did not answer within its 3000 ms limit/.test(l.msg)), 'a timeout');
    assert.ok(warned.some((l) => /driver worker stopped to end a call of 'spinner@1\.0\.0'/.test(l.msg)), 'a worker stopped');
  });

  test("the time a call waited for its turn is in its result, its audit record and the metrics", async () => {
    const stop = new AbortController();
    const held = [0, 1].map(() => failure(k.kernel.drivers!.invoke('spinner', enc('x'), { signal: stop.signal })));
    const waited = k.kernel.call('sys_driver_invoke', { name: 'spinner', input: enc('eturn') });
    await new Promise((r) => setTimeout(r, 200));
    stop.abort(); // the spinner's two calls end; the third gets its turn
    for (const e of await Promise.all(held)) assert.equal(e.code, Code.CANCELLED);
    const result = await waited;
    assert.equal(dec(result.output), 'turn');
    assert.ok(result.queuedMs >= 200 && result.queuedMs <= result.durationMs, `queued ${result.queuedMs} ms of ${result.durationMs}`);
    const record = k.audit.find((e) => e.syscall === 'sys_driver_invoke' && e.outcome === 'ok')!;
    assert.equal(record.evidence.queuedMs, result.queuedMs);
    assert.match(await k.kernel.metrics.text(), /camos_driver_queue_wait_seconds_count\{driver="spinner@1\.0\.0"\} \d+/);
  });

  test('a manifest asking a longer time limit than drivers.maxTimeoutMs is refused at load, naming the cap', async () => {
    const e = await failure(k.load(await hostile(), { name: 'patient', timeoutMs: 60_000 }));
    assert.equal(e.code, Code.FAILED_PRECONDITION);
    assert.match(e.message, /driver 'patient@1\.0\.0' asks for a time limit of 60000 ms \(limits\.timeoutMs\), over this kernel's cap of 30000 ms \(drivers\.maxTimeoutMs\)/);
    assert.equal(k.kernel.drivers!.has('patient'), false);
  });
});

describe('a pointer or length outside the instance memory', () => {
  let k: Awaited<ReturnType<typeof open>>;
  before(async () => {
    k = await open({ poolSize: 2 });
    await k.load(await hostile(), { name: 'hostile' });
    k.kernel.context!.write('hostile', 'k', enc('a value'), { author: 'tester' });
  });
  after(() => k.close());

  const breaches: [string, string, RegExp][] = [
    ['o', 'an output far past the end', /returned output \[2147483632, 2147483648\) outside its memory of \d+ bytes/],
    ['s', 'an output straddling the end', /returned output \[(\d+), (\d+)\) outside its memory of \d+ bytes/],
    ['n', 'an output whose end wraps past 2^32', /returned output \[4294967292, 4294967300\) outside its memory of \d+ bytes/],
    ['E', 'an error message straddling the end', /returned an error message \[\d+, \d+\) outside its memory of \d+ bytes/],
    ['R', 'a result record straddling the end', /returned its result record at \[\d+, \d+\) outside its memory of \d+ bytes/],
    ['L', 'a log message past the end', /passed a log message \[\d+, \d+\) outside its memory of \d+ bytes/],
    ['W', 'a context-write value straddling the end', /passed a context-write value \[\d+, \d+\) outside its memory of \d+ bytes/],
    ['K', 'a context-read result record straddling the end', /asked for the context-read result at \[\d+, \d+\) outside its memory of \d+ bytes/],
    ['A', 'an allocation answered outside memory (the host copying a read value there)', /answered an allocation \(cabi_realloc\) with \[4294967280, 4294967287\) outside its memory of \d+ bytes/],
  ];
  for (const [op, what, message] of breaches) {
    test(`${what} is a trap of that call, INTERNAL, naming the driver and the range`, async () => {
      const e = await failure(k.kernel.drivers!.invoke('hostile', enc(op)));
      assert.equal(e.code, Code.INTERNAL, e.message);
      assert.match(e.message, new RegExp(`^driver 'hostile@1\\.0\\.0' ${message.source}$`));
      assert.ok(k.audit.some((a) => a.syscall === 'driver.trap' && a.message === e.message), 'recorded as a driver.trap');
    });
  }

  test('a straddling output names the range it asked for, not the part inside memory', async () => {
    const e = await failure(k.kernel.drivers!.invoke('hostile', enc('s')));
    const [, start, end] = e.message.match(/\[(\d+), (\d+)\)/)!.map(Number);
    assert.equal(end - start, 100);
  });

  test('no write of a call that trapped on a bad pointer is committed', async () => {
    await failure(k.kernel.drivers!.invoke('hostile', enc('W')));
    assert.equal(dec(k.kernel.context!.read('hostile', 'k').value), 'a value');
  });
});

describe("a driver's memory", () => {
  test('a manifest asking more memory than drivers.maxMemoryPages is refused at load, naming the cap', async () => {
    const k = await open({ maxMemoryPages: 256 });
    try {
      const e = await failure(k.load(await hostile(512), { name: 'greedy', maxMemoryPages: 512 }));
      assert.equal(e.code, Code.FAILED_PRECONDITION);
      assert.match(e.message, /driver 'greedy@1\.0\.0' asks for 512 memory pages \(limits\.maxMemoryPages, 32768 KiB\), over this kernel's cap of 256 pages \(drivers\.maxMemoryPages\)/);
    } finally {
      await k.close();
    }
  });

  test('a worker that holds a grown memory after its call is retired at once, giving the memory back', async () => {
    const k = await open({ poolSize: 2 });
    try {
      await k.load(await hostile(2048), { name: 'grower', maxMemoryPages: 2048 });
      assert.equal(dec((await k.kernel.drivers!.invoke('grower', new Uint8Array([0x67, 100]))).output), String(1 + 100 * 16));
      const details = () => k.kernel.drivers!.health().details;
      for (let i = 0; i < 500 && Number(details().threads) > 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(details().threads, '0', 'the worker that held 100 MiB is gone');
      assert.ok(Number(details().memory_bytes) < 2 ** 20, `the pool holds ${details().memory_bytes} bytes`);
      assert.ok(k.warnings.some((l) => /driver worker retired after a call of 'grower@1\.0\.0': it held \d+ MiB/.test(l)));
      assert.equal(dec((await k.kernel.drivers!.invoke('grower', enc('eagain'))).output), 'again');
    } finally {
      await k.close();
    }
  });

  test("health reports the driver workers' memory, degraded above drivers.memoryWarningMiB", async () => {
    const k = await open({ poolSize: 2, memoryWarningMiB: 32 });
    try {
      await k.load(await hostile(2048), { name: 'grower', maxMemoryPages: 2048 });
      const drivers = async () => (await k.kernel.call('sys_health_check', { detailed: true })).components.drivers;
      assert.equal((await drivers()).status, 'ok');
      await k.kernel.drivers!.invoke('grower', new Uint8Array([0x67, 40])); // 40 MiB: below what retires a worker
      const report = await drivers();
      assert.equal(report.status, 'degraded');
      assert.ok(Number(report.details.memory_bytes) > 40 * 2 ** 20);
      assert.match(report.details.warning, /the driver workers hold \d+ MiB, over drivers\.memoryWarningMiB \(32 MiB\)/);
    } finally {
      await k.close();
    }
  });
});

describe('init', () => {
  let k: Awaited<ReturnType<typeof open>>;
  before(async () => {
    k = await open({ poolSize: 2 });
  });
  after(() => k.close());

  test("runs before handle with the manifest's config, as compact JSON", async () => {
    await k.load(await hostile(), { name: 'configured', config: { greeting: 'hi', limits: [1, 2] } });
    assert.equal(dec((await k.kernel.drivers!.invoke('configured', enc('C'))).output), '{"greeting":"hi","limits":[1,2]}');
  });

  test('without a config it runs with empty bytes', async () => {
    await k.load(await hostile(), { name: 'plain' });
    assert.equal((await k.kernel.drivers!.invoke('plain', enc('C'))).output.length, 0);
  });

  test('a trap in init fails the call, INTERNAL, naming init; the driver stays loaded', async () => {
    await k.load(await hostile(), { name: 'broken', config: 'trap' });
    const e = await failure(k.kernel.drivers!.invoke('broken', enc('ehello')));
    assert.equal(e.code, Code.INTERNAL);
    assert.match(e.message, /^driver 'broken@1\.0\.0' trapped: in init: unreachable$/);
    assert.equal(k.kernel.drivers!.has('broken'), true);
  });
});
