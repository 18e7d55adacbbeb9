// The dispatcher with a driver runner given to it (the DriverRuntime interface,
// implemented here so that a test controls when each call ends): fair share, starvation,
// preemption, weight reloads, retries and the queue bound.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { AgentRegistry } from '../host/agents/index.ts';
import { SchedulerConfigSchema, type SchedulerConfig } from '../host/scheduler/config.ts';
import { Scheduler, type TaskRunner, type TaskSpec } from '../host/scheduler/index.ts';
import { baseScore } from '../host/scheduler/score.ts';
import { heapModule } from '../host/scheduler/wasm-heap.ts';
import { Code, SyscallError } from '../host/base/errors.ts';
import type { AuditEntry } from '../host/contract/index.ts';

let dir: string;
let module: WebAssembly.Module;
const open: { agents: AgentRegistry; scheduler: Scheduler }[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'camos-sched-'));
  module = await heapModule();
});
afterEach(() => {
  for (const o of open.splice(0)) {
    o.scheduler.close();
    o.agents.close();
  }
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** A runner whose calls are recorded and end when the test says (or at once). */
class TestRunner implements TaskRunner {
  readonly capacity = 1;
  readonly calls: { taskId: string; end: (ok: boolean) => void }[] = [];
  auto = true;
  onCall?: (taskId: string) => void;
  failFirst = 0;
  has = () => true;
  list = () => [{ name: 'echo', version: '1.0.0', capabilities: ['log'] }];
  invoke(ref: string, input: Uint8Array, opts: { taskId?: string } = {}) {
    return new Promise<{ output: Uint8Array; driver: string; durationMs: number }>((resolve, reject) => {
      const end = (ok: boolean) => (ok ? resolve({ output: input, driver: `${ref}@1.0.0`, durationMs: 0 }) : reject(new SyscallError(Code.ABORTED, `driver '${ref}' trapped`)));
      this.calls.push({ taskId: opts.taskId!, end });
      this.onCall?.(opts.taskId!);
      if (this.failFirst > 0) {
        this.failFirst--;
        end(false);
      } else if (this.auto) end(true);
    });
  }
  get order() {
    return this.calls.map((c) => c.taskId);
  }
}

let n = 0;
function setup(config: Partial<SchedulerConfig> & Record<string, unknown> = {}, heap: 'wasm' | 'typescript' = 'wasm') {
  const agents = new AgentRegistry(mkdtempSync(join(dir, 'a-')), { trust: 0.5, shareWeight: 1, quotaRate: 1e6, quotaBurst: 1e6 });
  const runner = new TestRunner();
  const events: AuditEntry[] = [];
  const clock = { now: 1_000_000 };
  const cfg = SchedulerConfigSchema.parse({ concurrency: 1, heap, ...config });
  const scheduler = new Scheduler({
    config: cfg,
    agents,
    runner: () => runner,
    context: () => undefined,
    audit: () => ({ record: (e) => events.push(e), committed: () => Promise.resolve(), refusal: () => undefined }),
    heapModule: module,
    clock: () => clock.now,
  });
  open.push({ agents, scheduler });
  return { agents, runner, events, clock, scheduler, cfg };
}

const dims = (v: number) => ({ urgency: v, importance: v, efficiency: v, energy: v, trust: 1 });
function task(id: string, d = dims(0.5), extra: Partial<TaskSpec> = {}): TaskSpec {
  return { id, description: '', requirements: [], metadata: {}, deadline: 0, priorityDimensions: d, payload: new Uint8Array(0), maxRetries: 0, target: 'driver:echo', ...extra };
}
const settle = () => new Promise((r) => setImmediate(r));

for (const heap of ['wasm', 'typescript'] as const) {
  test(`two flooding agents with share weights 1 and 3 are dispatched 1:3 within 5% (${heap} heap)`, async () => {
    const { agents, runner, scheduler } = setup({}, heap);
    agents.register({ agentId: 'light', capabilities: [], shareWeight: 1 });
    agents.register({ agentId: 'heavy', capabilities: [], shareWeight: 3 });
    for (let i = 0; i < 1000; i++) {
      scheduler.commit(task(`l${i}`), 'light');
      scheduler.commit(task(`h${i}`), 'heavy');
    }
    await settle();
    // While both are backlogged (the first 1000 dispatches), work splits by weight.
    const first = runner.order.slice(0, 1000);
    const light = first.filter((id) => id.startsWith('l')).length;
    const ratio = (1000 - light) / light;
    assert.ok(Math.abs(ratio - 3) <= 0.15, `heavy:light = ${ratio.toFixed(3)}, want 3 ± 5%`);
    assert.equal(scheduler.tasks({ state: 'succeeded' }).length, 2000);
  });
}

test('a low-score task is dispatched within the aging bound under a sustained stream of higher ones', async () => {
  const rate = 0.1;
  const { agents, runner, scheduler, clock, cfg } = setup({ agingPerSecond: rate });
  agents.register({ agentId: 'busy', capabilities: [], trust: 1 });
  const q0 = 5;
  const h = 2;
  let k = 0;
  for (let i = 0; i < q0; i++) scheduler.commit(task(`high-${k++}`, dims(1)), 'busy');
  const low = dims(0);
  scheduler.commit(task('low', low), 'busy');
  // Each dispatch takes one second, during which h fresh high-score tasks arrive.
  runner.onCall = () => {
    clock.now += 1000;
    if (k < 500) for (let i = 0; i < h; i++) scheduler.commit(task(`high-${k++}`, dims(1)), 'busy');
  };
  await settle();
  const b = baseScore(low, cfg.weights);
  const bound = q0 + h * Math.ceil((1 - b) / rate) + 1;
  const at = runner.order.indexOf('low') + 1;
  assert.ok(at > 0 && at <= bound, `dispatched at ${at}, bound ${bound}`);
  assert.ok(at > q0, 'it did wait behind the higher tasks queued before it');
});

test('a queued task of much higher score takes the next worker ahead of the fair-share pick', async () => {
  const { agents, runner, scheduler } = setup({ preemptMargin: 0.25 });
  runner.auto = false;
  agents.register({ agentId: 'a', capabilities: [] });
  agents.register({ agentId: 'b', capabilities: [] });
  scheduler.commit(task('b1', dims(0.1)), 'b');
  await settle(); // b1 runs: b's pass moves ahead of a's
  scheduler.commit(task('a1', dims(0.1)), 'a');
  scheduler.commit(task('b-slightly-higher', dims(0.2)), 'b');
  scheduler.commit(task('b-urgent', dims(1)), 'b');
  runner.calls[0].end(true);
  await settle();
  runner.calls[1].end(true);
  await settle();
  runner.calls[2].end(true);
  await settle();
  assert.deepEqual(runner.order, ['b1', 'b-urgent', 'a1', 'b-slightly-higher']);
});

test('reloaded weights re-rank the tasks already queued', async () => {
  const { agents, runner, scheduler } = setup();
  runner.auto = false;
  agents.register({ agentId: 'a', capabilities: [] });
  scheduler.commit(task('blocker'), 'a');
  await settle();
  const only = (k: string) => ({ urgency: 0, importance: 0, efficiency: 0, energy: 0, trust: 0, [k]: 1 });
  scheduler.commit(task('urgent', { ...only('urgency') }), 'a');
  scheduler.commit(task('important', { ...only('importance') }), 'a');
  scheduler.reloadWeights({ urgency: 0.1, importance: 0.9, efficiency: 0, energy: 0, trust: 0 });
  runner.calls[0].end(true);
  await settle();
  assert.equal(runner.order[1], 'important');
});

test('weights that are negative or all zero are refused, and the old ones stay', () => {
  const { scheduler } = setup();
  const before = scheduler.currentWeights();
  for (const bad of [{ urgency: -1, importance: 1, efficiency: 0, energy: 0, trust: 0 }, { urgency: 0, importance: 0, efficiency: 0, energy: 0, trust: 0 }]) {
    assert.throws(() => scheduler.reloadWeights(bad), (e: SyscallError) => e.code === Code.INVALID_ARGUMENT && /scheduler\.weights/.test(e.message));
  }
  assert.deepEqual(scheduler.currentWeights(), before);
});

test('a failing task is retried up to max_retries, then marked failed, with lifecycle events', async () => {
  const { agents, runner, scheduler, events } = setup();
  agents.register({ agentId: 'a', capabilities: [] });
  runner.failFirst = 2;
  scheduler.commit(task('flaky', dims(0.5), { maxRetries: 1 }), 'a');
  await settle();
  const t = scheduler.task('flaky')!;
  assert.equal(t.state, 'failed');
  assert.equal(t.attempts, 2);
  assert.match(t.error, /trapped/);
  assert.deepEqual(
    events.filter((e) => e.taskId === 'flaky').map((e) => e.syscall),
    ['task.queued', 'task.dispatched', 'task.retried', 'task.dispatched', 'task.failed'],
  );
  runner.failFirst = 1;
  scheduler.commit(task('flaky-once', dims(0.5), { maxRetries: 1 }), 'a');
  await settle();
  assert.equal(scheduler.task('flaky-once')!.state, 'succeeded');
});

test('a full queue refuses with RESOURCE_EXHAUSTED and loses nothing it acknowledged', async () => {
  const { agents, runner, scheduler } = setup({ queueBound: 3 });
  runner.auto = false;
  agents.register({ agentId: 'a', capabilities: [] });
  scheduler.commit(task('t0'), 'a');
  await settle(); // t0 runs, the queue is empty again
  for (const id of ['t1', 't2', 't3']) scheduler.commit(task(id), 'a');
  assert.throws(() => scheduler.commit(task('t4'), 'a'), (e: SyscallError) => e.code === Code.RESOURCE_EXHAUSTED && /queueBound/.test(e.message));
  for (let i = 0; i < 4; i++) {
    runner.calls[i].end(true);
    await settle();
  }
  assert.deepEqual(scheduler.tasks({ state: 'succeeded' }).map((t) => t.taskId).sort(), ['t0', 't1', 't2', 't3']);
  assert.equal(scheduler.task('t4'), undefined);
});

test('a task whose deadline passes while it is queued fails without running', async () => {
  const { agents, runner, scheduler, clock } = setup();
  runner.auto = false;
  agents.register({ agentId: 'a', capabilities: [] });
  scheduler.commit(task('blocker'), 'a');
  await settle();
  scheduler.commit(task('due-soon', dims(0.5), { deadline: clock.now + 1000, maxRetries: 3 }), 'a');
  clock.now += 2000;
  runner.calls[0].end(true);
  await settle();
  const t = scheduler.task('due-soon')!;
  assert.deepEqual([t.state, runner.order.includes('due-soon')], ['failed', false]);
  assert.match(t.error, /missed its deadline/);
});

test('watchers see every state change of a task', async () => {
  const { agents, scheduler } = setup();
  agents.register({ agentId: 'a', capabilities: [] });
  const { taskId } = scheduler.commit(task(`w${n++}`), 'a');
  const seen: string[] = [];
  const stop = scheduler.watch(taskId, (s) => seen.push(s.state));
  await settle();
  stop();
  assert.deepEqual(seen, ['queued', 'running', 'succeeded']);
});

test('list() answers the queue in score order, each task with its terms, aging and its agent\'s stride standing', async () => {
  const { agents, runner, scheduler, clock, cfg } = setup();
  runner.auto = false;
  agents.register({ agentId: 'a', capabilities: [], shareWeight: 2 });
  agents.register({ agentId: 'b', capabilities: [] });
  scheduler.commit(task('running', dims(0.9)), 'a');
  await settle();
  scheduler.commit(task('low', dims(0.1)), 'a');
  scheduler.commit(task('high', dims(0.8)), 'b');
  clock.now += 4000;
  const all = scheduler.list({ limit: 10 });
  assert.deepEqual(all.map((l) => [l.task.taskId, l.rank]), [['high', 1], ['low', 2], ['running', 0]]);
  const high = all[0];
  assert.deepEqual(high.scoreBreakdown.map((t) => t.name), ['urgency', 'importance', 'efficiency', 'energy', 'trust', 'aging']);
  const aging = high.scoreBreakdown.at(-1)!;
  assert.ok(Math.abs(aging.value - 4) < 1e-9, `waited ${aging.value} s`);
  assert.ok(Math.abs(aging.contribution - 4 * cfg.agingPerSecond) < 1e-9);
  const sum = high.scoreBreakdown.reduce((n, t) => n + t.contribution, 0);
  assert.ok(Math.abs(sum - high.task.score) < 1e-9, 'the terms add up to the aged score');
  assert.equal(all[2].scoreBreakdown.length, 5, 'a task no longer queued has no aging term');
  assert.equal(all[1].shareWeight, 2);
  assert.equal(all[1].agentPass, 0.5, "a's pass grew by 1/2 when 'running' was dispatched");
  assert.deepEqual(scheduler.list({ agentId: 'b', limit: 10 }).map((l) => l.task.taskId), ['high']);
  assert.deepEqual(scheduler.list({ state: 'running', limit: 10 }).map((l) => l.task.taskId), ['running']);
});

test("an agent's first task is taken with a burst of one, even when the clock ticks while its bucket is made", () => {
  const { agents, scheduler, clock } = setup();
  agents.register({ agentId: 'once', capabilities: [], quotaRate: 0.001, quotaBurst: 1 });
  // commit() reads the clock, then makes the agent's bucket (reading it again) and takes a token.
  let reads = 0;
  const base = clock.now;
  Object.defineProperty(clock, 'now', { get: () => base + reads++ });
  assert.equal(scheduler.commit(task('first'), 'once').state, 'queued');
  assert.throws(() => scheduler.commit(task('second'), 'once'), /over its quota/);
});
