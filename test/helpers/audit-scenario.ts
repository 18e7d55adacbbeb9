// A scripted day of a kernel, recorded through the audit sink exactly as the pipeline and
// the scheduler/driver subsystems record it (syscall records and the contract's kernel
// events), with the live state (agents, drivers, namespaces) that goes with it.
import type { LiveState } from '../../host/audit/index.ts';
import type { AuditEntry, AuditSink } from '../../host/syscalls/types.ts';

/** "Now" for the scenario: 15:00 local time on a fixed day. */
export const NOW = new Date(2025, 2, 12, 15, 0, 0);

const at = (dayOffset: number, hour: number, minute = 0) => new Date(2025, 2, 12 + dayOffset, hour, minute, 0).getTime();

export const live: LiveState = {
  agents: () => [
    { agentId: 'agent-a', status: 'active' },
    { agentId: 'agent-b', status: 'active' },
    { agentId: 'planner', status: 'idle' },
    { agentId: 'scraper', status: 'suspended' },
  ],
  drivers: () => [
    { name: 'router', version: '1.0.0', calls: 12 },
    { name: 'summarizer', version: '0.2.0', calls: 3 },
  ],
  namespaces: () => ['team', 'research'],
};

let n = 0;
function entry(time: number, caller: string, syscall: string, target: string, more: Partial<AuditEntry> = {}): AuditEntry {
  n++;
  // Task events carry the task's agent as caller (as the scheduler records them); driver events the kernel.
  const kernelEvent = !syscall.startsWith('sys_');
  return {
    time,
    caller: syscall.startsWith('driver.') ? 'kernel' : caller,
    callerKind: syscall.startsWith('driver.') ? 'admin' : 'agent',
    syscall,
    door: kernelEvent ? 'kernel' : 'inprocess',
    target,
    outcome: 'ok',
    code: 0,
    requestId: `req-${n}`,
    traceId: more.taskId ? `f${more.taskId.padStart(31, "0")}` : n.toString(16).padStart(32, "a"),
    spanId: n.toString(16).padStart(16, '0'),
    durationUs: 40,
    evidence: {},
    ...more,
  };
}

const throttle = (time: number, taskId: string) =>
  entry(time, 'agent-b', 'sys_commit_task', `Task::${taskId}`, {
    taskId,
    outcome: 'error',
    code: 8,
    message: `agent-b is over its rate limit: 0.2 tokens left, next token in 800 ms`,
    policies: ['permit-team-agents'],
    evidence: { throttled: true, bucket: { tokens: 0.2, rate: 1, burst: 5, refillInMs: 800 } },
  });

