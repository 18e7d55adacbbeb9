// The read-only calls the console needs beyond the rest of the table: the task list, the
// context listing, the audit query (each showing an agent only what is its own), the
// caller named by the health check, and the agent and driver lists' live fields.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Kernel } from '../host/index.ts';
import { generateHybridKeyPair } from '../host/crypto/hybrid.ts';
import { CallStats } from '../host/drivers/call-stats.ts';
import { Code, SyscallError } from '../host/base/errors.ts';
import { buildProbe, probeManifest } from './fixtures/probe.ts';
import { openKernel, type OpenKernel } from './helpers/kernel.ts';

let fixture: OpenKernel;
let kernel: Kernel;

before(async () => {
  fixture = await openKernel({ drivers: { poolSize: 1 } });
  kernel = fixture.kernel;
  await kernel.call('sys_agent_register', { agentId: 'agent-a', quotaRate: 0.001, quotaBurst: 2 });
  await kernel.call('sys_agent_register', { agentId: 'agent-b' });
});
after(async () => {
  await fixture.close();
});

const as = (agent: string) => ({ agent });
const rejectsWith = (p: Promise<unknown>, code: Code, message: RegExp) =>
  assert.rejects(p, (e: SyscallError) => {
    assert.equal(e.code, code, e.message);
    assert.match(e.message, message);
    return true;
  });
const put = (namespace: string, key: string, text: string, agent?: string) =>
  kernel.call('sys_context_write', { namespace, key, data: Buffer.from(text) }, agent ? as(agent) : {});

describe('sys_task_list', () => {
  test('an agent sees the tasks it submitted or handles, the admin every task', async () => {
    await kernel.call('sys_commit_task', { task: { id: 'a-for-b', target: 'agent-b' } }, as('agent-a'));
    await kernel.call('sys_commit_task', { task: { id: 'admin-own', target: 'agent-a' } });
    await kernel.call('sys_commit_task', { task: { id: 'b-self', target: 'agent-b' } }, as('agent-b'));
    const ids = async (opts?: { agent: string }) => ((await kernel.call('sys_task_list', {}, opts)).tasks as any[]).map((t) => t.task.taskId).sort();
    assert.deepEqual(await ids(as('agent-b')), ['a-for-b', 'b-self']);
    assert.deepEqual(await ids(as('agent-a')), ['a-for-b', 'admin-own']);
    assert.deepEqual(await ids(), ['a-for-b', 'admin-own', 'b-self']);
    const all = await kernel.call('sys_task_list', {});
    assert.deepEqual(Object.keys(all.weights).sort(), ['efficiency', 'energy', 'importance', 'trust', 'urgency']);
    assert.deepEqual(all.tasks[0].scoreBreakdown.map((t: any) => t.name), ['urgency', 'importance', 'efficiency', 'energy', 'trust']);
  });

  test("an agent asking for another agent's tasks is refused, naming both", async () => {
    await rejectsWith(kernel.call('sys_task_list', { agentId: 'agent-b' }, as('agent-a')), Code.PERMISSION_DENIED, /agent 'agent-a' may list only its own tasks, not agent 'agent-b'/);
  });

  test('an unknown state is INVALID_ARGUMENT listing the states', async () => {
    await rejectsWith(kernel.call('sys_task_list', { state: 'done' }), Code.INVALID_ARGUMENT, /state is one of queued, assigned, running/);
  });
});

describe('sys_context_list', () => {
  before(async () => {
    await put('agent-a', 'plan', 'one', 'agent-a');
    await put('agent-a.notes', 'n1', 'x', 'agent-a');
    await put('agent-b', 'secret', 'hidden', 'agent-b');
    for (const k of ['k1', 'k2', 'k3', 'other']) await put('team', k, k);
    await kernel.call('sys_context_delete', { namespace: 'team', key: 'k2' });
  });

  test('without a namespace it lists only the namespaces the caller may read', async () => {
    const mine = (await kernel.call('sys_context_list', {}, as('agent-a'))).namespaces;
    assert.deepEqual(mine, ['agent-a', 'agent-a.notes']);
    const all = (await kernel.call('sys_context_list', {})).namespaces;
    for (const ns of ['agent-a', 'agent-a.notes', 'agent-b', 'team']) assert.ok(all.includes(ns), ns);
  });

  test("an agent listing another agent's keys is refused by policy", async () => {
    await rejectsWith(kernel.call('sys_context_list', { namespace: 'agent-b' }, as('agent-a')), Code.PERMISSION_DENIED, /context_list on Namespace::"agent-b"/);
  });

  test("a namespace's keys come by key with their current version, tombstones marked, a prefix and pages", async () => {
    const page1 = await kernel.call('sys_context_list', { namespace: 'team', prefix: 'k', limit: 2 });
    assert.deepEqual(page1.keys.map((k: any) => [k.key, k.version, k.deleted]), [['k1', 1, false], ['k2', 2, true]]);
    assert.equal(page1.hasMore, true);
    const page2 = await kernel.call('sys_context_list', { namespace: 'team', prefix: 'k', limit: 2, pageToken: page1.nextToken });
    assert.deepEqual(page2.keys.map((k: any) => k.key), ['k3']);
    assert.equal(page2.hasMore, false);
    assert.equal(page1.keys[0].author, 'admin');
  });

  test('a prefix outside the key alphabet is INVALID_ARGUMENT', async () => {
    await rejectsWith(kernel.call('sys_context_list', { namespace: 'team', prefix: "k' OR 1=1" }), Code.INVALID_ARGUMENT, /prefix/);
  });
});

