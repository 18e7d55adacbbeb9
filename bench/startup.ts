// `npm run bench -- startup [--json] [--quick]`: driver start-up and call latency.
//   1. warm instantiation of a cached module inside a worker thread (new WebAssembly.Instance
//      against the host functions), and the worker's whole per-call path (instantiate, lower
//      the input, handle, lift the output), without the thread hop;
//   2. an end-to-end call through the kernel in-process (sys_driver_invoke: the pipeline,
//      the pool, a fresh instance), 1 KiB input, paced at 1,000 calls/s; the pool alone
//      (runtime.invoke); the floors under them (a bare worker, and a bare piscina pool, that
//      instantiate and answer; a syscall that runs no driver); and the first call after the
//      pool went idle (it starts a thread). The pool before piscina was measured beside it
//      until commit 8a5d163 (docs/BENCHMARKS.md, "startup");
//   3. a cold hot-load of a 100 KiB signed driver: verify (digest + ML-DSA-65 + Ed25519),
//      compile, first call (the module crosses to a worker); every round is a new digest;
//   4. the same work as an Extism plug-in through @extism/extism: plugin creation, first
//      call, warm calls; and the ratios.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import createPlugin from '@extism/extism';
import { Piscina } from 'piscina';
import { createKernel } from '../host/index.ts';
import { generateHybridKeyPair } from '../host/crypto/hybrid.ts';
import { DriverPool } from '../host/drivers/pool.ts';
import { inspectCoreModule } from '../host/drivers/wasm.ts';
import { now } from '../host/drivers/worker-state.mjs';
import { createLogger } from '../host/telemetry/log.ts';
import { threadExecArgv } from '../host/base/threads.mjs';
import { buildFixture } from '../test/fixtures/probe.ts';
import { buildEcho, echoManifest, withPayload } from './_driver.ts';
import { report, stats, type Row, type Stats } from './lib.ts';

const quick = process.argv.includes('--quick');
const N = quick ? 2_000 : 10_000;
const COLD = quick ? 50 : 300;
/** Calls at the open-loop pace before the measured ones: the optimizing compiler and the heaps settle first. */
const WARM_PACED = quick ? 1_000 : 5_000;
const input = new Uint8Array(1024).map((_, i) => i & 0xff);
const us = (ms: number) => ms * 1000;
const row = (name: string, s: Stats, unit = 'us'): Row => ({ measurement: name, n: s.n, p50: s.p50, p99: s.p99, 'p99.9': s.p999, max: s.max, unit });
const inUs = (samplesMs: number[]) => stats(samplesMs.map(us));

// Built as the SDK builds drivers: the memory is imported from the host (env.memory).
const echo = await buildEcho();
const echoMemory = inspectCoreModule(echo).imports.find((i) => i.kind === 'memory')!.memory!;
const memorySpec = { initial: echoMemory.initialPages, maximum: echoMemory.maximumPages ?? 4 };
const extismEcho = await buildFixture('bench/extism/echo.as.ts', ['--maximumMemory', '4']);
const rows: Row[] = [];

// 1. Inside a worker: instantiation alone, and worker.mjs's call path.
const echoModule = await WebAssembly.compile(echo as BufferSource);
const inWorker = await new Promise<{ instantiate: number[]; call: number[] }>((resolve, reject) => {
  const w = new Worker(
    `const { workerData, parentPort } = require('node:worker_threads');
     import(workerData.worker).then(({ run }) => {
       const { module, input, n, memorySpec } = workerData;
       const instantiate = [], call = [];
       // As worker.mjs does: one memory, zeroed before each instance.
       const memory = new WebAssembly.Memory(memorySpec);
       const fresh = () => { new Uint8Array(memory.buffer).fill(0); return new WebAssembly.Instance(module, { env: { memory } }); };
       for (let i = 0; i < 2000; i++) fresh();
       for (let i = 0; i < n; i++) { const t = performance.now(); fresh(); instantiate.push(performance.now() - t); }
       const driver = { module, name: 'echo@1.0.0', maxOutputBytes: 65536, capabilities: [], reads: [], writes: [], importedMemory: memorySpec };
       for (let i = 0; i < 2000; i++) run(driver, input, undefined, i, Infinity);
       for (let i = 0; i < n; i++) { const t = performance.now(); const r = run(driver, input, undefined, i, Infinity); call.push(performance.now() - t); if (!r.output) throw new Error(JSON.stringify(r.error)); }
       parentPort.postMessage({ instantiate, call });
     }).catch((e) => { throw e; });`,
    { eval: true, workerData: { worker: new URL('../host/drivers/worker.mjs', import.meta.url).href, module: echoModule, input, n: N, memorySpec } },
  );
  w.once('message', (m) => {
    resolve(m);
    void w.terminate();
  });
  w.once('error', reject);
});
const instantiate = inUs(inWorker.instantiate);
const workerCall = inUs(inWorker.call);
rows.push(row('warm instantiation in a worker (zero the reused memory, new WebAssembly.Instance)', instantiate));
rows.push(row('worker call path, 1 KiB (instantiate + handle + copy out)', workerCall));

