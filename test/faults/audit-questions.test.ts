// Hostile questions: whatever the words, the answerer answers (or asks back) without
// throwing, every evidence id is a real record, and every name in the plan is one the
// caller may see, never made up from the question.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { AuditLog, QuestionAnswerer, type AuditScope } from '../../host/audit/index.ts';
import { createLogger } from '../../host/telemetry/log.ts';
import { NOW, TIME_ZONE, live, recordScenario } from '../helpers/audit-scenario.ts';

const dir = mkdtempSync(join(tmpdir(), 'camos-nl-faults-'));
let audit: AuditLog;
let answerer: QuestionAnswerer;
/** agent-c's scope as the default policy gives it: its own records, no namespace, the driver catalogue. */
const agentC: AuditScope = { all: false, callers: ['agent-c'], namespaces: [], driverEvents: true, policyUpdates: false, agentList: false, healthDetails: false };
const crowd = Array.from({ length: 2000 }, (_, i) => `agent-${String(i).padStart(4, '0')}`);

before(async () => {
  audit = new AuditLog(join(dir, 'audit.db'), { checkpointEvery: 10_000, flushIntervalMs: 50, batchSize: 1000, retentionDays: 0 }, { log: createLogger('silent'), signer: () => undefined });
  recordScenario(audit);
  answerer = new QuestionAnswerer(audit, { ...live, agents: () => [...live.agents!(), ...crowd.map((agentId) => ({ agentId, status: 'idle' }))] }, { timeZone: TIME_ZONE });
  await answerer.ask('help', { now: NOW });
});
after(async () => {
  await audit.close();
  rmSync(dir, { recursive: true, force: true });
});

const words = fc.constantFrom('why', 'was', 'agent-b', 'agent-a', 'Agent C', 'throttled', 'denied', 'task', '7', 'b-sum-4', '#42', 'in', 'team', 'finance', 'plans/today', 'a/b/c', 'router', 'router@9.9.9', 'driver', 'namespace', 'last', 'night', 'at', '05:57', 'since', '9am', 'yesterday', 'between', 'and', 'noon', '??', "couldn't", 'sys_context_write', 'health check', "'; DROP TABLE records; --", '%', '\u0000', '𝓪𝓰𝓮𝓷𝓽', 'agent-0042', '2025-03-11', '');
const question = fc.oneof(fc.array(words, { maxLength: 40 }).map((w) => w.join(' ')), fc.string({ maxLength: 1000 }), fc.string({ unit: 'grapheme', maxLength: 300 }));

async function check(q: string, scope?: AuditScope) {
  const a = await answerer.ask(q, { now: NOW, scope });
  assert.equal(typeof a.answer, 'string');
  assert.ok(a.answer.length > 0);
  for (const e of a.evidence) assert.ok(audit.get(Number(e.id)), `evidence #${e.id} of "${q}" is no record`);
  const names = new Set([...live.agents!().map((x) => x.agentId), ...crowd, ...live.namespaces!(), 'router', 'summarizer', 'evil', 'plans/today', 'notes', 'summary', 'secret-plan', 'sys_context_write', 'sys_commit_task']);
  for (const e of a.interpretation.entities) {
    if (e.kind === 'task') assert.ok(audit.query({ taskId: e.value, limit: 1 }).records.length || audit.query({ target: `Task::${e.value}`, limit: 1 }).records.length, `task ${e.value} of "${q}"`);
    else assert.ok(names.has(e.value), `${e.kind} ${e.value} of "${q}" is no known name`);
  }
  if (scope) for (const e of a.interpretation.entities.filter((x) => x.kind === 'agent')) assert.equal(e.value, 'agent-c', `"${q}" named ${e.value} to agent-c`);
  return a;
}

describe('hostile questions', () => {
  test('any words get an answer or a question back, with real evidence and only known names (admin)', async () => {
    await fc.assert(fc.asyncProperty(question, (q) => check(q).then(() => true)), { numRuns: 150, seed: 21 });
  });

  test('the same for an agent, whose plans name no agent but itself', async () => {
    await fc.assert(fc.asyncProperty(question, (q) => check(q, agentC).then(() => true)), { numRuns: 150, seed: 16 });
  });

  test('a question of a thousand made-up words among 2,000 known agents is answered', async () => {
    const q = Array.from({ length: 200 }, (_, i) => `agnet-${i}x`).join(' ').slice(0, 1000);
    const a = await check(q);
    assert.equal(a.understood, false);
  });

  test('SQL in a question is words, never SQL', async () => {
    const before = audit.summarize({}).groups[0].count;
    for (const q of ["Who wrote x'; DELETE FROM records; -- in namespace team?", "Who wrote the key a/b'); DROP TABLE records; -- ?", 'What did agent-b\' OR 1=1 -- do?']) await check(q);
    assert.equal(audit.summarize({}).groups[0].count, before);
  });
});