export function recordScenario(sink: AuditSink): void {
  const R = (e: AuditEntry) => sink.record(e);
  const write = (time: number, who: string, ns: string, key: string, version: number) =>
    R(entry(time, who, 'sys_context_write', `Namespace::${ns}`, { evidence: { key, version, hash: 'ab'.repeat(32), bytes: 10 } }));
  // Yesterday
  write(at(-1, 10), 'agent-b', 'research', 'old/draft', 1);
  write(at(-1, 16), 'agent-a', 'research', 'summary', 1);
  R(entry(at(-1, 17), 'agent-a', 'sys_commit_task', 'Task::9', { taskId: '9', policies: ['permit-team-agents'] }));
  R(entry(at(-1, 17, 1), 'agent-a', 'task.failed', 'Task::9', { taskId: '9', evidence: { driver: 'summarizer@0.2.0', attempt: 1, error: 'output over cap (1048576 bytes)' } }));
  R(throttle(at(-1, 23), '90'));
  R(throttle(at(-1, 23, 30), '91'));
  // Today
  R(throttle(at(0, 2), '92'));
  R(entry(at(0, 8), 'kernel', 'driver.loaded', 'Driver::router', { evidence: { driver: 'router@1.0.0', digest: 'sha256:aa' } }));
  R(entry(at(0, 8, 5), 'kernel', 'driver.refused', 'Driver::evil', { outcome: 'error', code: 7, evidence: { driver: 'evil@0.1.0', error: 'signature does not verify' } }));
  write(at(0, 9), 'agent-a', 'team', 'plans/today', 1);
  const t7 = { taskId: '7' };
  R(entry(at(0, 10), 'agent-a', 'sys_arbitrate', 'Task::7', { ...t7, evidence: { decisionId: 'd-7', assigned: 'router', confidence: 0.82, alternatives: [{ id: 'router', score: 0.82 }, { id: 'summarizer', score: 0.41 }] } }));
  R(entry(at(0, 10, 1), 'agent-a', 'sys_commit_task', 'Task::7', { ...t7, policies: ['permit-team-agents'], evidence: { queued: true } }));
  R(entry(at(0, 10, 2), 'agent-a', 'task.queued', 'Task::7', { ...t7, evidence: { score: 0.71, breakdown: { urgency: 0.9, importance: 0.6, efficiency: 0.5, energy: 0.7, trust: 0.8 } } }));
  R(entry(at(0, 10, 3), 'agent-a', 'task.dispatched', 'Task::7', { ...t7, evidence: { driver: 'router@1.0.0', attempt: 1 } }));
  R(entry(at(0, 10, 4), 'agent-a', 'task.failed', 'Task::7', { ...t7, outcome: 'error', code: 13, evidence: { driver: 'router@1.0.0', attempt: 1, error: 'trap: unreachable' } }));
  R(entry(at(0, 10, 5), 'agent-a', 'task.retried', 'Task::7', { ...t7, evidence: { attempt: 2, error: 'trap: unreachable' } }));
  R(entry(at(0, 10, 6), 'agent-a', 'task.dispatched', 'Task::7', { ...t7, evidence: { driver: 'router@1.0.0', attempt: 2 } }));
  R(entry(at(0, 10, 11), 'agent-a', 'task.failed', 'Task::7', { ...t7, outcome: 'error', code: 4, evidence: { driver: 'router@1.0.0', attempt: 2, error: 'timeout after 5000 ms' } }));
  const t8 = { taskId: '8' };
  R(entry(at(0, 11), 'agent-b', 'sys_commit_task', 'Task::8', { ...t8, policies: ['permit-team-agents'] }));
  R(entry(at(0, 11, 1), 'agent-b', 'task.queued', 'Task::8', { ...t8, evidence: { score: 0.55 } }));
  R(entry(at(0, 11, 2), 'agent-b', 'task.dispatched', 'Task::8', { ...t8, evidence: { driver: 'summarizer@0.2.0', attempt: 1 } }));
  R(entry(at(0, 11, 3), 'agent-b', 'task.succeeded', 'Task::8', { ...t8, evidence: { driver: 'summarizer@0.2.0', attempt: 1, keysWritten: ['research/notes'] } }));
  write(at(0, 12), 'agent-b', 'team', 'plans/today', 2);
  R(entry(at(0, 13), 'agent-c', 'sys_commit_task', 'Task::42', { taskId: '42', outcome: 'denied', code: 7, policies: ['forbid-untrusted'], message: 'agent-c may not commit_task on Task::42: trust 0.2 is below 0.5' }));
  R(entry(at(0, 14, 10), 'agent-a', 'sys_context_read', 'Namespace::team', { evidence: { version: 2 } }));
  R(entry(at(0, 14, 20), 'agent-a', 'sys_context_read', 'Namespace::research', { evidence: { version: 1 } }));
  R(entry(at(0, 14, 30), 'agent-a', 'sys_driver_invoke', 'Driver::router', { evidence: { driver: 'router@1.0.0' } }));
  R(entry(at(0, 14, 40), 'agent-a', 'sys_policy_update', 'Policy::camos', { outcome: 'denied', code: 7, policies: ['admin-only-policy'], message: 'agent-a may not policy_update on Policy::camos' }));
  const t43 = { taskId: '43' };
  R(entry(at(0, 14, 50), 'agent-a', 'sys_commit_task', 'Task::43', { ...t43, policies: ['permit-team-agents'] }));
  R(entry(at(0, 14, 51), 'agent-a', 'task.queued', 'Task::43', { ...t43, evidence: { score: 0.6 } }));
  R(entry(at(0, 14, 52), 'agent-a', 'task.dispatched', 'Task::43', { ...t43, evidence: { driver: 'router@1.0.0', attempt: 1 } }));
}
