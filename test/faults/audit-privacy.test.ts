// An agent's questions, explanations and traces see only its own records and what it may
// read (host/audit/scope.ts). Two kernels hold the same scripted day, except that in the
// second agent-a never did anything: agent-c must get the same answer from both, to every
// kind of question, and never a word of agent-a's (key names, values, hashes, sizes,
// snapshot and token ids, tasks, the agent list).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Kernel } from '../../host/index.ts';
import { openKernel, type OpenKernel } from '../helpers/kernel.ts';
import { INTENTS } from '../../host/audit/index.ts';
import { Code, type SyscallError } from '../../host/base/errors.ts';
import type { AuditEntry } from '../../host/contract/index.ts';
import { AGENT_A_SECRETS, recordScenario } from '../helpers/audit-scenario.ts';

const worlds: OpenKernel[] = [];
/** withA: the scenario as it is; without: the same day with agent-a's records left out. */
let withA: Kernel;
let withoutA: Kernel;

async function world(keepAgentA: boolean): Promise<Kernel> {
  const world = await openKernel({ drivers: { poolSize: 1, watch: true }, nl: { timeZone: 'Europe/Berlin' } });
  worlds.push(world);
  const k = world.kernel;
  for (const agentId of ['agent-a', 'agent-b', 'agent-c']) await k.call('sys_agent_register', { agentId });
  const aboutA = (e: AuditEntry) => e.caller === 'agent-a' || e.target === 'Namespace::agent-a' || (e.target === 'Agent::agent-a' && e.syscall === 'sys_token_create');
  recordScenario({ record: (e) => (keepAgentA || !aboutA(e) ? k.auditSink.record(e) : undefined) });
  if (keepAgentA) await k.call('sys_context_write', { namespace: 'agent-a', key: 'secret-plan', data: Buffer.from('password123') }, { agent: 'agent-a' });
  await k.call('sys_context_write', { namespace: 'agent-c', key: 'todo', data: Buffer.from('read the docs') }, { agent: 'agent-c' });
  return k;
}

before(async () => {
  withA = await world(true);
  withoutA = await world(false);
});
after(async () => {
  for (const w of worlds) await w.close();
});

/**
 * The parts of an answer agent-c reads, without what differs between two kernels anyway:
 * record numbers, the trace ids and times of the calls the test makes now.
 */
