// A scripted day of a kernel in Europe/Berlin, recorded through the audit sink as the
// pipeline and the scheduler/driver subsystems record it (syscall records and kernel
// events), with the live state (agents, drivers, namespaces, key versions) that goes with
// it: three agents, agent-b throttled six times (agent-a once), agent-c denied a write to finance and a
// task, writes in team and research, three failed tasks, router hot-swapped from 1.0.0 to
// 1.1.0, one policy update. Asked at 06:00 the next morning.
import type { LiveState } from '../../host/audit/index.ts';
import type { AuditEntry, AuditSink } from '../../host/contract/index.ts';

export const TIME_ZONE = 'Europe/Berlin';
/** "Now" for the scenario: 06:00 on Wednesday 12 March 2025, Berlin time (UTC+1). */
export const NOW = new Date('2025-03-12T06:00:00+01:00');

/** A Berlin wall-clock time on the 11th (day -1) or the 12th (day 0). */
export const at = (day: -1 | 0, hour: number, minute = 0) => Date.parse(`2025-03-${day === -1 ? 11 : 12}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00+01:00`);

/** What agent-a keeps to itself: no other agent's question may reveal any of it. */
export const AGENT_A_SECRETS = ['secret-plan', 'password123', 'cafe'.repeat(16), 'snap-a-0001', 'a-nightly', 'a-burst', 'tok-admin-a'];

const versions: Record<string, { version: number; author: string; timestamp: number }[]> = {
  'team/plans/today': [
    { version: 2, author: 'agent-b', timestamp: at(-1, 12) },
    { version: 1, author: 'agent-a', timestamp: at(-1, 9) },
  ],
  'research/notes': [{ version: 1, author: 'agent-b', timestamp: at(-1, 11, 3) }],
  'research/summary': [{ version: 1, author: 'agent-b', timestamp: at(-1, 14, 10) }],
  'agent-a/secret-plan': [{ version: 1, author: 'agent-a', timestamp: at(-1, 9, 30) }],
};

export const live: LiveState = {
  agents: () => [
    { agentId: 'agent-a', status: 'active' },
    { agentId: 'agent-b', status: 'active' },
    { agentId: 'agent-c', status: 'idle' },
  ],
  drivers: () => [
    { name: 'router', version: '1.1.0', calls: 12 },
    { name: 'summarizer', version: '0.2.0', calls: 3 },
  ],
  namespaces: () => ['agent-a', 'finance', 'research', 'team'],
  versions: (ns, key) => {
    const v = versions[`${ns}/${key}`];
    if (!v) throw new Error(`no key ${ns}/${key}`);
    return v;
  },
  health: () => ({ status: 'ok', components: { audit: { status: 'ok', details: { records: '61', file: '/var/lib/camos/audit.db' } }, drivers: { status: 'degraded', details: { memory_mb: '900' } } } }),
};

let n = 0;
/** One record as the pipeline writes it; kernel events (door 'kernel') as the scheduler and driver runtime do. */
function entry(time: number, caller: string, syscall: string, target: string, more: Partial<AuditEntry> = {}): AuditEntry {
  n++;
  const kernelEvent = !syscall.startsWith('sys_');
  const byKernel = syscall.startsWith('driver.') || caller === 'kernel';
  return {
    time,
    caller: byKernel ? 'kernel' : caller,
    callerKind: byKernel || caller === 'admin' ? 'admin' : 'agent',
    syscall,
    door: kernelEvent ? 'kernel' : 'grpc',
    target,
    outcome: 'ok',
    code: 'ok',
    requestId: `req-${n}`,
    traceId: kernelEvent && !byKernel ? '' : n.toString(16).padStart(32, 'a'),
    spanId: kernelEvent && !byKernel ? '' : n.toString(16).padStart(16, '0'),
    durationUs: 40,
    evidence: {},
    ...more,
  };
}

/** A submission refused by an agent's token bucket: the scheduler names the task it refused. */
const throttle = (time: number, taskId: string, agent = 'agent-b') =>
  entry(time, agent, 'sys_commit_task', `Task::${taskId}`, {
    taskId,
    outcome: 'error',
    code: 'resource_exhausted',
    message: `agent '${agent}' is over its quota (0.2 of 5 tokens left, refilling at 1/s; next token in 800 ms)`,
    policies: ['submit-tasks'],
    evidence: { throttled: true, agentId: agent, taskId, bucket: { tokens: 0.2, rate: 1, burst: 5, refillInMs: 800 } },
    durationUs: 95,
  });

/** A task's life as the scheduler records it: its agent as caller, no trace. */
const task = (time: number, agent: string, id: string, syscall: string, evidence: Record<string, unknown> = {}, more: Partial<AuditEntry> = {}) => entry(time, agent, syscall, `Task::${id}`, { taskId: id, requestId: id, evidence, ...more });

