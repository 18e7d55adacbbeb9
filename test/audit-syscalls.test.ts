// sys_explain_action, sys_nl_query, sys_emit_trace, sys_trace_get and sys_emit_metric
// through the kernel's pipeline, with OTLP export to a local collector.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Code, type Kernel } from '../host/index.ts';
import { openKernel, type OpenKernel } from './helpers/kernel.ts';
import { recordScenario } from './helpers/audit-scenario.ts';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
let fixture: OpenKernel;
let kernel: Kernel;
let collector: Server;
const exported: string[] = [];

before(async () => {
  collector = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      exported.push(body);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
  const port = (collector.address() as { port: number }).port;
  fixture = await openKernel({ telemetry: { otlpEndpoint: `http://127.0.0.1:${port}/v1/traces`, maxSeriesPerMetric: 3 } });
  kernel = fixture.kernel;
  recordScenario(kernel.auditSink);
});
after(async () => {
  await fixture?.close();
  collector?.close();
});

const rejectsWith = (p: Promise<unknown>, code: Code, message: RegExp) =>
  assert.rejects(p, (e: any) => e.code === code && message.test(e.message));

describe('sys_explain_action', () => {
  test('explains a task in causal order, request to outcome, leaving out a later status check', async () => {
    const ex = await kernel.call('sys_explain_action', { taskId: '7' });
    assert.deepEqual(
      ex.records.map((r: any) => r.kind),
      ['arbitrated', 'submitted', 'authorized', 'queued', 'dispatched', 'retried', 'dispatched', 'failed'],
    );
    assert.equal(ex.confidence, 1);
    assert.match(ex.explanation, /assigned it to router@1\.0\.0 \(confidence 0\.82\); ranked alternatives: summarizer@0\.2\.0 0\.41/);
    assert.match(ex.explanation, /authorized by policy submit-tasks; running it on driver router@1\.0\.0 by policy agent-a-uses-router/);
    assert.match(ex.explanation, /Outcome: failed/);
    assert.doesNotMatch(ex.explanation, /task_status/);
    assert.deepEqual(ex.reasoningChain.map((s: string) => s.split(':')[0].replace(/^\d+\. /, '')), ['request', 'request', 'authorization', 'scheduling', 'run', 'run', 'run', 'outcome']);
  });

  test('a submission whose record was written after the kernel queued the task still comes first', async () => {
    const at = Date.parse('2025-03-13T10:00:00Z');
    const base = { callerKind: 'agent' as const, target: 'Task::late', taskId: 'late', outcome: 'ok' as const, code: 'ok' as const, requestId: 'late', spanId: '', evidence: {} };
    kernel.auditSink.record({ ...base, time: at + 1, caller: 'agent-a', syscall: 'task.queued', door: 'kernel', traceId: '', durationUs: 0 });
    kernel.auditSink.record({ ...base, time: at + 2, caller: 'agent-a', syscall: 'task.dispatched', door: 'kernel', traceId: '', durationUs: 0, evidence: { driver: 'router@1.1.0', attempt: 1 } });
    kernel.auditSink.record({ ...base, time: at + 3, caller: 'agent-a', syscall: 'sys_commit_task', door: 'grpc', traceId: 'cd'.repeat(16), durationUs: 3000, policies: ['submit-tasks'] });
    kernel.auditSink.record({ ...base, time: at + 4, caller: 'agent-a', syscall: 'task.succeeded', door: 'kernel', traceId: '', durationUs: 0 });
    const ex = await kernel.call('sys_explain_action', { taskId: 'late' });
    assert.deepEqual(ex.records.map((r: any) => r.kind), ['submitted', 'authorized', 'queued', 'dispatched', 'succeeded']);
  });

  test('a refusal at the authorize stage gives the default-deny reason the policy engine recorded', async () => {
    const ex = await kernel.call('sys_explain_action', { taskId: '42' });
    assert.deepEqual(ex.records.map((r: any) => r.kind), ['submitted', 'denied']);
    assert.match(ex.explanation, /it was denied: no policy permits Agent::"agent-c" to commit_task on Task::"42" \(policy set v1 denies by default\)/);
    assert.equal(ex.confidence, 1);
  });

  test('explains a throttled submission, found by its task id, with the bucket state', async () => {
    const ex = await kernel.call('sys_explain_action', { taskId: 'b-sum-4' });
    assert.deepEqual(ex.records.map((r: any) => r.kind), ['submitted', 'authorized', 'throttled']);
    assert.match(ex.explanation, /held 0\.20 of 5 tokens/);
    assert.equal(ex.confidence, 1);
  });

  test('the confidence says how much of the chain is recorded', async () => {
    const finished = await kernel.call('sys_explain_action', { taskId: 'a-nightly' });
    assert.equal(finished.confidence, 1);
    const base = { caller: 'agent-b', callerKind: 'agent' as const, door: 'kernel' as const, target: 'Task::orphan', taskId: 'orphan', outcome: 'ok' as const, code: 'ok' as const, requestId: 'orphan', traceId: '', spanId: '', durationUs: 0 };
    kernel.auditSink.record({ ...base, time: Date.parse('2025-03-13T11:00:00Z'), syscall: 'task.dispatched', evidence: { driver: 'router@1.1.0', attempt: 1 } });
    const running = await kernel.call('sys_explain_action', { taskId: 'orphan' });
    assert.equal(running.confidence, 0.2);
    assert.match(running.explanation, /no record of the submission, of the authorization, of the scheduling, of the outcome\), so the confidence is 0\.20/);
    kernel.auditSink.record({ ...base, time: Date.parse('2025-03-13T11:00:01Z'), syscall: 'task.failed', outcome: 'error', code: 'internal', evidence: { error: 'trap' } });
    assert.equal((await kernel.call('sys_explain_action', { taskId: 'orphan' })).confidence, 0.4);
  });

  test('an action id widens to the task it belongs to', async () => {
    const [submit] = kernel.audit!.query({ taskId: '8', syscalls: ['sys_commit_task'] }).records;
    const ex = await kernel.call('sys_explain_action', { actionId: String(submit.seq) });
    assert.match(ex.explanation, /^Task 8: .*wrote research\/notes\. Outcome: succeeded/);
  });

  test('a trace id finds the records of that trace', async () => {
    await kernel.call('sys_health_check', { detailed: true }, { traceparent: `00-${TRACE}-00f067aa0ba902b7-01` });
    const ex = await kernel.call('sys_explain_action', { traceId: TRACE });
    assert.equal(ex.records[0].syscall, 'sys_health_check');
    assert.equal(ex.records[0].caller, 'admin');
  });

  test('an unknown id is NOT_FOUND and no id at all is INVALID_ARGUMENT', async () => {
    await rejectsWith(kernel.call('sys_explain_action', { taskId: 'no-such-task' }), Code.NOT_FOUND, /no audit record you may read mentions task 'no-such-task'/);
    await rejectsWith(kernel.call('sys_explain_action', {}), Code.INVALID_ARGUMENT, /task_id, action_id .* or trace_id/);
  });
});

