// The events plain-English questions need, recorded by a real kernel as they happen: driver
// loads, updates and unloads, throttles with the task they refused, policy updates, the
// driver grant that let a task run; and the questions and explanations that read them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Kernel } from '../host/index.ts';
import { generateHybridKeyPair } from '../host/crypto/hybrid.ts';
import { Code, type SyscallError } from '../host/base/errors.ts';
import type { TaskStatus } from '../host/scheduler/index.ts';
import { buildProbe, probeManifest } from './fixtures/probe.ts';
import { openKernel, type OpenKernel } from './helpers/kernel.ts';

let fixture: OpenKernel;
let kernel: Kernel;
let load: (version: string) => Promise<unknown>;

before(async () => {
  fixture = await openKernel({ drivers: { poolSize: 1, watch: true } });
  kernel = fixture.kernel;
  const core = await buildProbe();
  const publisher = generateHybridKeyPair();
  kernel.drivers!.trust.add(publisher.publicKey, 'test publisher');
  load = (version) => kernel.call('sys_driver_load', { manifestData: Buffer.from(probeManifest(core, publisher, { version })), module: Buffer.from(core) });
  await load('1.0.0');
  const { policyData } = await kernel.call('sys_policy_get', {});
  await kernel.call('sys_policy_update', { policyId: 'probe-grant', policyData: `${policyData}\n@id("agents-use-probe")\npermit (principal is Agent, action == Action::"driver_invoke", resource in Driver::"probe");\n` });
  await kernel.call('sys_agent_register', { agentId: 'agent-b', quotaRate: 0.001, quotaBurst: 1 });
  await kernel.call('sys_agent_register', { agentId: 'agent-c' });
});
after(async () => {
  await fixture.close();
});

const records = (syscalls: string[]) => kernel.audit!.query({ syscalls, limit: 100 }).records;
const ask = (q: string) => kernel.call('sys_nl_query', { query: q });
function until(taskId: string, state: string): Promise<TaskStatus> {
  return new Promise((resolve) => {
    const stop = kernel.scheduler!.watch(taskId, (s) => {
      if (s.state === state) {
        queueMicrotask(() => stop());
        resolve(s);
      }
    });
  });
}

describe('recorded events', () => {
  test('a driver load is recorded, a newer version with the one it follows, an unload with what stays loaded', async () => {
    await load('1.1.0');
    await kernel.call('sys_driver_unload', { name: 'probe', version: '1.0.0' });
    const events = records(['driver.loaded', 'driver.unloaded']).map((r) => [r.syscall, r.evidence.driver, r.evidence.previous ?? r.evidence.remaining ?? null]);
    assert.deepEqual(events, [
      ['driver.loaded', 'probe@1.0.0', null],
      ['driver.loaded', 'probe@1.1.0', '1.0.0'],
      ['driver.unloaded', 'probe@1.0.0', ['1.1.0']],
    ]);
    const a = await ask('When was the probe driver last updated?');
    assert.equal(a.intent, 'driver_history');
    assert.match(a.answer, /Driver probe was last updated at .* \(1\.0\.0 to probe@1\.1\.0\)/);
    assert.match(a.answer, /probe@1\.0\.0 unloaded at .* \(1\.1\.0 still loaded\)/);
  });

  test('a throttled submission names the task it refused, and its question and explanation find it', async () => {
    // agent-b's bucket holds one token: submit until refused, once naming the task, once not.
    const refusedOf = async (id?: string) => {
      for (let i = 1; i <= 5; i++) {
        const task = { id: id ? `${id}-${i}` : '', target: 'driver:probe' };
        const refused = await kernel.call('sys_commit_task', { task }, { agent: 'agent-b' }).then(
          () => false,
          (e: SyscallError) => (assert.equal(e.code, Code.RESOURCE_EXHAUSTED, e.message), true),
        );
        if (refused) return task.id;
      }
      assert.fail('agent-b was never throttled');
    };
    const refused = await refusedOf('b-sum');
    await refusedOf();
    const [named, unnamed] = kernel.audit!.query({ caller: 'agent-b', code: Code.RESOURCE_EXHAUSTED, limit: 10 }).records;
    assert.equal(named.taskId, refused);
    assert.match(unnamed.taskId ?? '', /^task-/, 'a task the kernel named is named too');
    assert.equal(unnamed.evidence.taskId, unnamed.taskId);
    const ex = await kernel.call('sys_explain_action', { taskId: refused });
    assert.deepEqual(ex.records.map((r: { kind: string }) => r.kind), ['submitted', 'authorized', 'throttled']);
    assert.equal(ex.confidence, 1);
    const a = await ask(`Why did task ${refused} get throttled?`);
    assert.match(a.answer, new RegExp(`Task ${refused} was throttled at .*token bucket held [\\d.]+ of 1 tokens`));
  });

  test('a task on a driver names the grant that let it run, and its chain runs from request to outcome', async () => {
    const { taskId } = await kernel.call('sys_commit_task', { task: { id: 'c-run-1', target: 'driver:probe', payload: Buffer.from('e1') } }, { agent: 'agent-c' });
    await until(taskId, 'succeeded');
    const ex = await kernel.call('sys_explain_action', { taskId });
    assert.deepEqual(ex.records.map((r: { kind: string }) => r.kind), ['submitted', 'authorized', 'queued', 'dispatched', 'succeeded']);
    assert.match(ex.explanation, /authorized by policy submit-tasks; running it on driver probe@1\.1\.0 by policy agents-use-probe/);
    assert.equal(ex.confidence, 1);
  });

  test('a policy update records the version it replaced', async () => {
    const [update] = records(['sys_policy_update']);
    assert.deepEqual([update.evidence.policyVersion, update.evidence.previousVersion], [2, 1]);
    const a = await ask('When was the policy last changed?');
    assert.match(a.answer, /admin set version 2 \('probe-grant'\) over version 1/);
  });

  test('a refusal at the authorize stage is explained with the policy engine\'s reason', async () => {
    await assert.rejects(kernel.call('sys_context_write', { namespace: 'finance', key: 'q3', data: Buffer.from('x') }, { agent: 'agent-c' }), (e: SyscallError) => e.code === Code.PERMISSION_DENIED);
    const a = await ask("Why couldn't agent-c write to finance?");
    assert.equal(a.intent, 'why_denied');
    assert.match(a.answer, /context_write on Namespace::finance: no policy permits Agent::"agent-c" to context_write on Namespace::"finance" \(policy set v2 denies by default\)/);
  });
});
