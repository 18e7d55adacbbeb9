// Agents and tasks through the syscall table, run on the real driver runtime with the
// runtime probe driver (test/fixtures/runtime-probe.as.ts): registration, arbitration,
// commit → succeeded with staged context writes, retries, rollback, quotas, bad input.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Kernel } from '../host/index.ts';
import { generateHybridKeyPair } from '../host/crypto/hybrid.ts';
import { Code, SyscallError } from '../host/base/errors.ts';
import type { AuditEntry } from '../host/contract/index.ts';
import type { TaskStatus } from '../host/scheduler/index.ts';
import { buildProbe, probeManifest } from './fixtures/probe.ts';
import { AgentRegistry } from '../host/agents/index.ts';
import { openKernel, type OpenKernel } from './helpers/kernel.ts';

const enc = (s: string) => Buffer.from(s);
const dec = (b: Uint8Array) => Buffer.from(b).toString();

let opened: OpenKernel;
let kernel: Kernel;
const audit: AuditEntry[] = [];

before(async () => {
  opened = await openKernel({ drivers: { poolSize: 2, watch: true } });
  kernel = opened.kernel;
  const sink = kernel.auditSink;
  kernel.auditSink = { record: (e) => (audit.push(e), sink.record(e)), committed: () => sink.committed(), refusal: () => sink.refusal() };
  const core = await buildProbe();
  const publisher = generateHybridKeyPair();
  kernel.drivers!.trust.add(publisher.publicKey, 'test publisher');
  await kernel.call('sys_driver_load', { manifestData: enc(probeManifest(core, publisher, { timeoutMs: 500 })), module: Buffer.from(core) });
  // Driver threads start on demand, within a call's time limit: one call first (the thread
  // goes on starting should it time out), so that the tasks' 500 ms measure tasks, not a
  // thread start on a busy machine.
  await kernel.drivers!.invoke('probe', enc('ewarm')).catch(() => undefined);
  // Tasks on a driver need the same grant as invoking it: let agents use the probe.
  const { policyData } = await kernel.call('sys_policy_get', {});
  const grant = `@id("agents-use-probe")\npermit (principal is Agent, action == Action::"driver_invoke", resource in Driver::"probe");\n`;
  await kernel.call('sys_policy_update', { policyId: 'probe-grant', policyData: `${policyData}\n${grant}` });
  await kernel.call('sys_agent_register', { agentId: 'planner', capabilities: ['plan', 'write'], trust: 0.9 });
  await kernel.call('sys_agent_register', { agentId: 'writer', capabilities: ['write'], trust: 0.4 });
});

after(() => opened.close());

const rejectsWith = (p: Promise<unknown>, code: Code, message: RegExp) =>
  assert.rejects(p, (e: SyscallError) => {
    assert.equal(e.code, code, e.message);
    assert.match(e.message, message);
    return true;
  });

/** Resolves when the task reaches one of `states`. */
function until(taskId: string, ...states: string[]): Promise<TaskStatus> {
  return new Promise((resolve) => {
    const stop = kernel.scheduler!.watch(taskId, (s) => {
      if (states.includes(s.state)) {
        queueMicrotask(() => stop());
        resolve(s);
      }
    });
  });
}

async function commit(task: Record<string, unknown>, opts = {}): Promise<string> {
  const out = await kernel.call('sys_commit_task', { task: { target: 'driver:probe', ...task } }, opts);
  assert.ok(['queued', 'assigned'].includes(out.state), out.state);
  return out.taskId;
}

describe('agents', () => {
  test('registered agents are listed with their trust, share and quota, and kept in agents.db', async () => {
    const { agents } = await kernel.call('sys_agent_list', {});
    const planner = agents.find((a: { agentId: string }) => a.agentId === 'planner');
    assert.deepEqual([planner.trust, planner.status, planner.capabilities], [0.9, 'active', ['plan', 'write']]);
    const reopened = new AgentRegistry(kernel.dataDir, kernel.config.scheduler.agentDefaults);
    try {
      assert.equal(reopened.get('planner')!.trust, 0.9, 'read back from agents.db');
    } finally {
      reopened.close();
    }
  });

  test('an agent may register itself but not set its own trust', async () => {
    await kernel.call('sys_agent_register', { agentId: 'self-made', capabilities: ['x'] }, { agent: 'self-made' });
    await rejectsWith(kernel.call('sys_agent_register', { agentId: 'self-made', trust: 1 }, { agent: 'self-made' }), Code.PERMISSION_DENIED, /only the admin may set trust/);
    await rejectsWith(kernel.call('sys_agent_register', { agentId: 'other' }, { agent: 'self-made' }), Code.PERMISSION_DENIED, /other/);
  });
});