const seen = (a: { answer: string; queryRan: string; interpretation: unknown; evidence: { summary: string; kind: string; caller: string; detailsJson: string }[] }) =>
  JSON.stringify({ answer: a.answer, queryRan: a.queryRan, interpretation: a.interpretation, evidence: a.evidence.map((e) => [e.kind, e.caller, e.summary, e.detailsJson]) })
    .replace(/#\d+(, #\d+)*/g, '#n')
    .replace(/(seq|time) (=|>=|<=) \d+/g, '$1 $2 n')
    .replace(/[0-9a-f]{32}/g, '<trace>')
    .replace(new RegExp(`${new Date().getFullYear()}-\\d\\d-\\d\\d \\d\\d:\\d\\d`, 'g'), '<now>');

/** Questions agent-c asks, at least one per intent, naming agent-a's things where it can. */
const QUESTIONS: Record<string, string[]> = {
  help: ['What can I ask?'],
  why_throttled: ['Why was agent-a throttled?'],
  throttled_agents: ['Who got throttled?'],
  why_denied: ['Why was agent-a denied?', "Why couldn't agent-a write to team?"],
  denials: ['What was denied?'],
  agent_activity: ['What did agent-a do?', 'What did agent-c do?'],
  active_agents: ['Which agents were active on 11 March 2025?'],
  who_wrote: ['Who wrote agent-a/secret-plan?', 'Who wrote the key secret-plan in namespace agent-a?', 'Who wrote plans/today in team?'],
  namespace_changes: ['What changed in namespace agent-a?', 'What changed in namespace agent-c?'],
  failed_tasks: ['Which tasks failed?'],
  explain_task: ['What happened to task 7?', 'Explain task a-nightly', 'Why did task 43 fail?'],
  count: ['How many records are in the audit log?', 'How many calls did agent-a make?', 'how many context writes were there?'],
  driver_history: ['When was the router driver last updated?'],
  driver_events: ['Which drivers were loaded on 11 March 2025?'],
  list_drivers: ['What drivers are loaded?'],
  health: ['Is the kernel healthy?'],
  // The scenario's day: the calls this test makes take however long they take.
  slowest_syscalls: ['What were the slowest syscalls on 11 March 2025?'],
  what_happened: ['What happened?'],
  list_agents: ['list agents', 'which agents are idle?'],
  list_namespaces: ['What namespaces exist?'],
  policy_changes: ['When was the policy last changed?'],
  unknown: ['How tall is the Eiffel tower?'],
};

const askAs = (k: Kernel, q: string, agent = 'agent-c') => k.call('sys_nl_query', { query: q }, { agent });

describe('what agent-c learns of agent-a', () => {
  test('every intent has a question here', () => {
    assert.deepEqual(Object.keys(INTENTS).filter((i) => !QUESTIONS[i]), []);
  });

  for (const [intent, questions] of Object.entries(QUESTIONS)) {
    for (const q of questions) {
      test(`${intent}: "${q}" tells agent-c the same whether agent-a acted or not`, async () => {
        const [a, b] = [await askAs(withA, q), await askAs(withoutA, q)];
        assert.equal(a.intent, intent, a.answer);
        assert.equal(seen(a), seen(b));
        const text = JSON.stringify(a);
        for (const secret of AGENT_A_SECRETS.filter((s) => !q.includes(s))) assert.ok(!text.includes(secret), `"${secret}" in: ${a.answer}`);
        // The help's examples are fixed words, not records.
        if (!q.includes('agent-a') && intent !== 'help' && intent !== 'unknown') assert.ok(!text.includes('agent-a'), `agent-a named in: ${a.answer}`);
      });
    }
  }

  test('the admin sees agent-a in the same log (the comparison above is not empty)', async () => {
    const a = await withA.call('sys_nl_query', { query: 'What did agent-a do?' });
    assert.match(a.answer, /agent-a made \d+ calls/);
    const who = await withA.call('sys_nl_query', { query: 'Who wrote agent-a/secret-plan?' });
    assert.match(who.answer, /agent-a\/secret-plan was last written by agent-a/);
  });

  test('an agent asking about itself gets its own records', async () => {
    const a = await askAs(withA, 'What did agent-b do?', 'agent-b');
    assert.match(a.answer, /agent-b made \d+ calls/);
    const t = await askAs(withA, 'Why was agent-b throttled?', 'agent-b');
    assert.match(t.answer, /agent-b was throttled 6 times/);
  });

  test('a namespace agent-c was denied tells it nothing of the keys others wrote there', async () => {
    await withA.call('sys_context_write', { namespace: 'finance', key: 'salaries', data: Buffer.from('42') });
    const said = async (key: string) => JSON.stringify(await askAs(withA, `Who wrote finance/${key}?`)).replaceAll(key, '<key>');
    assert.equal(await said('salaries'), await said('no-such-key'));
    assert.doesNotMatch(await said('salaries'), /admin/);
  });
});

describe('explanations, traces, policy text and health', () => {
  const rejectsWith = (p: Promise<unknown>, code: Code, message: RegExp) => assert.rejects(p, (e: SyscallError) => e.code === code && message.test(e.message));

  test("agent-a's task is explained to agent-c exactly as a task that does not exist", async () => {
    const message = (id: string) => withA.call('sys_explain_action', { taskId: id }, { agent: 'agent-c' }).catch((e: SyscallError) => `${e.code} ${e.message.replace(id, '<id>')}`);
    assert.equal(await message('7'), await message('no-such-task'));
    assert.match(await message('7'), new RegExp(`^${Code.NOT_FOUND} `));
    const own = await withA.call('sys_explain_action', { taskId: '43' }, { agent: 'agent-c' });
    assert.match(own.explanation, /^Task 43: agent-c submitted it/);
  });

  test("agent-c cannot read agent-a's trace, and sees only its own spans of a shared one", async () => {
    const [aTrace] = withA.audit!.query({ caller: 'agent-a', syscalls: ['sys_context_write'], limit: 1 }).records;
    const missing = 'f'.repeat(32);
    const message = (id: string) => withA.call('sys_trace_get', { traceId: id }, { agent: 'agent-c' }).catch((e: SyscallError) => `${e.code} ${e.message.replace(id, '<id>')}`);
    assert.equal(await message(aTrace.traceId), await message(missing));
    const shared = 'ab'.repeat(16);
    await withA.call('sys_emit_trace', { traceId: shared, operation: 'a.secret-step', duration: 1 }, { agent: 'agent-a' });
    await withA.call('sys_emit_trace', { traceId: shared, operation: 'c.step', duration: 1 }, { agent: 'agent-c' });
    const { spans } = await withA.call('sys_trace_get', { traceId: shared }, { agent: 'agent-c' });
    assert.ok(spans.length > 0);
    assert.ok(spans.every((s: { operation: string; tags: Record<string, string> }) => s.operation !== 'a.secret-step' && s.tags.caller !== 'agent-a' && s.tags.agent !== 'agent-a'), JSON.stringify(spans));
  });

  test('the policy text and the detailed health report are closed to agents, open to the admin', async () => {
    await rejectsWith(withA.call('sys_policy_get', {}, { agent: 'agent-c' }), Code.PERMISSION_DENIED, /policy_get/);
    await rejectsWith(withA.call('sys_health_check', { detailed: true }, { agent: 'agent-c' }), Code.PERMISSION_DENIED, /health_detail grant/);
    const summary = await withA.call('sys_health_check', {}, { agent: 'agent-c' });
    assert.equal(summary.components, undefined);
    const full = await withA.call('sys_health_check', { detailed: true });
    assert.ok(full.components.audit);
  });

  test('a policy may grant audit_read: of one agent, then of the whole log', async () => {
    const { policyData } = await withA.call('sys_policy_get', {});
    const grant = (resource: string) => withA.call('sys_policy_update', { policyData: `${policyData}\n@id("c-audits")\npermit (principal == Agent::"agent-c", action == Action::"audit_read", resource == ${resource});\n` });
    await grant('Agent::"agent-a"');
    const a = await askAs(withA, 'What did agent-a do?');
    assert.match(a.answer, /agent-a made \d+ calls/);
    const snapshots = await askAs(withA, 'What changed in namespace team?');
    assert.match(snapshots.answer, /agent-a wrote plans\/today/);
    assert.doesNotMatch((await askAs(withA, 'Who got throttled?')).answer, /agent-b/, 'agent-b is not granted');
    await grant('Kernel::"audit"');
    assert.match((await askAs(withA, 'Who got throttled?')).answer, /agent-b \(6 times\)/);
    assert.match((await askAs(withA, 'list agents')).answer, /agent-a \(active\), agent-b \(active\), agent-c \(active\)/);
    await withA.call('sys_policy_update', { policyData });
  });
});
