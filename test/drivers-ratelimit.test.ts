// The ratelimit driver (drivers-as/ratelimit) through the kernel: a token bucket per key,
// kept in context with context-read/context-write and refilled by the host clock.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Kernel } from '../host/index.ts';
import { Code } from '../host/base/errors.ts';
import { openKernel, type OpenKernel } from './helpers/kernel.ts';

let opened: OpenKernel;
let kernel: Kernel;

before(async () => {
  opened = await openKernel({ drivers: { loadExamples: true } });
  kernel = opened.kernel;
});

after(() => opened.close());

async function take(request: Record<string, unknown>): Promise<any> {
  const res = await kernel.call('sys_driver_invoke', { name: 'ratelimit', input: Buffer.from(JSON.stringify(request)) });
  return JSON.parse(Buffer.from(res.output).toString());
}

const bucket = async (key: string) => {
  const res = await kernel.call('sys_context_read', { namespace: 'ratelimit', key });
  return { version: Number(res.version), state: JSON.parse(Buffer.from(res.data).toString()) };
};

// A refill rate of one token per 1000 s: nothing refills while a test runs.
const slow = { rate: 0.001, burst: 3 };

test('allows a burst, then throttles with the time until the next token', async () => {
  const answers = [];
  for (let i = 0; i < 4; i++) answers.push(await take({ key: 'agent-a', ...slow }));
  assert.deepEqual(answers.map((a) => a.allowed), [true, true, true, false]);
  assert.deepEqual(answers.map((a) => a.remaining), [2, 1, 0, 0]);
  assert.equal(answers[3].retryAfterMs > 990_000 && answers[3].retryAfterMs <= 1_000_000, true, `retryAfterMs ${answers[3].retryAfterMs}`);
});

test('keeps the bucket in context, one version per call', async () => {
  await take({ key: 'agent-b', ...slow });
  await take({ key: 'agent-b', ...slow });
  const { version, state } = await bucket('agent-b');
  assert.equal(version, 2);
  assert.equal(state.burst, 3);
  assert.ok(state.tokens > 0.99 && state.tokens < 1.01, `tokens ${state.tokens}`);
  assert.ok(Math.abs(state.updatedMs - Date.now()) < 60_000, 'updatedMs comes from the host clock');
});

test('keeps separate buckets per key', async () => {
  for (let i = 0; i < 3; i++) await take({ key: 'agent-c', ...slow });
  assert.equal((await take({ key: 'agent-c', ...slow })).allowed, false);
  assert.equal((await take({ key: 'agent-d', ...slow })).allowed, true);
});

test('refills from the time elapsed since the stored update', async () => {
  const earlier = Date.now() - 5_000;
  await kernel.call('sys_context_write', { namespace: 'ratelimit', key: 'agent-e', data: Buffer.from(JSON.stringify({ tokens: 0, updatedMs: earlier, rate: 1, burst: 10 })) });
  const r = await take({ key: 'agent-e', rate: 1, burst: 10 });
  assert.equal(r.allowed, true);
  // About five tokens came back in five seconds; one was taken.
  assert.ok(r.remaining >= 4 && r.remaining <= 9, `remaining ${r.remaining}`);
});

test('charges a call its cost', async () => {
  const r = await take({ key: 'agent-f', cost: 4, rate: 0.001, burst: 10 });
  assert.equal(r.remaining, 6);
  assert.equal((await take({ key: 'agent-f', cost: 7, rate: 0.001, burst: 10 })).allowed, false);
});

test('refuses a cost the bucket can never hold, writing nothing', async () => {
  await assert.rejects(take({ key: 'agent-g', cost: 20, burst: 10 }), (e: any) => e.code === Code.ABORTED && e.message.includes("'cost' 20 can never be met"));
  await assert.rejects(kernel.call('sys_context_read', { namespace: 'ratelimit', key: 'agent-g' }), (e: any) => e.code === Code.NOT_FOUND);
});
