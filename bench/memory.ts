// `npm run bench -- memory`: the resident memory of an idle kernel beside the floor of the
// parts it must hold, each loaded alone in a fresh Node.js process without camos
// (bench/_floor.mjs): Node itself, a grpc-js server, SQLite and Cedar (one authorization
// made), idle worker threads. Each process's memory is taken once settled (settledRss, as
// bench/syscalls.ts takes the kernel's). The kernel runs first, alone; then the others
// side by side. The kernel is measured twice: idle, and idle again after a client loaded the
// console once (its files are then held in memory). About three minutes in all.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { report, type Row } from './lib.ts';
import { root, settledRss, startKernel, waitForLine } from './_process.ts';

const LIMIT_MS = 90_000;

/** An idle kernel's settled RSS, then again after a client loaded the console's page and assets once (they are then held in memory). */
async function idleKernel(): Promise<{ idle: number; console: number; consoleBytes: number }> {
  const kernel = await startKernel();
  try {
    const idle = (await settledRss(kernel.child.pid!, LIMIT_MS)).mb;
    const base = `http://127.0.0.1:${kernel.port}`;
    const html = await (await fetch(`${base}/`)).text();
    let consoleBytes = html.length;
    for (const [, path] of html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)) consoleBytes += (await (await fetch(`${base}${path}`)).arrayBuffer()).byteLength;
    return { idle, console: (await settledRss(kernel.child.pid!, LIMIT_MS)).mb, consoleBytes };
  } finally {
    kernel.child.kill('SIGTERM');
    await new Promise((r) => kernel.child.once('exit', r));
    rmSync(kernel.dataDir, { recursive: true, force: true });
  }
}

async function floor(parts: string, workers: number): Promise<number> {
  const child = spawn(process.execPath, [join(root, 'bench/_floor.mjs')], { cwd: root, env: { ...process.env, PARTS: parts, WORKERS: String(workers) }, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await waitForLine(child, /^ready$/m);
    return (await settledRss(child.pid!, LIMIT_MS)).mb;
  } finally {
    child.kill();
  }
}

const cases: [string, string, number][] = [
  ['Node.js alone', '', 0],
  ['+ a grpc-js server listening', 'grpc', 0],
  ['+ SQLite (better-sqlite3) and Cedar (one authorization)', 'grpc,sqlite,cedar', 0],
  ['+ 3 idle worker threads (the driver pool on 2 cores, the audit writer)', 'grpc,sqlite,cedar', 3],
  ['Node.js and 3 idle worker threads', '', 3],
];
const kernel = await idleKernel();
const floors = await Promise.all(cases.map(([, parts, workers]) => floor(parts, workers)));
const rows: Row[] = cases.map(([what], i) => ({ process: what, 'settled RSS (MB)': Number(floors[i].toFixed(1)) }));
rows.push({ process: 'camos kernel, idle (npm start)', 'settled RSS (MB)': Number(kernel.idle.toFixed(1)) });
rows.push({ process: 'the same kernel, idle again after serving the console once', 'settled RSS (MB)': Number(kernel.console.toFixed(1)) });
report('memory: an idle kernel and the floor of its parts', rows, {
  'console files served (KiB)': Math.round(kernel.consoleBytes / 1024),
  'console cost: RSS after serving it - before (MB)': Number((kernel.console - kernel.idle).toFixed(1)),
  'worker thread (MB each)': Number(((floors[4] - floors[0]) / 3).toFixed(1)),
  'floor of the parts, without camos code (MB)': Number(floors[3].toFixed(1)),
});
