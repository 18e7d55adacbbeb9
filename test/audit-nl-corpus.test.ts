// Natural-language questions over a scripted day (test/helpers/audit-scenario.ts): the
// parser learns from host/audit/nl-train.json and is scored on the held-out phrasings of
// test/fixtures/audit-nl-heldout.json, which it never saw; then what the answers say.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AuditLog, QuestionAnswerer, intentClassifier, trainingCorpus, type Answer } from '../host/audit/index.ts';
import { ConfigError, loadConfig } from '../host/config/index.ts';
import { createLogger } from '../host/telemetry/log.ts';
import { NOW, TIME_ZONE, live, recordScenario } from './helpers/audit-scenario.ts';

interface Case {
  q: string;
  intent: string;
  entities?: Record<string, string>;
  filters?: Record<string, string>;
  window: string | null;
  ask?: Record<string, string>;
}
const heldOut: { now: string; timeZone: string; windows: Record<string, [string, string]>; cases: Case[] } = JSON.parse(readFileSync(new URL('./fixtures/audit-nl-heldout.json', import.meta.url), 'utf8'));

const dir = mkdtempSync(join(tmpdir(), 'camos-nl-'));
let audit: AuditLog;
let answerer: QuestionAnswerer;
const ask = (q: string) => answerer.ask(q, { now: NOW });

