// `npm run bench -- scheduler [--json]`
// 1. The priority queue with 10,000 live tasks: enqueue + dequeue pairs on the
//    WebAssembly heap and on its TypeScript reference, in the same run, alternating.
// 2. End to end in-process: sys_commit_task → dispatched → succeeded on the real driver
//    runtime with a trivial driver (the runtime probe's echo): throughput when flooded,
//    and queue-to-start latency when the pool is not saturated.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKernel } from '../host/index.ts';
import { generateHybridKeyPair } from '../host/crypto/hybrid.ts';
import { ReferenceHeap, type PriorityHeap } from '../host/scheduler/heap.ts';
import { WasmHeap, heapModule } from '../host/scheduler/wasm-heap.ts';
import { createScheduler, type Scheduler, type TaskRunner } from '../host/scheduler/index.ts';
import { buildProbeImportingMemory, probeManifest } from '../test/fixtures/probe.ts';
import { report, stats, type Row } from './lib.ts';

const LIVE = 10_000;
const PAIRS = 200_000;

// A fixed pseudo-random stream so that both heaps see the same work.
function lcg(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function heapRun(heap: PriorityHeap): number {
  const rnd = lcg(42);
  heap.reserve(LIVE + 1);
  for (let i = 0; i < LIVE; i++) heap.push(i, rnd(), Infinity);
  const t0 = performance.now();
  for (let i = 0; i < PAIRS; i++) {
    heap.age(0.001);
    const slot = heap.pop();
    heap.push(slot, rnd(), (i & 7) === 0 ? i : Infinity);
  }
  return performance.now() - t0;
}

const module = await heapModule();
const times: Record<string, number[]> = { wasm: [], typescript: [] };
for (let round = 0; round < 5; round++) {
  times.wasm.push(heapRun(new WasmHeap(module, 16, 0.05)));
  times.typescript.push(heapRun(new ReferenceHeap(16, 0.05)));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const heapRows: Row[] = (['wasm', 'typescript'] as const).map((impl) => ({
  heap: impl,
  live_tasks: LIVE,
  pairs: PAIRS,
  median_ms: median(times[impl]),
  'pairs/s': Math.round(PAIRS / (median(times[impl]) / 1000)),
  'ns/pair': (median(times[impl]) * 1e6) / PAIRS,
}));
const speedup = median(times.typescript) / median(times.wasm);

// ---------------------------------------------------------------- end to end
const dir = mkdtempSync(join(tmpdir(), 'camos-bench-sched-'));
const kernel = await createKernel({
  config: { dataDir: dir, logLevel: 'silent', drivers: { loadExamples: false }, scheduler: { queueBound: 100_000, retainFinished: 100_000 } },
});
const core = await buildProbeImportingMemory(); // as the SDK builds drivers
const publisher = generateHybridKeyPair();
kernel.drivers!.trust.add(publisher.publicKey, 'bench publisher');
await kernel.call('sys_driver_load', { manifestData: Buffer.from(probeManifest(core, publisher)), module: Buffer.from(core) });
const scheduler = kernel.scheduler!;
const payload = Buffer.from('e');
const task = { target: 'driver:probe', payload };

function finished(taskId: string): Promise<void> {
  return new Promise((resolve) => {
    const stop = scheduler.watch(taskId, (s) => {
      if (s.state === 'succeeded' || s.state === 'failed') {
        queueMicrotask(() => stop());
        resolve();
      }
    });
  });
}

async function drain(s: Scheduler) {
  const busy = () => s.health().details.queued !== '0' || s.health().details.running !== '0';
  while (busy()) await new Promise((r) => setTimeout(r, 2));
}

// Warm up workers and code paths.
for (let i = 0; i < 500; i++) await finished((await kernel.call('sys_commit_task', { task })).taskId);

// Flood: commit N at once, wait for the last to finish.
const FLOOD = 20_000;
const t0 = performance.now();
const ids: string[] = [];
for (let i = 0; i < FLOOD; i++) ids.push((await kernel.call('sys_commit_task', { task })).taskId);
await Promise.all(ids.slice(-200).map(finished));
await drain(scheduler);
const floodMs = performance.now() - t0;
const failures = ids.map((id) => scheduler.task(id)!).filter((t) => t.state !== 'succeeded');
const failedCount = failures.length;

// Not saturated: one task in flight, so a worker is always free.
const CLOSED = 5_000;
const inflight = 1;
const waits: number[] = [];
const t1 = performance.now();
await Promise.all(
  Array.from({ length: inflight }, async () => {
    for (let i = 0; i < CLOSED / inflight; i++) {
      const { taskId } = await kernel.call('sys_commit_task', { task });
      await finished(taskId);
      waits.push(scheduler.task(taskId)!.queueWaitMs);
    }
  }),
);
const closedMs = performance.now() - t1;
const w = stats(waits);

// The same flood straight into kernel.scheduler.commit (no syscall pipeline, policy or
// audit record of the call), still on the real driver runtime.
const spec = { id: '', description: '', requirements: [], metadata: {}, deadline: 0, priorityDimensions: null, payload, maxRetries: 0, target: 'driver:probe' };
const t2 = performance.now();
for (let i = 0; i < FLOOD; i++) scheduler.commit(spec, 'admin');
await drain(scheduler);
const directMs = performance.now() - t2;

// The scheduler's own ceiling: a Scheduler over the same registry, context staging and
// audit log, with an in-process runner that answers at once (no worker thread).
const echo: TaskRunner = {
  capacity: 2,
  has: () => true,
  list: () => [],
  invoke: async (_ref, input) => ({ output: input, driver: 'echo@0.0.0', durationMs: 0 }),
};
const own = await createScheduler({ config: kernel.config.scheduler, agents: kernel.agents!, runner: () => echo, context: () => kernel.context, audit: () => kernel.auditSink });
const t3 = performance.now();
for (let i = 0; i < FLOOD; i++) own.commit(spec, 'admin');
await drain(own);
const inProcessMs = performance.now() - t3;
own.close();
// The scheduler alone: no staging and a no-op audit sink (what the two cost is the difference).
const bare = await createScheduler({ config: kernel.config.scheduler, agents: kernel.agents!, runner: () => echo, context: () => undefined, audit: () => ({ record() {}, committed: () => Promise.resolve(), refusal: () => undefined }) });
const t4 = performance.now();
for (let i = 0; i < FLOOD; i++) bare.commit(spec, 'admin');
await drain(bare);
const bareMs = performance.now() - t4;
bare.close();
await kernel.close();
rmSync(dir, { recursive: true, force: true });

report('scheduler: priority heap, 10k live tasks (enqueue + dequeue pairs)', heapRows, { speedup_wasm_over_ts: Number(speedup.toFixed(2)) });
report(
  `scheduler: sys_commit_task → succeeded, in-process, real driver runtime (probe echo), pool of ${kernel.drivers!.capacity} threads`,
  [
    { mode: 'flood', tasks: FLOOD, 'tasks/s': Math.round(FLOOD / (floodMs / 1000)), failed: failedCount, queue_wait_p50_ms: '-', queue_wait_p99_ms: '-' },
    { mode: `not saturated (${inflight} in flight)`, tasks: waits.length, 'tasks/s': Math.round(waits.length / (closedMs / 1000)), failed: 0, queue_wait_p50_ms: w.p50, queue_wait_p99_ms: w.p99 },
    { mode: 'flood, scheduler.commit direct', tasks: FLOOD, 'tasks/s': Math.round(FLOOD / (directMs / 1000)), failed: '-', queue_wait_p50_ms: '-', queue_wait_p99_ms: '-' },
    { mode: 'flood, in-process runner (no worker)', tasks: FLOOD, 'tasks/s': Math.round(FLOOD / (inProcessMs / 1000)), failed: '-', queue_wait_p50_ms: '-', queue_wait_p99_ms: '-' },
    { mode: 'flood, in-process runner, no staging, no audit', tasks: FLOOD, 'tasks/s': Math.round(FLOOD / (bareMs / 1000)), failed: '-', queue_wait_p50_ms: '-', queue_wait_p99_ms: '-' },
  ],
);