describe('arbitration', () => {
  test('ranks the capable candidates with score breakdowns and a computed confidence', async () => {
    const { result } = await kernel.call('sys_arbitrate', { task: { requirements: ['write'], priorityDimensions: { importance: 1, urgency: 1 } } });
    assert.equal(result.assignedAgent, 'planner', 'an important task goes to the trusted agent');
    assert.equal(result.alternatives.length, 1);
    const [alt] = result.alternatives;
    assert.equal(alt.agentId, 'writer');
    assert.match(alt.reasonNotSelected, /largest gap in trust/);
    assert.deepEqual(alt.breakdown.map((t: { name: string }) => t.name), ['match', 'trust', 'availability']);
    const best = Number(result.metadata.score);
    assert.ok(Math.abs(result.confidence - (best - alt.score / 2)) < 1e-9, 'confidence = best - runnerUp / 2');
    assert.match(result.decisionId, /^arb-/);
    assert.deepEqual(result.scoreBreakdown.map((t: { name: string }) => t.name), ['urgency', 'importance', 'efficiency', 'energy', 'trust']);
    const entry = audit.findLast((e) => e.syscall === 'sys_arbitrate')!;
    assert.deepEqual([entry.evidence.decisionId, entry.evidence.assigned], [result.decisionId, 'planner']);
  });

  test('a minor task goes to the specialist', async () => {
    await kernel.call('sys_agent_register', { agentId: 'scribe', capabilities: ['scribble'], trust: 0.5 });
    await kernel.call('sys_agent_register', { agentId: 'generalist', capabilities: ['scribble', 'a', 'b', 'c'], trust: 0.5 });
    const { result } = await kernel.call('sys_arbitrate', { task: { requirements: ['scribble'] } });
    assert.equal(result.assignedAgent, 'scribe');
  });

  test('drivers are candidates by name', async () => {
    const { result } = await kernel.call('sys_arbitrate', { task: { requirements: ['probe'] } });
    assert.deepEqual([result.assignedAgent, result.provider], ['probe@1.0.0', 'driver']);
  });

  test('no candidate → FAILED_PRECONDITION naming the missing capability', async () => {
    await rejectsWith(kernel.call('sys_arbitrate', { task: { requirements: ['write', 'teleport'] } }), Code.FAILED_PRECONDITION, /'teleport'/);
    await rejectsWith(kernel.call('sys_arbitrate', { task: { requirements: ['plan', 'probe'] } }), Code.FAILED_PRECONDITION, /lacks 'probe'|lacks 'plan'/);
  });
});

