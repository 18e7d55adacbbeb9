// sys_explain_action, sys_nl_query, sys_emit_trace, sys_trace_get and sys_emit_metric
// through the kernel's pipeline, with OTLP export to a local collector.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Code, createKernel, serve, type Doors, type Kernel } from '../host/index.ts';
import { recordScenario } from './helpers/audit-scenario.ts';

const dir = mkdtempSync(join(tmpdir(), 'camos-audit-sys-'));
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
let kernel: Kernel;
let collector: Server;
let doors: Doors | undefined;
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
  kernel = await createKernel({
    config: { dataDir: dir, logLevel: 'silent', telemetry: { otlpEndpoint: `http://127.0.0.1:${port}/v1/traces`, maxSeriesPerMetric: 3 } },
  });
  recordScenario(kernel.auditSink);
});
after(async () => {
  await doors?.close(0);
  await kernel?.close();
  collector?.close();
  rmSync(dir, { recursive: true, force: true });
});

const rejectsWith = (p: Promise<unknown>, code: number, message: RegExp) =>
  assert.rejects(p, (e: any) => e.code === code && message.test(e.message));

describe('sys_explain_action', () => {
  test('explains a task from its recorded chain, in order, with confidence 1', async () => {
    const ex = await kernel.call('sys_explain_action', { taskId: '7' });
    assert.deepEqual(
      ex.records.map((r: any) => r.kind),
      ['arbitrated', 'submitted', 'authorized', 'queued', 'dispatched', 'failed', 'retried', 'dispatched', 'failed'],
    );
    assert.equal(ex.confidence, 1);
    assert.match(ex.explanation, /router \(confidence 0\.82\); ranked alternatives: router 0\.82, summarizer 0\.41/);
    assert.match(ex.explanation, /Outcome: failed/);
    assert.match(ex.explanation, /confidence is 1: nothing here is inferred/);
    assert.equal(ex.reasoningChain.length, ex.records.length);
  });

  test('explains a throttled submission with the bucket state', async () => {
    const ex = await kernel.call('sys_explain_action', { taskId: '90' });
    assert.deepEqual(ex.records.map((r: any) => r.kind), ['submitted', 'throttled']);
    assert.match(ex.explanation, /held 0\.20 of 5 tokens/);
  });

  test('an action id widens to the task it belongs to', async () => {
    const [submit] = kernel.audit!.query({ taskId: '8', syscalls: ['sys_commit_task'] }).records;
    const ex = await kernel.call('sys_explain_action', { actionId: String(submit.seq) });
    assert.match(ex.explanation, /^Task 8: .*wrote research\/notes\. Outcome: succeeded/);
  });

  test('a trace id finds the records of that trace', async () => {
    await kernel.call('sys_health_check', { detailed: true }, { agent: 'agent-x', traceparent: `00-${TRACE}-00f067aa0ba902b7-01` });
    const ex = await kernel.call('sys_explain_action', { traceId: TRACE });
    assert.equal(ex.records[0].syscall, 'sys_health_check');
    assert.equal(ex.records[0].caller, 'agent-x');
  });

  test('an unknown id is NOT_FOUND and no id at all is INVALID_ARGUMENT', async () => {
    await rejectsWith(kernel.call('sys_explain_action', { taskId: 'no-such-task' }), Code.NOT_FOUND, /no audit record mentions task 'no-such-task'/);
    await rejectsWith(kernel.call('sys_explain_action', {}), Code.INVALID_ARGUMENT, /task_id, action_id .* or trace_id/);
  });
});

describe('sys_nl_query', () => {
  test('answers from the audit log with evidence and the query it ran', async () => {
    const a = await kernel.call('sys_nl_query', { query: 'Why was task 42 denied?' });
    assert.equal(a.understood, true);
    assert.equal(a.intent, 'why_task_denied');
    assert.match(a.answer, /forbid-untrusted/);
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
    await rejectsWith(kernel.call('sys_trace_get', { traceId: 'f'.repeat(32) }), Code.NOT_FOUND, /no span of trace/);
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
    doors = await serve(kernel, { host: '127.0.0.1', port: 0 });
    const token = kernel.identity.adminToken();
    const res = await fetch(`http://127.0.0.1:${doors.port}/nl/query`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: JSON.stringify({ query: 'Which tasks failed yesterday?' }) });
    const body = (await res.json()) as { answer: string; intent: string };
    assert.equal(body.intent, 'failed_tasks');
    const cli = (...args: string[]) => promisify(execFile)(process.execPath, ['bin/camos.mjs', ...args, '--address', `127.0.0.1:${doors!.port}`, '--data-dir', dir], { cwd: join(import.meta.dirname, '..') });
    const asked = await cli('ask', 'Why', 'was', 'task', '42', 'denied?');
    assert.match(asked.stdout, /Task 42 was denied/);
    assert.match(asked.stdout, /query: SELECT/);
    await kernel.call('sys_emit_trace', { traceId: TRACE, operation: 'plan.search', duration: 3 }, { agent: 'agent-a' });
    const traced = await cli('trace', TRACE);
    assert.match(traced.stdout, /plan\.search \[agent agent-a\]/);
  });
});