describe('sys_nl_query', () => {
  test('answers from the audit log with evidence, the query it ran and the plan it read', async () => {
    const a = await kernel.call('sys_nl_query', { query: 'Why was task 42 denied?' });
    assert.equal(a.understood, true);
    assert.equal(a.intent, 'explain_task');
    assert.deepEqual(a.interpretation.entities, [{ kind: 'task', value: '42' }]);
    assert.deepEqual(a.interpretation.filters, { outcome: 'denied' });
    assert.match(a.answer, /^I read this as: what happened to task 42 \(denied\), in the whole audit log\. Task 42 was denied/);
    assert.match(a.answer, /policy set v1 denies by default/);
    assert.ok(a.evidence.length >= 1);
    assert.match(a.queryRan, /task_id = '42'/);
  });

  test('an empty question is INVALID_ARGUMENT', async () => {
    await rejectsWith(kernel.call('sys_nl_query', { query: '  ' }), Code.INVALID_ARGUMENT, /field 'query'/);
  });
});

describe('traces', () => {
  test('an agent span joins the syscall spans of its trace', async () => {
    const parent = '00f067aa0ba902b7';
    const res = await kernel.call('sys_emit_trace', { operation: 'plan.search', duration: 12, tags: { step: '1' } }, { agent: 'agent-a', traceparent: `00-${TRACE}-${parent}-01` });
    assert.equal(res.traceId, TRACE);
    const { spans } = await kernel.call('sys_trace_get', { traceId: TRACE });
    const agentSpan = spans.find((s: any) => s.operation === 'plan.search');
    assert.deepEqual([agentSpan.source, agentSpan.tags.agent, agentSpan.tags.step, agentSpan.duration, agentSpan.parentSpanId], ['agent', 'agent-a', '1', 12, parent]);
    const syscalls = spans.filter((s: any) => s.source === 'kernel').map((s: any) => s.operation);
    assert.ok(syscalls.includes('sys_health_check') && syscalls.includes('sys_emit_trace'));
  });

  test('an unknown trace is NOT_FOUND and a malformed id INVALID_ARGUMENT', async () => {
    await rejectsWith(kernel.call('sys_trace_get', { traceId: 'f'.repeat(32) }), Code.NOT_FOUND, /no span of trace .* that you may read/);
    await rejectsWith(kernel.call('sys_trace_get', { traceId: 'xyz' }), Code.INVALID_ARGUMENT, /32 lowercase hex/);
  });

  test('syscall spans are exported over OTLP with the ids the audit log holds', async () => {
    await kernel.call('sys_health_check', {}, { agent: 'agent-a', traceparent: `00-${'ab'.repeat(16)}-${'cd'.repeat(8)}-01` });
    kernel.audit!.flush();
    await kernel.telemetry!.tracing.provider!.forceFlush();
    const all = exported.join('\n');
    assert.match(all, new RegExp('ab'.repeat(16)));
    assert.match(all, /sys_health_check/);
  });
});