describe('task lifecycle on the driver pool', () => {
  test('a committed task runs, its context writes commit, and its status has timings', async () => {
    const taskId = await commit({ id: 'write-1', payload: enc('wfresh-key') });
    const s = await until(taskId, 'succeeded', 'failed');
    assert.equal(s.state, 'succeeded', s.error);
    assert.deepEqual(s.keysWritten, ['probe/fresh-key']);
    assert.ok(s.queuedAt <= s.startedAt && s.startedAt <= s.finishedAt);
    const read = await kernel.call('sys_context_read', { namespace: 'probe', key: 'fresh-key' });
    assert.equal(dec(read.data), 'fresh-key');
    const status = await kernel.call('sys_task_status', { taskId });
    assert.deepEqual([status.state, status.handler, status.attempts], ['succeeded', 'driver:probe@1.0.0', 1]);
    const kinds = audit.filter((e) => e.taskId === taskId).map((e) => e.syscall);
    for (const k of ['sys_commit_task', 'task.queued', 'task.dispatched', 'task.succeeded']) assert.ok(kinds.includes(k), `${k} recorded`);
  });

  test('a trapping task leaves no context writes, is retried max_retries times, then fails', async () => {
    const taskId = await commit({ payload: enc('Wtrapped-key'), maxRetries: 2 });
    const s = await until(taskId, 'succeeded', 'failed');
    assert.deepEqual([s.state, s.attempts], ['failed', 3]);
    await rejectsWith(kernel.call('sys_context_read', { namespace: 'probe', key: 'trapped-key' }), Code.NOT_FOUND, /./);
    assert.equal(audit.filter((e) => e.taskId === taskId && e.syscall === 'task.retried').length, 2);
  });

  test('rollback of a succeeded task restores each key to its value before the task', async () => {
    await kernel.call('sys_context_write', { namespace: 'probe', key: 'plan', data: enc('before') });
    const taskId = await commit({ payload: enc('wplan') });
    assert.equal((await until(taskId, 'succeeded', 'failed')).state, 'succeeded');
    assert.equal(dec((await kernel.call('sys_context_read', { namespace: 'probe', key: 'plan' })).data), 'plan');
    const out = await kernel.call('sys_rollback_task', { taskId, reason: 'bad plan' });
    assert.deepEqual([out.state, out.keysRestored], ['rolled_back', ['probe/plan']]);
    assert.equal(dec((await kernel.call('sys_context_read', { namespace: 'probe', key: 'plan' })).data), 'before');
    assert.equal((await kernel.call('sys_task_status', { taskId })).state, 'rolled_back');
  });

  test('rollback of a key the task created deletes it', async () => {
    const taskId = await commit({ payload: enc('wcreated') });
    await until(taskId, 'succeeded');
    await kernel.call('sys_rollback_task', { taskId });
    await rejectsWith(kernel.call('sys_context_read', { namespace: 'probe', key: 'created' }), Code.NOT_FOUND, /./);
  });

  test('rollback refuses keys changed since the task, listing them, unless forced', async () => {
    await kernel.call('sys_context_write', { namespace: 'probe', key: 'shared', data: enc('v1') });
    const taskId = await commit({ payload: enc('wshared') });
    await until(taskId, 'succeeded');
    await kernel.call('sys_context_write', { namespace: 'probe', key: 'shared', data: enc('later') });
    await rejectsWith(kernel.call('sys_rollback_task', { taskId }), Code.FAILED_PRECONDITION, /'probe\/shared' changed since/);
    assert.equal(dec((await kernel.call('sys_context_read', { namespace: 'probe', key: 'shared' })).data), 'later', 'nothing changed');
    await kernel.call('sys_rollback_task', { taskId, force: true });
    assert.equal(dec((await kernel.call('sys_context_read', { namespace: 'probe', key: 'shared' })).data), 'v1');
  });

  test('rollback of a running task cancels it and discards its writes', async () => {
    const taskId = await commit({ payload: enc('l') });
    await until(taskId, 'running');
    const out = await kernel.call('sys_rollback_task', { taskId, reason: 'taking too long' });
    assert.equal(out.state, 'cancelled');
    assert.equal((await kernel.call('sys_task_status', { taskId })).state, 'cancelled');
    // The driver call itself stopped: its worker is free again, and not by the call's time
    // limit (which would have recorded a driver.timeout for the task).
    for (let i = 0; i < 500 && kernel.drivers!.health().details.running_calls !== '0'; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setImmediate(r));
    assert.equal(kernel.drivers!.health().details.running_calls, '0');
    assert.deepEqual(audit.filter((e) => e.taskId === taskId && e.syscall === 'driver.timeout'), []);
  });

  test('an agent reads its own tasks but not another agent\'s', async () => {
    const taskId = await commit({ payload: enc('eplanner'), agentId: 'planner' }, { agent: 'planner' });
    await until(taskId, 'succeeded');
    assert.equal((await kernel.call('sys_task_status', { taskId }, { agent: 'planner' })).agentId, 'planner');
    await rejectsWith(kernel.call('sys_task_status', { taskId }, { agent: 'writer' }), Code.PERMISSION_DENIED, /writer/);
    await rejectsWith(kernel.call('sys_commit_task', { task: { target: 'driver:probe', agentId: 'planner' } }, { agent: 'writer' }), Code.PERMISSION_DENIED, /as 'planner'/);
  });

  test('a task for an agent is assigned, not run, until that agent reports its outcome', async () => {
    // The default policy lets only a task's submitter follow it: grant the handler.
    const { policyData } = await kernel.call('sys_policy_get', {});
    const grant = `@id("writer-follows-tasks")\npermit (principal == Agent::"writer", action == Action::"task_status", resource is Task);\n`;
    await kernel.call('sys_policy_update', { policyId: 'tasks-test', policyData: `${policyData}\n${grant}` });
    const taskId = await commit({ target: 'writer', description: 'draft the summary' });
    assert.equal((await kernel.call('sys_task_status', { taskId })).state, 'assigned');
    await rejectsWith(kernel.call('sys_task_status', { taskId, report: { state: 'succeeded' } }, { agent: 'planner' }), Code.PERMISSION_DENIED, /./);
    const done = await kernel.call('sys_task_status', { taskId, report: { state: 'succeeded', output: enc('summary') } }, { agent: 'writer' });
    assert.deepEqual([done.state, dec(done.output)], ['succeeded', 'summary']);
  });
});