describe('sys_audit_query', () => {
  test('an agent sees only the records of its own calls, and the driver catalogue\'s events (docs/audit.md, "Who may read what")', async () => {
    await kernel.call('sys_context_read', { namespace: 'agent-a', key: 'plan' }, as('agent-a'));
    const got = await kernel.call('sys_audit_query', { limit: 1000 }, as('agent-a'));
    assert.ok(got.records.some((r: any) => r.caller === 'agent-a'));
    assert.deepEqual(got.records.filter((r: any) => r.caller !== 'agent-a' && !(r.caller === 'kernel' && r.syscall.startsWith('driver.'))), []);
    await rejectsWith(kernel.call('sys_audit_query', { caller: 'agent-b' }, as('agent-a')), Code.PERMISSION_DENIED, /may not read the audit records of 'agent-b'.*audit_read/);
  });

  test('throttled submissions are found by code, newest first, with their evidence', async () => {
    const commit = () => kernel.call('sys_commit_task', { task: { target: 'agent-a' } }, as('agent-a'));
    await rejectsWith((async () => { for (;;) await commit(); })(), Code.RESOURCE_EXHAUSTED, /over its quota/);
    const got = await kernel.call('sys_audit_query', { code: 8, syscalls: ['sys_commit_task'] }); // 8: RESOURCE_EXHAUSTED, as the wire numbers it
    assert.equal(got.records[0].caller, 'agent-a');
    assert.equal(JSON.parse(got.records[0].evidenceJson).throttled, true);
    assert.match(got.queryRan, /code = 8/);
    const seqs = got.records.map((r: any) => Number(r.seq));
    assert.deepEqual(seqs, [...seqs].sort((a, b) => b - a));
  });

  test('before_seq pages back through the log', async () => {
    const first = await kernel.call('sys_audit_query', { limit: 3 });
    assert.equal(first.hasMore, true);
    const next = await kernel.call('sys_audit_query', { limit: 3, beforeSeq: first.records.at(-1).seq });
    assert.ok(Number(next.records[0].seq) < Number(first.records.at(-1).seq));
  });

  test('the admin may verify the chain; an agent may not', async () => {
    const got = await kernel.call('sys_audit_query', { verify: true, limit: 1 });
    assert.equal(got.chain.ok, true, got.chain.summary);
    assert.ok(Number(got.chain.records) > 0);
    await rejectsWith(kernel.call('sys_audit_query', { verify: true }, as('agent-a')), Code.PERMISSION_DENIED, /only the admin .* may verify/);
  });
});

test('the health check names its caller, even without a token', async () => {
  assert.deepEqual(await kernel.call('sys_health_check', {}, as('agent-b')).then((h) => [h.caller, h.callerKind]), ['agent-b', 'agent']);
  assert.deepEqual(await kernel.call('sys_health_check', { detailed: true }).then((h) => [h.caller, h.callerKind]), ['admin', 'admin']);
});

test("the agent list carries each agent's bucket level and task counts", async () => {
  const { agents } = await kernel.call('sys_agent_list', {});
  const a = agents.find((x: any) => x.agentId === 'agent-a');
  assert.ok(a.bucketTokens < 1, `agent-a spent its burst: ${a.bucketTokens}`);
  const assigned = (await kernel.call('sys_task_list', { state: 'assigned' })).tasks.filter((t: any) => t.task.agentId === 'agent-a');
  assert.ok(assigned.length > 0);
  assert.equal(a.tasksRunning, assigned.length, 'tasks agent-a submitted that wait, assigned, for their agent');
  const b = agents.find((x: any) => x.agentId === 'agent-b');
  assert.equal(b.bucketTokens, b.quotaBurst);
});

describe('driver call statistics', () => {
  test('the driver list counts errors and gives p50/p99 of recent calls, with the limits', async () => {
    const core = await buildProbe();
    const publisher = generateHybridKeyPair();
    kernel.drivers!.trust.add(publisher.publicKey, 'test publisher');
    await kernel.call('sys_driver_load', { manifestData: Buffer.from(probeManifest(core, publisher, { timeoutMs: 500 })), module: Buffer.from(core) });
    for (let i = 0; i < 5; i++) await kernel.call('sys_driver_invoke', { name: 'probe', input: Buffer.from('ehello') });
    await rejectsWith(kernel.call('sys_driver_invoke', { name: 'probe', input: Buffer.from('Eno') }), Code.ABORTED, /refused: no/);
    const d = (await kernel.call('sys_driver_list', {})).drivers.find((x: any) => x.name === 'probe');
    assert.equal(d.calls, 6);
    assert.equal(d.errors, 1);
    assert.ok(d.p50Ms > 0 && d.p99Ms >= d.p50Ms, `p50 ${d.p50Ms} p99 ${d.p99Ms}`);
    assert.equal(d.limits.timeoutMs, 500);
  });

  test('the window keeps the last 1024 calls', () => {
    const s = new CallStats();
    for (let i = 0; i < 1024; i++) s.record(100, true);
    for (let i = 0; i < 1024; i++) s.record(1, i % 2 === 0);
    assert.deepEqual(s.percentiles(), { p50Ms: 1, p99Ms: 1 });
    assert.equal(s.errors, 512);
    assert.deepEqual(new CallStats().percentiles(), { p50Ms: 0, p99Ms: 0 });
  });
});