export function recordScenario(sink: Pick<AuditSink, 'record'>): void {
  n = 0;
  const R = (e: AuditEntry) => sink.record(e);
  const write = (time: number, who: string, ns: string, key: string, version: number, hash: string, bytes: number) =>
    R(entry(time, who, 'sys_context_write', `Namespace::${ns}`, { evidence: { namespace: ns, key, version, hash, bytes }, durationUs: 310 }));

  // Yesterday morning: the kernel starts with its drivers.
  R(entry(at(-1, 8), 'kernel', 'driver.loaded', 'Driver::router@1.0.0', { evidence: { driver: 'router@1.0.0', version: '1.0.0', digest: 'sha256:aa', origin: 'drivers/router.json' } }));
  R(entry(at(-1, 8, 1), 'kernel', 'driver.loaded', 'Driver::summarizer@0.2.0', { evidence: { driver: 'summarizer@0.2.0', version: '0.2.0', digest: 'sha256:bb' } }));
  R(entry(at(-1, 8, 30), 'kernel', 'driver.refused', 'Driver::evil@0.1.0', { outcome: 'error', code: 'failed_precondition', message: "driver 'evil@0.1.0' refused: signature does not verify", evidence: { driver: 'evil@0.1.0', reasons: ['signature does not verify'] } }));
  write(at(-1, 9), 'agent-a', 'team', 'plans/today', 1, 'ab'.repeat(32), 120);
  // agent-a's own namespace: nobody else may learn of it.
  write(at(-1, 9, 30), 'agent-a', 'agent-a', 'secret-plan', 1, 'cafe'.repeat(16), 11);
  R(entry(at(-1, 9, 40), 'agent-a', 'sys_context_snapshot', 'Namespace::agent-a', { evidence: { namespace: 'agent-a', snapshotId: 'snap-a-0001', keys: 1 } }));
  R(entry(at(-1, 9, 45), 'agent-a', 'sys_context_read', 'Namespace::agent-a', { evidence: { key: 'secret-plan', version: 1, value: 'password123' } }));
  // Task 7 (agent-a) on router 1.0.0: two attempts, both failed.
  R(entry(at(-1, 10), 'agent-a', 'sys_arbitrate', 'Task::7', { evidence: { decisionId: 'd-7', assigned: 'router@1.0.0', provider: 'driver', confidence: 0.82, alternatives: [{ id: 'summarizer@0.2.0', provider: 'driver', score: 0.41, reason: 'lower capability match' }] }, durationUs: 900 }));
  R(entry(at(-1, 10, 1), 'agent-a', 'sys_commit_task', 'Task::7', { taskId: '7', policies: ['submit-tasks'], evidence: { taskId: '7', agentId: 'agent-a', handler: 'router@1.0.0', driverPolicies: ['agent-a-uses-router'] }, durationUs: 450 }));
  R(task(at(-1, 10, 2), 'agent-a', '7', 'task.queued', { score: 0.71, breakdown: { urgency: 0.9, importance: 0.6, efficiency: 0.5, energy: 0.7, trust: 0.8 } }));
  R(task(at(-1, 10, 3), 'agent-a', '7', 'task.dispatched', { driver: 'router@1.0.0', attempt: 1 }));
  R(task(at(-1, 10, 4), 'agent-a', '7', 'task.retried', { attempt: 2, error: 'trap: unreachable' }));
  R(task(at(-1, 10, 5), 'agent-a', '7', 'task.dispatched', { driver: 'router@1.0.0', attempt: 2 }));
  R(task(at(-1, 10, 10), 'agent-a', '7', 'task.failed', { driver: 'router@1.0.0', attempt: 2, error: 'timeout after 5000 ms', code: 'deadline_exceeded' }, { outcome: 'error', code: 'deadline_exceeded', message: 'timeout after 5000 ms' }));
  // Task 8 (agent-b) on summarizer: succeeded, wrote research/notes.
  R(entry(at(-1, 11), 'agent-b', 'sys_commit_task', 'Task::8', { taskId: '8', policies: ['submit-tasks'], evidence: { taskId: '8', agentId: 'agent-b', handler: 'summarizer@0.2.0' }, durationUs: 420 }));
  R(task(at(-1, 11, 1), 'agent-b', '8', 'task.queued', { score: 0.55 }));
  R(task(at(-1, 11, 2), 'agent-b', '8', 'task.dispatched', { driver: 'summarizer@0.2.0', attempt: 1 }));
  R(task(at(-1, 11, 3), 'agent-b', '8', 'task.succeeded', { driver: 'summarizer@0.2.0', attempt: 1, keysWritten: ['research/notes'] }));
  // agent-a over its quota once, before noon.
  R(throttle(at(-1, 11, 45), 'a-burst', 'agent-a'));
  // A status check of agent-a's after the fact: not a cause of anything.
  R(entry(at(-1, 11, 30), 'agent-a', 'sys_task_status', 'Task::7', { taskId: '7', evidence: { state: 'failed' } }));
  write(at(-1, 12), 'agent-b', 'team', 'plans/today', 2, 'cd'.repeat(32), 140);
  // agent-c is denied at the authorize stage: the handler never ran, so no task id column.
  R(entry(at(-1, 13), 'agent-c', 'sys_commit_task', 'Task::42', { outcome: 'denied', code: 'permission_denied', policies: [], message: 'no policy permits Agent::"agent-c" to commit_task on Task::"42" (policy set v1 denies by default)' }));
  R(entry(at(-1, 14), 'agent-c', 'sys_context_write', 'Namespace::finance', { outcome: 'denied', code: 'permission_denied', policies: [], message: 'no policy permits Agent::"agent-c" to context_write on Namespace::"finance" (policy set v1 denies by default)' }));
  write(at(-1, 14, 10), 'agent-b', 'research', 'summary', 1, 'ef'.repeat(32), 300);
  R(entry(at(-1, 14, 40), 'agent-a', 'sys_policy_update', 'Policy::current', { outcome: 'denied', code: 'permission_denied', policies: ['suspended-agents'], message: 'forbidden by policy "suspended-agents"' }));
  R(entry(at(-1, 15), 'admin', 'sys_policy_update', 'Policy::current', { evidence: { policyVersion: 2, policyId: 'team-rules', previousVersion: 1 } }));
  R(entry(at(-1, 15, 5), 'admin', 'sys_token_create', 'Agent::agent-a', { evidence: { tokenId: 'tok-admin-a' } }));
  // The router is hot-swapped from 1.0.0 to 1.1.0 (a new manifest in the watched directory).
  R(entry(at(-1, 16), 'kernel', 'driver.loaded', 'Driver::router@1.1.0', { evidence: { driver: 'router@1.1.0', version: '1.1.0', previous: '1.0.0', digest: 'sha256:cc', origin: 'drivers/router.json' } }));
  R(entry(at(-1, 16), 'kernel', 'driver.unloaded', 'Driver::router@1.0.0', { evidence: { driver: 'router@1.0.0', version: '1.0.0', remaining: ['1.1.0'] } }));
  // Task 43 (agent-c) fails on summarizer.
  R(entry(at(-1, 17, 30), 'agent-c', 'sys_commit_task', 'Task::43', { taskId: '43', policies: ['submit-tasks'], evidence: { taskId: '43', agentId: 'agent-c', handler: 'summarizer@0.2.0' }, durationUs: 380 }));
  R(task(at(-1, 17, 31), 'agent-c', '43', 'task.queued', { score: 0.4 }));
  R(task(at(-1, 17, 32), 'agent-c', '43', 'task.dispatched', { driver: 'summarizer@0.2.0', attempt: 1 }));
  R(task(at(-1, 17, 33), 'agent-c', '43', 'task.failed', { driver: 'summarizer@0.2.0', attempt: 1, error: 'output over cap (1048576 bytes)' }, { outcome: 'error', code: 'internal', message: 'output over cap (1048576 bytes)' }));
  // The evening and the night: agent-b over its quota six times.
  R(entry(at(-1, 18, 30), 'agent-a', 'sys_context_read', 'Namespace::team', { evidence: { key: 'plans/today', version: 2 } }));
  R(throttle(at(-1, 19), 'b-sum-1'));
  R(throttle(at(-1, 20, 30), 'b-sum-2'));
  R(throttle(at(-1, 22), 'b-sum-3'));
  R(throttle(at(-1, 23, 30), 'b-sum-4'));
  R(entry(at(0, 1), 'agent-a', 'sys_driver_invoke', 'Driver::router', { evidence: { driver: 'router@1.1.0', durationMs: 2.1, inputBytes: 64, outputBytes: 80 }, durationUs: 2600 }));
  R(throttle(at(0, 2, 30), 'b-sum-5'));
  // agent-a's nightly task fails on the new router.
  R(entry(at(0, 3), 'agent-a', 'sys_commit_task', 'Task::a-nightly', { taskId: 'a-nightly', policies: ['submit-tasks'], evidence: { taskId: 'a-nightly', agentId: 'agent-a', handler: 'router@1.1.0' }, durationUs: 400 }));
  R(task(at(0, 3, 1), 'agent-a', 'a-nightly', 'task.queued', { score: 0.5 }));
  R(task(at(0, 3, 2), 'agent-a', 'a-nightly', 'task.dispatched', { driver: 'router@1.1.0', attempt: 1 }));
  R(task(at(0, 3, 7), 'agent-a', 'a-nightly', 'task.failed', { driver: 'router@1.1.0', attempt: 1, error: 'trap: out of bounds memory access' }, { outcome: 'error', code: 'internal', message: 'trap: out of bounds memory access' }));
  R(entry(at(0, 5, 50), 'agent-a', 'sys_health_check', 'Kernel::camos', { durationUs: 60 }));
  R(throttle(at(0, 5, 57), 'b-sum-6'));
  R(entry(at(0, 5, 58), 'agent-c', 'sys_context_read', 'Namespace::research', { evidence: { key: 'notes', version: 1 }, durationUs: 150 }));
}
