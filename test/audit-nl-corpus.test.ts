// Natural-language questions: a corpus of phrasings with expected answers over a scripted
// day (test/helpers/audit-scenario.ts); at least 95% must be answered correctly.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AuditLog, QuestionAnswerer, type Answer } from '../host/audit/index.ts';
import { createLogger } from '../host/observe/log.ts';
import { NOW, live, recordScenario } from './helpers/audit-scenario.ts';

interface Case {
  q: string;
  intent: string;
  contains: string[];
  excludes?: string[];
  understood?: boolean;
}

const corpus: Case[] = JSON.parse(readFileSync(new URL('./fixtures/audit-nl-corpus.json', import.meta.url), 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'camos-nl-'));
let audit: AuditLog;
let answerer: QuestionAnswerer;

before(() => {
  audit = new AuditLog(join(dir, 'audit.db'), { checkpointEvery: 10_000, flushIntervalMs: 50, batchSize: 1000, retentionDays: 0 }, { log: createLogger('silent'), signer: () => undefined });
  recordScenario(audit);
  answerer = new QuestionAnswerer(audit, live);
});
after(async () => {
  await audit.close();
  rmSync(dir, { recursive: true, force: true });
});

function problems(c: Case, a: Answer): string[] {
  const out: string[] = [];
  if (a.intent !== c.intent) out.push(`intent ${a.intent}, expected ${c.intent}`);
  if (a.understood !== (c.understood ?? true)) out.push(`understood ${a.understood}`);
  for (const s of c.contains) if (!a.answer.includes(s)) out.push(`answer lacks "${s}"`);
  for (const s of c.excludes ?? []) if (a.answer.includes(s)) out.push(`answer has "${s}"`);
  return out;
}

describe('natural-language questions', () => {
  test('the corpus holds at least 60 phrasings', () => {
    assert.ok(corpus.length >= 60, `${corpus.length} phrasings`);
  });

  test('at least 95% of the corpus is answered correctly', () => {
    const failures = corpus.map((c) => ({ c, a: answerer.ask(c.q, NOW) })).map(({ c, a }) => ({ q: c.q, why: problems(c, a), answer: a.answer })).filter((f) => f.why.length);
    const correct = corpus.length - failures.length;
    const report = failures.map((f) => `- ${f.q}: ${f.why.join('; ')}\n    got: ${f.answer}`).join('\n');
    assert.ok(correct / corpus.length >= 0.95, `${correct}/${corpus.length} correct\n${report}`);
  });

  test('an answer from the audit log carries its evidence records and the query it ran', () => {
    const a = answerer.ask('Why did agent-b get throttled last night?', NOW);
    assert.equal(a.evidence.length, 3);
    assert.ok(a.evidence.every((e) => e.kind === 'throttled' && e.caller === 'agent-b'));
    assert.match(a.queryRan, /^SELECT \* FROM records WHERE .*caller = 'agent-b'.*code = 8/);
  });

  test('a question it cannot answer lists what it can answer instead of guessing', () => {
    const a = answerer.ask('How tall is the Eiffel tower?', NOW);
    assert.equal(a.understood, false);
    assert.equal(a.evidence.length, 0);
    assert.match(a.answer, /why an agent was throttled/);
  });

  test('the same question gets the same answer every time', () => {
    const q = 'Which tasks failed today and why?';
    assert.deepEqual(answerer.ask(q, NOW), answerer.ask(q, NOW));
  });
});