describe('quotas and bad input', () => {
  test('over quota → RESOURCE_EXHAUSTED with the bucket state, recorded as a throttling decision', async () => {
    await kernel.call('sys_agent_register', { agentId: 'chatty', quotaRate: 0.001, quotaBurst: 2 });
    const ran = [await commit({ payload: enc('e1') }, { agent: 'chatty' }), await commit({ payload: enc('e2') }, { agent: 'chatty' })];
    await rejectsWith(kernel.call('sys_commit_task', { task: { target: 'driver:probe' } }, { agent: 'chatty' }), Code.RESOURCE_EXHAUSTED, /over its quota.*2 tokens/);
    const entry = audit.findLast((e) => e.syscall === 'sys_commit_task' && e.caller === 'chatty')!;
    assert.equal(entry.evidence.throttled, true);
    assert.deepEqual(Object.keys(entry.evidence.bucket as object).sort(), ['burst', 'rate', 'refillInMs', 'tokens']);
    await Promise.all(ran.map((id) => until(id, 'succeeded')));
  });

  const bad: [string, Record<string, unknown>, Code, RegExp][] = [
    ['a dimension above 1', { priorityDimensions: { urgency: 1.5 } }, Code.INVALID_ARGUMENT, /task\.priority_dimensions\.urgency/],
    ['a negative dimension', { priorityDimensions: { energy: -0.1 } }, Code.INVALID_ARGUMENT, /task\.priority_dimensions\.energy/],
    ['a NaN dimension', { priorityDimensions: { trust: 'NaN' } }, Code.INVALID_ARGUMENT, /trust/],
    ['an unknown submitting agent', { agentId: 'ghost' }, Code.FAILED_PRECONDITION, /task\.agent_id.*'ghost'/],
    ['a deadline in the past', { deadline: 1000 }, Code.INVALID_ARGUMENT, /task\.deadline.*past/],
    ['a driver that is not loaded', { target: 'driver:nope' }, Code.FAILED_PRECONDITION, /task\.target.*'nope'/],
    ['an unknown target agent', { target: 'nobody' }, Code.FAILED_PRECONDITION, /task\.target.*'nobody'/],
  ];
  for (const [what, task, code, message] of bad) {
    test(`${what} is refused naming the field`, () => rejectsWith(kernel.call('sys_commit_task', { task: { target: 'driver:probe', ...task } }), code, message));
  }

  test('a duplicate task id is refused naming the field', async () => {
    await until(await commit({ id: 'dup', payload: enc('e') }), 'succeeded');
    await rejectsWith(commit({ id: 'dup', payload: enc('e') }), Code.FAILED_PRECONDITION, /task\.id.*'dup' already exists/);
  });

  test('a commit without a task is refused', () => rejectsWith(kernel.call('sys_commit_task', {}), Code.INVALID_ARGUMENT, /task/));
});

test('a task on a driver needs the driver_invoke grant that invoking the driver needs', async () => {
  const own = await openKernel({ drivers: { poolSize: 1, watch: true } });
  const k2 = own.kernel;
  try {
    const core = await buildProbe();
    const publisher = generateHybridKeyPair();
    k2.drivers!.trust.add(publisher.publicKey, 'test publisher');
    await k2.call('sys_driver_load', { manifestData: enc(probeManifest(core, publisher, { timeoutMs: 500 })), module: Buffer.from(core) });
    await k2.call('sys_agent_register', { agentId: 'outsider', capabilities: [] });
    await assert.rejects(
      k2.call('sys_commit_task', { task: { description: 'echo', target: 'driver:probe', payload: enc('{}') } }, { agent: 'outsider' }),
      (e: unknown) => e instanceof SyscallError && e.code === Code.PERMISSION_DENIED && /driver_invoke grant/.test(e.message),
    );
  } finally {
    await own.close();
  }
});

test('an agent may not put itself in a group: policies grant by group', async () => {
  await assert.rejects(
    kernel.call('sys_agent_register', { agentId: 'writer', capabilities: ['write'], groups: ['admins'] }, { agent: 'writer' }),
    (e: unknown) => e instanceof SyscallError && e.code === Code.PERMISSION_DENIED && /only the admin may set groups/.test(e.message),
  );
  await kernel.call('sys_agent_register', { agentId: 'writer', capabilities: ['write'], groups: ['reviewers'] });
  await kernel.call('sys_agent_register', { agentId: 'writer', capabilities: ['write'] }, { agent: 'writer' });
  assert.deepEqual(kernel.agents!.get('writer')!.groups, ['reviewers']);
});
