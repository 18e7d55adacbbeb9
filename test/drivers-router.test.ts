// The router driver (drivers-as/router), built from source, signed by the kernel's own
// publisher key and called through the kernel: it classifies task descriptions.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Kernel } from '../host/index.ts';
import { Code } from '../host/base/errors.ts';
import { openKernel, type OpenKernel } from './helpers/kernel.ts';

let opened: OpenKernel;
let kernel: Kernel;

before(async () => {
  opened = await openKernel({ drivers: { loadExamples: true } });
  kernel = opened.kernel;
});

after(() => opened.close());

async function route(input: unknown): Promise<any> {
  const res = await kernel.call('sys_driver_invoke', { name: 'router', input: Buffer.from(typeof input === 'string' ? input : JSON.stringify(input)) });
  assert.match(res.driver, /^router@/);
  return JSON.parse(Buffer.from(res.output).toString());
}

test('routes a debugging task to code', async () => {
  const r = await route({ task: 'Fix the crash in the TypeScript compile step and add a unit test' });
  assert.equal(r.capability, 'code');
  assert.equal(r.confidence, 1);
  assert.ok(r.matched.includes('code:crash'));
});

test('routes a spreadsheet question to data, with runners-up', async () => {
  const r = await route({ task: 'Aggregate the sales CSV by region, compute the average and plot a chart' });
  assert.equal(r.capability, 'data');
  assert.ok(r.confidence > 0.5 && r.confidence < 1, `confidence ${r.confidence}`);
  assert.equal(r.alternatives[0].capability, 'math');
});

test('recognises inflected words (meetings, scheduling)', async () => {
  const r = await route({ task: 'Reschedule my meetings and send calendar reminders' });
  assert.equal(r.capability, 'scheduling');
  assert.ok(r.scores.scheduling >= 9);
});

test('accepts a plain-text description', async () => {
  const r = await route('Translate the announcement into French and German');
  assert.equal(r.capability, 'translation');
});

test('keeps to the capabilities the caller offers', async () => {
  const r = await route({ task: 'Draft an email summarizing the SQL query results', capabilities: ['writing', 'research'] });
  assert.equal(r.capability, 'writing');
  assert.deepEqual(Object.keys(r.scores).sort(), ['research', 'writing']);
});

test('answers general with zero confidence when nothing matches', async () => {
  const r = await route({ task: 'zxq vbnm' });
  assert.equal(r.capability, 'general');
  assert.equal(r.confidence, 0);
});

test('answers an error naming the missing field', async () => {
  await assert.rejects(
    kernel.call('sys_driver_invoke', { name: 'router', input: Buffer.from(JSON.stringify({ description: 'no task field' })) }),
    (e: any) => e.code === Code.ABORTED && /'task'/.test(e.message),
  );
});
