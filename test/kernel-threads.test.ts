// The options the kernel's own threads start with (host/threads.mjs): the process's, without
// a TypeScript loader, which the threads' plain JavaScript does not need.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { threadExecArgv } from '../host/threads.mjs';

test('threadExecArgv drops tsx in each spelling and keeps every other option', () => {
  const saved = process.execArgv;
  const cases: [string[], string[]][] = [
    [['--import', 'tsx', '--max-old-space-size=300'], ['--max-old-space-size=300']],
    [['--require', '/p/node_modules/tsx/dist/preflight.cjs', '--import', 'file:///p/node_modules/tsx/dist/loader.mjs', '--inspect'], ['--inspect']],
    [['--import=tsx', '--enable-source-maps', '--loader=tsx/esm'], ['--enable-source-maps']],
    [['-r', 'tsx/cjs', '--import', './telemetry.mjs'], ['--import', './telemetry.mjs']],
    [[], []],
  ];
  try {
    for (const [given, expected] of cases) {
      process.execArgv = given;
      assert.deepEqual(threadExecArgv(), expected, JSON.stringify(given));
    }
  } finally {
    process.execArgv = saved;
  }
});

test('a thread started with them runs without tsx, though this test runs through it', async () => {
  assert.ok(process.execArgv.some((a) => a.includes('tsx')), 'the test runs under tsx (npm test)');
  const w = new Worker('require("node:worker_threads").parentPort.postMessage(process.execArgv)', { eval: true, execArgv: threadExecArgv() });
  const argv = await new Promise<string[]>((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  });
  await w.terminate();
  assert.equal(argv.some((a) => a.includes('tsx')), false, JSON.stringify(argv));
});