// Why worker.mjs is plain JavaScript: a worker's start-up, to its first answer, as a plain
// .mjs module and as TypeScript through the tsx loader (which a replaced worker pays again).
const workerStart = async (tsx: boolean): Promise<number> => {
  const t = performance.now();
  const probe = new URL(tsx ? './drivers/worker-probe.ts' : './drivers/worker-probe.mjs', import.meta.url).href;
  // Both start without the loader this benchmark runs under, as the kernel's threads do
  // (threadExecArgv); the TypeScript one registers tsx itself before importing.
  const w = tsx
    ? new Worker(`import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(probe)}); })`, { eval: true, execArgv: threadExecArgv() })
    : new Worker(new URL(probe), { execArgv: threadExecArgv() });
  await new Promise((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  });
  const ms = performance.now() - t;
  await w.terminate();
  return ms;
};
const plainStarts: number[] = [];
const tsxStarts: number[] = [];
for (let i = 0; i < (quick ? 3 : 10); i++) {
  plainStarts.push(await workerStart(false));
  tsxStarts.push(await workerStart(true));
}
rows.push(row('worker thread start to first message: plain .mjs', inUs(plainStarts)));
rows.push(row('worker thread start to first message: .ts through tsx', inUs(tsxStarts)));

// 2 and 3: a kernel with the echo driver loaded.
const dir = mkdtempSync(join(tmpdir(), 'camos-bench-startup-'));
const kernel = await createKernel({ config: { dataDir: dir, logLevel: 'silent', drivers: { loadExamples: false, watch: false } } });
const runtime = kernel.drivers!;
const key = generateHybridKeyPair();
runtime.trust.add(key.publicKey, 'bench publisher');
const manifestFor = (name: string, version: string, module: Uint8Array) => echoManifest(key, name, version, module);
await runtime.load({ manifest: manifestFor('echo', '1.0.0', echo), module: echo });
for (let i = 0; i < 500; i++) await kernel.call('sys_driver_invoke', { name: 'echo', input });

