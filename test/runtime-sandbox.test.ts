// The sandbox a driver call runs in: time, memory, output and namespace limits, traps,
// isolation between calls, and context writes that land only when a call succeeds.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Kernel } from '../host/index.ts';
import { generateHybridKeyPair, type HybridKeyPair } from '../host/crypto/hybrid.ts';
import { Code, SyscallError, codeName } from '../host/base/errors.ts';
import { buildProbe, buildProbeImportingMemory, probeManifest } from './fixtures/probe.ts';
import { openKernel, type OpenKernel } from './helpers/kernel.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

let opened: OpenKernel;
let kernel: Kernel;
let key: HybridKeyPair;

before(async () => {
  // Four threads, two calls of one driver at once: a driver's runaways hold at most half.
  opened = await openKernel({ drivers: { poolSize: 4 } });
  kernel = opened.kernel;
  const core = await buildProbe();
  key = generateHybridKeyPair();
  kernel.drivers!.trust.add(key.publicKey, 'test publisher');
  await kernel.drivers!.load({ manifest: probeManifest(core, key, { timeoutMs: 400, maxOutputBytes: 4096 }), module: core });
  // The same module with a generous limit carries the normal load beside the runaway.
  await kernel.drivers!.load({ manifest: probeManifest(core, key, { name: 'steady', timeoutMs: 30_000 }), module: core });
  // And built as the SDK builds drivers: its memory comes from the host, reused across calls.
  const importing = await buildProbeImportingMemory();
  await kernel.drivers!.load({ manifest: probeManifest(importing, key, { name: 'importing' }), module: importing });
});

after(() => opened.close());

const call = (input: string, opts = {}) => kernel.drivers!.invoke('probe', enc(input), opts);

async function fails(input: string, code: Code, message: RegExp): Promise<void> {
  await assert.rejects(call(input), (e: SyscallError) => {
    assert.equal(e.code, code, e.message);
    assert.match(e.message, message);
    return true;
  });
}

test('a runaway loop and a memory bomb fail alone while concurrent normal calls all succeed', async () => {
  const runaway = call('l').catch((e) => e);
  // On the generous driver: a call's limit counts its wait for a thread, which a burst of
  // calls on a cold pool (threads start on demand) can make long on a busy machine.
  const bomb = kernel.drivers!.invoke('steady', enc('m')).catch((e) => e);
  const normal = Array.from({ length: 60 }, (_, i) => kernel.drivers!.invoke('steady', enc(`e${i}`)).then((r) => dec(r.output)));
  assert.deepEqual(await Promise.all(normal), Array.from({ length: 60 }, (_, i) => String(i)));
  const timeout = (await runaway) as SyscallError;
  assert.equal(timeout.code, Code.DEADLINE_EXCEEDED);
  assert.match(timeout.message, /driver 'probe@1\.0\.0' did not answer within its 400 ms limit/);
  const trap = (await bomb) as SyscallError;
  assert.equal(trap.code, Code.INTERNAL);
  assert.match(trap.message, /driver 'steady@1\.0\.0' trapped: unreachable/);
  assert.equal(dec((await call('eafter')).output), 'after', 'the kernel keeps serving after the worker was replaced');
});

test('memory.grow stops at the maximum the manifest allows', async () => {
  assert.equal(dec((await call('g')).output), '16');
});

test('every call gets a fresh instance: no state survives from one call to the next', async () => {
  const counts = await Promise.all(Array.from({ length: 20 }, () => call('c').then((r) => dec(r.output))));
  assert.deepEqual(new Set(counts), new Set(['1']));
});

test('a trap is an INTERNAL error naming the driver and the trap', async () => {
  await fails('x', Code.INTERNAL, /driver 'probe@1\.0\.0' trapped: unreachable/);
});

test("a driver's error result is ABORTED with its message", async () => {
  await fails('Ebad input', Code.ABORTED, /driver 'probe@1\.0\.0' returned an error: refused: bad input/);
});