before(() => {
  audit = new AuditLog(join(dir, 'audit.db'), { checkpointEvery: 10_000, flushIntervalMs: 50, batchSize: 1000, retentionDays: 0 }, { log: createLogger('silent'), signer: () => undefined });
  recordScenario(audit);
  answerer = new QuestionAnswerer(audit, { ...live, syscalls: ['sys_context_write', 'sys_context_read', 'sys_commit_task', 'sys_health_check', 'sys_policy_update', 'sys_driver_invoke', 'sys_arbitrate'] }, { timeZone: TIME_ZONE });
});
after(async () => {
  await audit.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What is wrong with the plan an answer shows, against the case; and whether it named a wrong entity. */
function judge(c: Case, a: Answer): { problems: string[]; wrongEntity: boolean } {
  const p = a.interpretation;
  const problems: string[] = [];
  if (p.intent !== c.intent) problems.push(`intent ${p.intent}`);
  const got = Object.fromEntries(p.entities.map((e) => [e.kind, e.value]));
  const want = c.entities ?? {};
  const wrong = Object.entries(got).filter(([k, v]) => want[k] !== v);
  for (const [k, v] of wrong) problems.push(`entity ${k}=${v}`);
  for (const [k, v] of Object.entries(want)) if (got[k] !== v) problems.push(`no ${k}=${v}`);
  for (const [k, v] of Object.entries(c.ask ?? {})) if (!p.unresolved.some((u) => u.kind === k && u.text.toLowerCase() === v.toLowerCase())) problems.push(`does not ask about ${k} '${v}'`);
  for (const u of p.unresolved) if (!c.ask?.[u.kind]) problems.push(`asks about ${u.kind} '${u.text}'`);
  for (const [k, v] of Object.entries(c.filters ?? {})) if (p.filters[k] !== v) problems.push(`filter ${k}=${p.filters[k]}`);
  const w = c.window ? heldOut.windows[c.window] : undefined;
  if (w ? p.window?.since !== Date.parse(w[0]) || p.window?.until !== Date.parse(w[1]) : p.window) problems.push(`window ${p.window?.described ?? 'none'}`);
  return { problems, wrongEntity: wrong.length > 0 };
}

describe('the question parser', () => {
  test('the corpus holds at least 200 phrasings in two files that share none', () => {
    const train = trainingCorpus();
    assert.ok(train.length + heldOut.cases.length >= 200, `${train.length} + ${heldOut.cases.length}`);
    const seen = new Set(train.map((t) => t.utterance.toLowerCase()));
    assert.deepEqual(heldOut.cases.filter((c) => seen.has(c.q.toLowerCase())).map((c) => c.q), []);
  });

  test('the held-out scenario is the one the answers are asked in', () => {
    assert.equal(Date.parse(heldOut.now), NOW.getTime());
    assert.equal(heldOut.timeZone, TIME_ZONE);
  });

  test('at least 95% of the held-out phrasings are read right (intent, names, window), and no name is ever read wrong', async () => {
    const judged = await Promise.all(heldOut.cases.map(async (c) => ({ c, a: await ask(c.q) })));
    const results = judged.map(({ c, a }) => ({ q: c.q, ...judge(c, a), read: a.interpretation.summary }));
    const failures = results.filter((r) => r.problems.length);
    const right = results.length - failures.length;
    const report = failures.map((f) => `- ${f.q}: ${f.problems.join('; ')}\n    read as: ${f.read}`).join('\n');
    console.log(`held-out: ${right}/${results.length} right (${((100 * right) / results.length).toFixed(1)}%)\n${report}`);
    assert.deepEqual(results.filter((r) => r.wrongEntity).map((r) => r.q), [], 'a name read wrong');
    assert.ok(right / results.length >= 0.95, `${right}/${results.length} right\n${report}`);
  });

  test('the classifier puts its own training phrasings in their intents', async () => {
    const { nlu } = await intentClassifier();
    const train = trainingCorpus();
    let right = 0;
    for (const t of train) if ((await nlu.process(t.utterance)).classifications[0].intent === t.intent) right++;
    console.log(`training: ${right}/${train.length} right`);
    assert.ok(right / train.length >= 0.95, `${right}/${train.length}`);
  });
});

describe('answers', () => {
  const cases: [string, string, string[]][] = [
    ['Why did agent-b get throttled last night?', 'why_throttled', ['agent-b was throttled 6 times last night (2025-03-11 18:00 to 2025-03-12 06:00 Europe/Berlin)', 'b-sum-1, b-sum-2', '0.2 of 5 tokens']],
    ['Which agents hit their rate limit today?', 'throttled_agents', ['1 agent was throttled today', 'agent-b (2 times)']],
    ["Why couldn't Agent-C write to finance?", 'why_denied', ['agent-c was denied 1 time on namespace finance', 'no policy permits Agent::"agent-c" to context_write on Namespace::"finance" (policy set v1 denies by default)']],
    ['Why did task b-sum-4 get throttled?', 'explain_task', ['Task b-sum-4 was throttled', 'token bucket held 0.20 of 5 tokens']],
    ['Which tasks failed yesterday?', 'failed_tasks', ['2 tasks failed yesterday', 'task 7 (agent-a, driver router@1.0.0: timeout after 5000 ms)', 'task 43 (agent-c']],
    ['Did any task fail today, and why?', 'failed_tasks', ['1 task failed today', 'a-nightly', 'out of bounds memory access']],
    ['When was the router driver last updated?', 'driver_history', ['was last updated at 2025-03-11 16:00 (1.0.0 to router@1.1.0)', 'router@1.0.0 unloaded at 2025-03-11 16:00 (1.1.0 still loaded)', 'Loaded now: router@1.1.0']],
    ['Which drivers were loaded yesterday?', 'driver_events', ['3 drivers were loaded', 'router@1.1.0 at 2025-03-11 16:00 (replacing 1.0.0)']],
    ['Who wrote plans/today in team?', 'who_wrote', ['team/plans/today was last written by agent-b (version 2 at 2025-03-11 12:00); all writers: agent-b, agent-a']],
    ['What changed in the research namespace since yesterday 3pm?', 'namespace_changes', ['Nothing changed in namespace research since yesterday 3pm']],
    ['what changed in research yesterday', 'namespace_changes', ['2 changes in namespace research', 'task 8 wrote notes', 'agent-b wrote summary (v1)']],
    ['What happened at 05:57?', 'what_happened', ['2 records at 05:57 (2025-03-12 05:52 to 2025-03-12 06:02 Europe/Berlin)', '2025-03-12 05:57 agent-b sys_commit_task Task::b-sum-6: throttled']],
    ['since 9am, what did agent-c do?', 'agent_activity', ['agent-c made 4 calls since 9am (2025-03-11 09:00 to 2025-03-12 06:00', '2 did not succeed']],
    ['What are the slowest syscalls?', 'slowest_syscalls', ['sys_driver_invoke 2.60 ms mean', 'sys_arbitrate 0.90 ms']],
    ['How many times was agent-b throttled?', 'count', ['6 throttled submissions of agent-b in the whole audit log']],
    ['Is the kernel healthy?', 'health', ['The kernel is ok', 'not ok: drivers', 'memory_mb 900']],
    ['When was the policy last changed?', 'policy_changes', ['admin set version 2 (\'team-rules\') over version 1 at 2025-03-11 15:00']],
    ['Which agents were active last night?', 'active_agents', ['agent-b (6 records)', 'agent-a', 'agent-c (1 record)']],
    ['Show me all active agents', 'list_agents', ['2 active agents: agent-a, agent-b']],
    ['what namespaces exist', 'list_namespaces', ['4 namespaces: agent-a, finance, research, team']],
  ];
  for (const [q, intent, contains] of cases) {
    test(`"${q}" is answered from the records`, async () => {
      const a = await ask(q);
      assert.equal(a.intent, intent, a.answer);
      for (const s of contains) assert.ok(a.answer.includes(s), `lacks "${s}":\n${a.answer}`);
      for (const e of a.evidence) assert.ok(audit.get(Number(e.id)), `evidence #${e.id} is no record`);
    });
  }

  test('the explanation of a task goes in causal order and leaves out a later status check', async () => {
    const a = await ask('What happened to task 7?');
    assert.deepEqual(a.evidence.map((e) => e.kind), ['arbitrated', 'submitted', 'authorized', 'queued', 'dispatched', 'retried', 'dispatched', 'failed']);
    assert.match(a.answer, /running it on driver router@1\.0\.0 by policy agent-a-uses-router/);
    assert.match(a.answer, /confidence is 1\b/);
  });

  test('an answer starts with the plan it ran, and returns it', async () => {
    const a = await ask('Why did agent-b get throttled last night?');
    assert.match(a.answer, /^I read this as: why agent-b was throttled, last night \(2025-03-11 18:00 to 2025-03-12 06:00 Europe\/Berlin\)\. /);
    assert.equal(a.interpretation.intent, 'why_throttled');
    assert.deepEqual(a.interpretation.entities, [{ kind: 'agent', value: 'agent-b' }]);
    assert.equal(a.interpretation.window?.since, Date.parse('2025-03-11T18:00:00+01:00'));
    assert.ok(a.evidence.every((e) => e.kind === 'throttled' && e.caller === 'agent-b'));
    assert.match(a.queryRan, /^SELECT \* FROM records WHERE .*caller = 'agent-b'.*code = 8/);
  });

  test('a name it does not know is asked back, with the nearest names, never guessed', async () => {
    const a = await ask('why was agnet-b rate limited?');
    assert.equal(a.understood, false);
    assert.deepEqual(a.evidence, []);
    assert.match(a.answer, /I know no agent 'agnet-b'\. Did you mean 'agent-b'/);
    const z = await ask('What did agent-z do today?');
    assert.match(z.answer, /I know no agent 'agent-z'\. Did you mean 'agent-a' or 'agent-b' or 'agent-c'/);
  });

  test('a question it cannot answer lists what it can answer instead of guessing', async () => {
    const a = await ask('How tall is the Eiffel tower?');
    assert.equal(a.understood, false);
    assert.equal(a.evidence.length, 0);
    assert.match(a.answer, /why an agent was throttled/);
  });

  test('times are read in the configured time zone and the window printed in it', async () => {
    const utc = new QuestionAnswerer(audit, live, { timeZone: 'UTC' });
    const a = await utc.ask('what happened since 9am?', { now: NOW });
    assert.match(a.answer, /since 9am \(2025-03-12 09:00|since 9am \(2025-03-11 09:00 to 2025-03-12 05:00 UTC\)/);
    assert.equal(a.interpretation.window?.since, Date.parse('2025-03-11T09:00:00Z'));
  });

  test('nl.timeZone is an IANA zone, the system\'s by default', () => {
    assert.equal(loadConfig({ env: {}, cwd: dir }).nl.timeZone, '');
    assert.equal(loadConfig({ env: {}, cwd: dir, flags: { nl: { timeZone: 'America/New_York' } } }).nl.timeZone, 'America/New_York');
    assert.throws(() => loadConfig({ env: {}, cwd: dir, flags: { nl: { timeZone: 'Mars/Olympus' } } }), (e: Error) => e instanceof ConfigError && /nl\.timeZone.*IANA time zone/.test(e.message));
  });

  test('the same question gets the same answer every time', async () => {
    const q = 'Which tasks failed today and why?';
    assert.deepEqual(await ask(q), await ask(q));
  });
});
