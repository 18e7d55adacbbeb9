// How the kernel's own threads start (host/threads.mjs): with the process's options minus a
// TypeScript loader, which the threads' plain JavaScript does not need, and their nice value.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startThread, threadExecArgv } from '../host/threads.mjs';

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

test('startThread: a thread runs without tsx, though this test runs through it, with its nice value in workerData', async () => {
  assert.ok(process.execArgv.some((a) => a.includes('tsx')), 'the test runs under tsx (npm test)');
  const code = "import { parentPort, workerData } from 'node:worker_threads'; parentPort.postMessage({ argv: process.execArgv, workerData });";
  const w = startThread(new URL(`data:text/javascript,${encodeURIComponent(code)}`), { nice: 7, workerData: { path: 'x' } });
  const got = await new Promise<{ argv: string[]; workerData: unknown }>((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  });
  await w.terminate();
  assert.equal(got.argv.some((a) => a.includes('tsx')), false, JSON.stringify(got.argv));
  assert.deepEqual(got.workerData, { path: 'x', nice: 7 });
});