test('output over the manifest cap is RESOURCE_EXHAUSTED', async () => {
  assert.equal((await call('b...')).output.length, 3 * 1024);
  await fails('b.....', Code.RESOURCE_EXHAUSTED, /output of 5120 bytes is over the manifest's limit of 4096 bytes/);
});

test('a write to a namespace the manifest does not grant is refused inside the call', async () => {
  await fails('dk', Code.PERMISSION_DENIED, /write of 'secret\/k' denied: the manifest grants writes to \[probe\]/);
});

test("a successful call's writes are committed; a failed call's writes are discarded", async () => {
  await call('wkept');
  assert.equal(dec(kernel.context!.read('probe', 'kept').value), 'kept');
  await fails('Wlost', Code.INTERNAL, /trapped/);
  assert.throws(() => kernel.context!.read('probe', 'lost'), (e: SyscallError) => e.code === Code.NOT_FOUND);
  assert.equal(dec((await call('rlost')).output), 'none');
});

test("a call reads its own writes, and with a task's staging its writes stay staged", async () => {
  const staging = kernel.context!.begin('task-sandbox-1', 'tester');
  assert.equal(dec((await call('ystaged-key', { staging })).output), 'staged');
  assert.deepEqual(staging.writes(), [{ namespace: 'probe', key: 'staged-key' }]);
  assert.equal(dec((await call('rstaged-key', { staging })).output), 'staged', 'a later call of the task sees the staged write');
  assert.equal(dec((await call('rstaged-key')).output), 'none', 'outside the task it is not visible');
  staging.discard();
});

test("log lines go to the kernel log and metrics to the kernel's registry, labelled by driver", async () => {
  await call('Lhello');
  const text = await kernel.metrics.text();
  assert.match(text, /camos_driver_metric\{driver="probe@1\.0\.0",name="calls"\} 1/);
});

test('timeouts and traps are recorded in the audit trail as driver events', async () => {
  const recorded: string[] = [];
  const sink = kernel.auditSink;
  kernel.auditSink = { record: (e) => (recorded.push(`${e.syscall} ${e.target}`), sink.record(e)), committed: () => sink.committed(), refusal: () => sink.refusal() };
  try {
    await call('x').catch(() => undefined);
    await call('l', { timeoutMs: 50 }).catch(() => undefined);
  } finally {
    kernel.auditSink = sink;
  }
  assert.deepEqual(recorded, ['driver.trap Driver::probe@1.0.0', 'driver.timeout Driver::probe@1.0.0']);
});

test('a call cancelled while it waits for a worker never runs; the busy workers go on', async () => {
  // Two calls of the probe (as many as one driver may have at once) run away until their
  // 400 ms limit; the third waits its turn.
  const runaways = [call('l').catch((e) => e), call('l').catch((e) => e)];
  const controller = new AbortController();
  const queued = call('wcancelled-write', { signal: controller.signal }).catch((e) => e);
  controller.abort();
  const cancelled = (await queued) as SyscallError;
  assert.equal(cancelled.code, Code.CANCELLED, cancelled.message);
  for (const r of await Promise.all(runaways)) assert.equal((r as SyscallError).code, Code.DEADLINE_EXCEEDED);
  assert.equal(dec((await call('rcancelled-write')).output), 'none', 'the cancelled call wrote nothing: it never ran');
});

test("context reads through a worker's bridge answer every call with its own key", async () => {
  for (let i = 0; i < 8; i++) kernel.context!.write('probe', `bridge-${i}`, enc(`value-${i}`), { author: 'tester' });
  const reads = Array.from({ length: 64 }, (_, n) => kernel.drivers!.invoke('steady', enc(`rbridge-${n % 8}`)).then((r) => dec(r.output)));
  assert.deepEqual(await Promise.all(reads), Array.from({ length: 64 }, (_, n) => `value-${n % 8}`));
});

test('a memory the host provides is reused zeroed: a call never sees what an earlier call left', async () => {
  const importing = (input: string) => kernel.drivers!.invoke('importing', enc(input)).then((r) => r.output);
  for (let round = 0; round < 20; round++) {
    // One call fills memory with its input; the next allocates 2 KiB and answers it unwritten.
    await Promise.all([importing(`e${'A'.repeat(8192)}`), importing(`e${'B'.repeat(8192)}`)]);
    const outputs = await Promise.all([importing('bxx'), importing('bxx')]);
    for (const out of outputs) {
      assert.equal(out.length, 2048);
      assert.ok(out.every((b) => b === 0), 'fresh allocation holds only zeros');
    }
  }
  assert.equal(dec(await importing('g')), '16', 'memory.grow still stops at the maximum');
  assert.equal(dec(await importing('eafter')), 'after', 'a grown memory is dropped, the next call gets a fresh one');
});

test('a worker that dropped a module it held (beyond 64) is sent it again', async () => {
  // 65 drivers with distinct digests (the probe plus a numbered custom section), called one
  // after another: the pool sends each to the same idle worker, which keeps the newest 64.
  const core = await buildProbeImportingMemory();
  const name = enc('camos-test-pad');
  const variant = (i: number) => new Uint8Array([...core, 0, name.length + 3, name.length, ...name, i >> 8, i & 0xff]);
  for (let i = 0; i < 65; i++) {
    const module = variant(i);
    await kernel.drivers!.load({ manifest: probeManifest(module, key, { name: `many-${i}` }), module });
    assert.equal(dec((await kernel.drivers!.invoke(`many-${i}`, enc(`e${i}`))).output), String(i));
  }
  assert.equal(dec((await kernel.drivers!.invoke('many-0', enc('eagain'))).output), 'again');
  for (let i = 0; i < 65; i++) await kernel.drivers!.unload(`many-${i}`);
});

test('one module loaded as two drivers: each call runs under its own manifest, on whichever worker', async () => {
  // One worker, so that both drivers' calls meet the same worker, which already holds the module.
  const own = await openKernel({ drivers: { poolSize: 1 } });
  const k = own.kernel;
  try {
    const core = await buildProbe();
    k.drivers!.trust.add(key.publicKey, 'test publisher');
    await k.drivers!.load({ manifest: probeManifest(core, key, { name: 'roomy', maxOutputBytes: 65536 }), module: core });
    await k.drivers!.load({ manifest: probeManifest(core, key, { name: 'tight', maxOutputBytes: 4096, write: ['other'] }), module: core });
    const run = (name: string, input: string) => k.drivers!.invoke(name, enc(input)).then((r) => r.output.length, (e: SyscallError) => `${codeName(e.code)}: ${e.message}`);
    assert.equal(await run('roomy', 'b.....'), 5 * 1024, 'roomy sends the module first');
    assert.match(String(await run('tight', 'b.....')), /^RESOURCE_EXHAUSTED: .*over the manifest's limit of 4096 bytes/);
    assert.match(String(await run('tight', 'dk')), /^PERMISSION_DENIED: .*the manifest grants writes to \[other\]/);
    assert.equal(await run('roomy', 'b.....'), 5 * 1024, "roomy keeps its own limit after tight's calls");
  } finally {
    await own.close();
  }
});