describe('sys_emit_metric', () => {
  test('counters, gauges and histograms appear on /metrics with the agent as a label', async () => {
    await kernel.call('sys_emit_metric', { name: 'jobs_total', value: 3, type: 'counter', tags: { queue: 'fast' } }, { agent: 'agent-a' });
    await kernel.call('sys_emit_metric', { name: 'jobs_total', value: 2, type: 'counter', tags: { queue: 'fast' } }, { agent: 'agent-a' });
    await kernel.call('sys_emit_metric', { name: 'queue_depth', value: 7, type: 'gauge' }, { agent: 'agent-b' });
    await kernel.call('sys_emit_metric', { name: 'step_seconds', value: 0.2, type: 'histogram' }, { agent: 'agent-b' });
    const text = await kernel.metrics.text();
    assert.match(text, /camos_agent_jobs_total\{agent="agent-a",queue="fast"\} 5/);
    assert.match(text, /camos_agent_queue_depth\{agent="agent-b"\} 7/);
    assert.match(text, /camos_agent_step_seconds_count\{agent="agent-b"\} 1/);
    assert.match(text, /camos_syscalls_total/);
  });

  test('names, label names and type changes are refused with the reason', async () => {
    await rejectsWith(kernel.call('sys_emit_metric', { name: 'bad-name', value: 1 }, { agent: 'a' }), Code.INVALID_ARGUMENT, /field 'name'/);
    await rejectsWith(kernel.call('sys_emit_metric', { name: 'ok_name', value: 1, tags: { agent: 'x' } }, { agent: 'a' }), Code.INVALID_ARGUMENT, /label 'agent' is reserved/);
    await kernel.call('sys_emit_metric', { name: 'typed_total', value: 1, type: 'counter', tags: { queue: 'x' } }, { agent: 'a' });
    await rejectsWith(kernel.call('sys_emit_metric', { name: 'typed_total', value: 1, type: 'gauge', tags: { queue: 'x' } }, { agent: 'a' }), Code.FAILED_PRECONDITION, /is a counter, not a gauge/);
    await rejectsWith(kernel.call('sys_emit_metric', { name: 'typed_total', value: 1, type: 'counter', tags: { lane: 'x' } }, { agent: 'a' }), Code.FAILED_PRECONDITION, /has labels \[queue\]/);
    await rejectsWith(kernel.call('sys_emit_metric', { name: 'typed_total', value: -1, type: 'counter', tags: { queue: 'x' } }, { agent: 'a' }), Code.INVALID_ARGUMENT, /only goes up/);
  });

  test('label cardinality is capped per metric', async () => {
    for (const user of ['u1', 'u2', 'u3']) await kernel.call('sys_emit_metric', { name: 'logins', value: 1, type: 'counter', tags: { user } }, { agent: 'agent-a' });
    await rejectsWith(
      kernel.call('sys_emit_metric', { name: 'logins', value: 1, type: 'counter', tags: { user: 'u4' } }, { agent: 'agent-a' }),
      Code.RESOURCE_EXHAUSTED,
      /already has 3 label combinations/,
    );
  });
});

describe('doors and CLI', () => {
  test('POST /nl/query, camos ask and camos trace answer from the same log', async () => {
    const doors = await fixture.serve();
    const token = kernel.identity.adminToken();
    const res = await fetch(`http://127.0.0.1:${doors.port}/nl/query`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: JSON.stringify({ query: 'Which tasks failed yesterday?' }) });
    const body = (await res.json()) as { answer: string; intent: string; interpretation: { intent: string; window: { since: string; until: string; timeZone: string; described: string } } };
    assert.equal(body.intent, 'failed_tasks');
    assert.equal(body.interpretation.intent, 'failed_tasks');
    assert.equal(body.interpretation.window.timeZone, kernel.config.nl.timeZone || Intl.DateTimeFormat().resolvedOptions().timeZone);
    assert.ok(Number(body.interpretation.window.until) - Number(body.interpretation.window.since) === 86_400_000, JSON.stringify(body.interpretation));
    assert.ok(body.answer.startsWith(`I read this as: which tasks failed, ${body.interpretation.window.described}.`), body.answer);
    const cli = (...args: string[]) => promisify(execFile)(process.execPath, ['bin/camos.mjs', ...args, '--address', `127.0.0.1:${doors.port}`, '--data-dir', fixture.dataDir], { cwd: join(import.meta.dirname, '..') });
    const asked = await cli('ask', 'Why', 'was', 'task', '42', 'denied?');
    assert.match(asked.stdout, /^I read this as: what happened to task 42 \(denied\)/);
    assert.match(asked.stdout, /Task 42 was denied/);
    assert.match(asked.stdout, /query: SELECT/);
    await kernel.call('sys_emit_trace', { traceId: TRACE, operation: 'plan.search', duration: 3 }, { agent: 'agent-a' });
    const traced = await cli('trace', TRACE);
    assert.match(traced.stdout, /plan\.search \[agent agent-a\]/);
  });
});
