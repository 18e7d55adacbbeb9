// How the kernel's own threads start (host/threads.mjs): with the process's options minus a
// TypeScript loader, which the threads' plain JavaScript does not need, and their nice value;
// and V8's helper threads under SCHED_IDLE (config helperThreads), each case in a process of its own.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startThread, threadExecArgv, workerExecArgv } from '../host/threads.mjs';

test("threadExecArgv drops tsx in each spelling, and the process's own entry (-e, --input-type), and keeps every other option", () => {
  const saved = process.execArgv;
  const cases: [string[], string[]][] = [
    [['--import', 'tsx', '--max-old-space-size=300'], ['--max-old-space-size=300']],
    [['--require', '/p/node_modules/tsx/dist/preflight.cjs', '--import', 'file:///p/node_modules/tsx/dist/loader.mjs', '--inspect'], ['--inspect']],
    [['--import=tsx', '--enable-source-maps', '--loader=tsx/esm'], ['--enable-source-maps']],
    [['-r', 'tsx/cjs', '--import', './telemetry.mjs'], ['--import', './telemetry.mjs']],
    [['--import', 'tsx', '--input-type=module', '-e', 'console.log(1)', '--no-warnings'], ['--no-warnings']],
    [['--input-type', 'module', '--eval=x', '-p', '1 + 1'], []],
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

test('startThread leaves out the options a worker refuses (V8 and process options), with their values, and keeps the rest', async () => {
  const saved = process.execArgv;
  process.execArgv = ['--max-old-space-size=300', '--trace-gc', '--stack-size', '900', '--title', 'camos-x', '--no-warnings', '--import', 'tsx'];
  try {
    const code = "import { parentPort } from 'node:worker_threads'; parentPort.postMessage(process.execArgv);";
    const url = new URL(`data:text/javascript,${encodeURIComponent(code)}`);
    for (let i = 0; i < 2; i++) {
      const w = startThread(url);
      const argv = await new Promise<string[]>((resolve, reject) => {
        w.once('message', resolve);
        w.once('error', reject);
      });
      await w.terminate();
      assert.deepEqual(argv, ['--no-warnings']);
    }
  } finally {
    process.execArgv = saved;
  }
});

test('workerExecArgv, for threads a library starts (piscina, the driver workers), leaves out the same options, found once', () => {
  const saved = process.execArgv;
  process.execArgv = ['--max-old-space-size=300', '--trace-gc', '--stack-size', '900', '--title', 'camos-x', '--no-warnings', '--import', 'tsx'];
  try {
    assert.deepEqual(workerExecArgv(), ['--no-warnings']);
    process.execArgv = ['--no-deprecation'];
    assert.deepEqual(workerExecArgv(), ['--no-warnings'], 'the options of the process as it started');
  } finally {
    process.execArgv = saved;
  }
});

const hasChrt = process.platform === 'linux' && spawnSync('chrt', ['--max']).status === 0;
const NO_CHRT = 'needs Linux and chrt (Debian package util-linux: apt-get install util-linux)';

/** Runs `code` (an ES module) in a fresh node process; returns what it prints as JSON. */
function runIsolated(code: string): any {
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: join(import.meta.dirname, '..'), encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!);
}

/** Prints each thread's scheduling policy (0 normal, 5 SCHED_IDLE) of the process it runs in. */
const POLICIES = `
  const { readdirSync, readFileSync } = await import('node:fs');
  const policies = () => Object.fromEntries(readdirSync('/proc/self/task').map((t) => [t, Number(readFileSync('/proc/self/task/' + t + '/sched', 'utf8').match(/policy\\s*:\\s*(\\d+)/)[1])]));
`;

test('idleHelperThreads puts the threads the process started with under SCHED_IDLE, and no other', (t) => {
  if (!hasChrt) return t.skip(NO_CHRT);
  const got = runIsolated(`${POLICIES}
    const { Worker } = await import('node:worker_threads');
    const { idleHelperThreads } = await import('./host/threads.mjs');
    const before = policies();
    // A thread the program starts itself (as the kernel starts its workers) keeps its policy.
    const w = new Worker("const { parentPort } = await import('node:worker_threads'); const { readlinkSync } = await import('node:fs'); parentPort.postMessage(readlinkSync('/proc/thread-self').split('/').pop()); setInterval(() => {}, 1000);", { eval: true });
    const workerTid = await new Promise((r) => w.once('message', r));
    const changed = await idleHelperThreads();
    const again = await idleHelperThreads();
    console.log(JSON.stringify({ before, after: policies(), changed, again, workerTid, main: String(process.pid) }));
    process.exit(0);`);
  assert.ok(Object.values(got.before).every((p) => p === 0), 'every thread starts normal');
  const idle = Object.keys(got.after).filter((tid) => got.after[tid] === 5);
  assert.ok(got.changed >= 1, `some helper threads changed: ${JSON.stringify(got)}`);
  assert.equal(idle.length, got.changed);
  assert.equal(got.again, got.changed, 'once per process');
  assert.equal(got.after[got.main], 0, 'the main thread keeps its policy');
  assert.equal(got.after[got.workerTid], 0, "a Worker's thread keeps its policy");
});

test("a kernel idles V8's helper threads by default, and not with helperThreads: 'normal'", (t) => {
  if (!hasChrt) return t.skip(NO_CHRT);
  const idleThreads = (helperThreads: string | undefined) => {
    const dir = mkdtempSync(join(tmpdir(), 'camos-threads-'));
    try {
      const config = { dataDir: dir, logLevel: 'silent', drivers: { loadExamples: false, watch: false }, ...(helperThreads ? { helperThreads } : {}) };
      return runIsolated(`${POLICIES}
        const { createKernel } = await import('./host/index.ts');
        const kernel = await createKernel({ config: ${JSON.stringify(config)} });
        const idle = Object.values(policies()).filter((p) => p === 5).length;
        await kernel.close();
        console.log(JSON.stringify(idle));
        process.exit(0);`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  assert.ok(idleThreads(undefined) >= 1, 'the default is idle');
  assert.equal(idleThreads('normal'), 0);
});