// 2. Open loop at 1,000 calls/s: call i is due at t0 + i ms, whatever happened before. The
// pacer sleeps between ticks (a spinning pacer would take a core from the workers) and sends
// every call that is due on each tick. WARM_PACED calls at the same pace go first, unmeasured.
let failed = 0;
async function paced(n: number, op: () => Promise<unknown>): Promise<number[]> {
  const lat: number[] = [];
  const pending: Promise<void>[] = [];
  const t0 = performance.now();
  for (let i = 0; i < n; ) {
    const now = performance.now();
    for (; i < n && t0 + i <= now; i++) {
      const sent = performance.now();
      pending.push(op().then(() => void lat.push(performance.now() - sent), () => void failed++));
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(pending);
  return lat;
}
const invokeEcho = () => kernel.call('sys_driver_invoke', { name: 'echo', input });

for (let i = 0; i < 500; i++) await invokeEcho();
const pacedRun = async (op: () => Promise<unknown>) => {
  await paced(WARM_PACED, op);
  return inUs(await paced(N, op));
};
const endToEnd = await pacedRun(invokeEcho);
rows.push(row('end-to-end sys_driver_invoke in-process, 1 KiB, 1,000 calls/s', endToEnd));
// The pool alone at that pace: runtime.invoke, no syscall pipeline and no audit record.
rows.push(row('driver call through the pool alone (runtime.invoke), 1 KiB, 1,000 calls/s', await pacedRun(() => runtime.invoke('echo', input))));
// The floor of the end-to-end rows in the kernel: a syscall that changes something and runs
// no driver (sys_emit_trace), paced the same way: the pipeline, and its audit record on disk
// before the answer (docs/audit.md).
{
  const emit = () => kernel.call('sys_emit_trace', { operation: 'bench.floor' });
  await paced(WARM_PACED, emit);
  rows.push(row('floor: sys_emit_trace in-process (pipeline + audit record on disk, no driver), 1,000 calls/s', inUs(await paced(N, emit))));
}

// The floor under that row on this machine: a bare worker thread (no kernel, no pool) that
// instantiates the same module and answers, paced the same way. Its p99 is thread wake-ups
// and garbage collection, not camos.
let bareRoundTrip: Stats;
{
  const bare = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     const memory = new WebAssembly.Memory(workerData.memorySpec);
     parentPort.on('message', (input) => {
       new Uint8Array(memory.buffer).fill(0);
       const inst = new WebAssembly.Instance(workerData.module, { env: { memory } });
       const ptr = inst.exports.cabi_realloc(0, 0, 1, input.length) >>> 0;
       new Uint8Array(inst.exports.memory.buffer).set(input, ptr);
       const ret = inst.exports.handle(ptr, input.length) >>> 0;
       const dv = new DataView(inst.exports.memory.buffer);
       parentPort.postMessage(new Uint8Array(inst.exports.memory.buffer).slice(dv.getUint32(ret + 4, true), dv.getUint32(ret + 4, true) + dv.getUint32(ret + 8, true)));
     });`,
    { eval: true, workerData: { module: echoModule, memorySpec } },
  );
  const waiting: ((v: unknown) => void)[] = [];
  bare.on('message', () => waiting.shift()!(undefined));
  const roundTrip = () => new Promise((resolve) => { waiting.push(resolve); bare.postMessage(input); });
  for (let i = 0; i < 500; i++) await roundTrip();
  await paced(WARM_PACED, roundTrip);
  bareRoundTrip = inUs(await paced(N, roundTrip));
  rows.push(row('bare worker round trip (no kernel): post, instantiate, answer, 1 KiB, 1,000 calls/s', bareRoundTrip));
  await bare.terminate();
  // The same through piscina (a task with a signal, as the driver pool sends): its own floor.
  const bareP = new Piscina({ filename: fileURLToPath(new URL('./drivers/bare-piscina.mjs', import.meta.url)), minThreads: 1, maxThreads: 1, atomics: 'disabled', execArgv: threadExecArgv(), workerData: { module: echoModule, memorySpec }, recordTiming: false });
  const signal = new AbortController().signal;
  const piscinaTrip = () => bareP.run(input, { signal });
  for (let i = 0; i < 500; i++) await piscinaTrip();
  await paced(WARM_PACED, piscinaTrip);
  rows.push(row('bare piscina round trip (no kernel): run, instantiate, answer, 1 KiB, 1,000 calls/s', inUs(await paced(N, piscinaTrip))));
  await bareP.destroy();
}

// The same calls back to back (closed loop): the latency of one call with no backlog.
const backToBack = async (op: () => Promise<unknown>) => {
  const lat: number[] = [];
  for (let i = 0; i < N; i++) {
    const t = performance.now();
    await op();
    lat.push(performance.now() - t);
  }
  return inUs(lat);
};
const e2eSerialStats = await backToBack(invokeEcho);
const callsPerSecond = (s: Stats) => Math.round(1e6 / s.mean);
rows.push(row('end-to-end sys_driver_invoke in-process, 1 KiB, back to back', e2eSerialStats));

// Warm calls back to back through the runtime (the pool, no syscall pipeline), for the Extism comparison.
const camosWarm = await backToBack(() => runtime.invoke('echo', input));
rows.push(row('camos warm call (runtime.invoke), 1 KiB', camosWarm));

// Lazy threads: no driver thread at idle, so the first call after idle starts one. A
// piscina pool of its own with a short idle timeout; each round waits until its thread is gone.
const afterIdle: number[] = [];
{
  const pool = new DriverPool({ maxThreads: 2, idleTimeoutMs: 50, maxCallsPerKey: 1, nice: 5, log: createLogger('silent') });
  const echoTask = { key: 'echo', module: echoModule, driver: 'echo@1.0.0', input, maxOutputBytes: 65536, capabilities: [], reads: [], writes: [], importedMemory: memorySpec };
  for (let i = 0; i < (quick ? 3 : 20); i++) {
    while (pool.stats().threads > 0) await new Promise((r) => setTimeout(r, 10));
    const t = performance.now();
    await pool.run(echoTask, undefined, now() + 10_000).answer;
    afterIdle.push(performance.now() - t);
  }
  await pool.close();
}
rows.push(row('piscina pool: first call after idle (it starts a thread), 1 KiB', inUs(afterIdle)));

// 3. Cold hot-load of a 100 KiB signed driver: a fresh digest every round (bench/_driver.ts).
const prepared = Array.from({ length: COLD }, (_, i) => {
  const module = withPayload(echo, i);
  return { module, manifest: manifestFor('big', `2.0.${i}`, module) };
});
const verifyCompile: number[] = [];
const cold: number[] = [];
for (const p of prepared) {
  const t = performance.now();
  const { driver } = await runtime.load({ manifest: p.manifest, module: p.module });
  const loaded = performance.now();
  await runtime.invoke(`big@${driver.version}`, input);
  cold.push(performance.now() - t);
  verifyCompile.push(loaded - t);
  await runtime.unload('big', driver.version);
}
const coldLoad = inUs(cold);
// ML-DSA-65 verification alone, by backend: `npm run bench -- crypto`.
rows.push(row(`cold hot-load of a ${Math.round(prepared[0].module.length / 1024)} KiB signed driver: verify + compile`, inUs(verifyCompile)));
rows.push(row(`cold hot-load of a ${Math.round(prepared[0].module.length / 1024)} KiB signed driver: verify + compile + first call`, coldLoad));
await kernel.close();
rmSync(dir, { recursive: true, force: true });

// 4. Extism: the same echo as a plug-in (foreground: on the calling thread, one instance).
const creation: number[] = [];
const first: number[] = [];
for (let i = 0; i < COLD; i++) {
  const t = performance.now();
  const plugin = await createPlugin({ wasm: [{ data: extismEcho }] }, { useWasi: false });
  const made = performance.now();
  await plugin.call('handle', input);
  first.push(performance.now() - made);
  creation.push(made - t);
  await plugin.close();
}
const plugin = await createPlugin({ wasm: [{ data: extismEcho }] }, { useWasi: false });
for (let i = 0; i < 500; i++) await plugin.call('handle', input);
const extismWarmMs: number[] = [];
for (let i = 0; i < N; i++) {
  const t = performance.now();
  const out = await plugin.call('handle', input);
  extismWarmMs.push(performance.now() - t);
  if ((out as DataView | null)?.byteLength !== input.length) throw new Error('the Extism plug-in answered the wrong length');
}
await plugin.close();
const extismCreate = inUs(creation);
const extismFirst = inUs(first);
const extismWarm = inUs(extismWarmMs);
rows.push(row('Extism plugin creation (createPlugin)', extismCreate));
rows.push(row('Extism first call', extismFirst));
rows.push(row('Extism warm call (foreground, same instance), 1 KiB', extismWarm));

const ratio = (a: number, b: number) => Number((a / b).toFixed(2));
const plots = {
  latency: {
    unit: 'µs',
    series: [
      { label: 'warm instantiation in a worker', stats: instantiate },
      { label: 'worker call path, 1 KiB', stats: workerCall },
      { label: 'bare worker round trip, 1,000/s (the floor)', stats: bareRoundTrip },
      { label: 'end-to-end sys_driver_invoke, 1,000/s', stats: endToEnd },
      { label: 'end-to-end sys_driver_invoke, back to back', stats: e2eSerialStats },
      { label: 'Extism warm call, 1 KiB', stats: extismWarm },
      { label: 'cold hot-load + first call', stats: coldLoad },
    ],
  },
  throughput: { unit: 'calls/s', bars: [{ label: 'end-to-end sys_driver_invoke in-process, 1 KiB, back to back', value: callsPerSecond(e2eSerialStats) }] },
};
report('startup (drivers)', rows, {
  failedCalls: failed,
  'back-to-back end-to-end throughput (calls/s)': callsPerSecond(e2eSerialStats),
  ratios: {
    'camos cold hot-load (verify+compile+first call) / Extism creation + first call, p50': ratio(coldLoad.p50, extismCreate.p50 + extismFirst.p50),
    'camos warm call (fresh instance in a worker) / Extism warm call, p50': ratio(camosWarm.p50, extismWarm.p50),
    'camos warm call / Extism warm call, p99': ratio(camosWarm.p99, extismWarm.p99),
    'camos worker call path (no thread hop) / Extism warm call, p50': ratio(workerCall.p50, extismWarm.p50),
    'worker start through tsx / plain .mjs, p50': ratio(stats(tsxStarts).p50, stats(plainStarts).p50),
  },
  targets: {
    'warm instantiation p99 < 500 us': instantiate.p99 < 500,
    'end-to-end 1 KiB p99 < 1 ms at 1,000 calls/s': endToEnd.p99 < 1000,
    'cold hot-load of 100 KiB p50 < 5 ms': coldLoad.p50 < 5000,
  },
}, plots);

