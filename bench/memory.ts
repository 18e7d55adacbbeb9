// `npm run bench -- memory`: the resident memory of an idle kernel beside the floor of the
// parts it must hold, each loaded alone in a fresh Node.js process without camos
// (bench/_floor.mjs): Node itself, a grpc-js server, SQLite and Cedar (one authorization
// made), idle worker threads; then, to split what is left, every library the idle kernel
// loads, imported, and camos's own modules imported without making a kernel. Each
// process's memory is taken once settled (settledRss, as bench/syscalls.ts takes the
// kernel's). The kernel runs first, alone; then the others
// side by side. The kernel is measured twice: idle, and idle again after a client loaded the
// console once (its files are then held in memory), then under load (Session stream
// health checks at 5,000/s for 60 s: its peak) and settled again after it, so that growth
// or a leak would show. About six minutes in all.
import { spawn } from 'node:child_process';
import * as grpc from '@grpc/grpc-js';
import { packageDefinition } from '../host/wire/proto.ts';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { report, type Row } from './lib.ts';
import { root, rssMb, settledRss, startKernel, waitForLine } from './_process.ts';

const LIMIT_MS = 90_000;

/** An idle kernel's settled RSS, again after a client loaded the console's page and assets once (they are then held in memory), under load, and settled after it. */
async function idleKernel(): Promise<{ idle: number; console: number; consoleBytes: number; loadPeak: number; loadEnd: number; answered: number; ended: string; after: number }> {
  const kernel = await startKernel();
  try {
    const idle = (await settledRss(kernel.child.pid!, LIMIT_MS)).mb;
    const base = `http://127.0.0.1:${kernel.port}`;
    const html = await (await fetch(`${base}/`)).text();
    let consoleBytes = html.length;
    for (const [, path] of html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)) consoleBytes += (await (await fetch(`${base}${path}`)).arrayBuffer()).byteLength;
    const consoleRss = (await settledRss(kernel.child.pid!, LIMIT_MS)).mb;
    const load = await underLoad(kernel.port, kernel.token, kernel.child.pid!);
    return { idle, console: consoleRss, consoleBytes, ...load, after: (await settledRss(kernel.child.pid!, LIMIT_MS)).mb };
  } finally {
    kernel.child.kill('SIGTERM');
    await new Promise((r) => kernel.child.once('exit', r));
    rmSync(kernel.dataDir, { recursive: true, force: true });
  }
}

const LOAD_RATE = 5000;
const LOAD_SECONDS = 60;

/** Health checks over one Session stream at LOAD_RATE/s for LOAD_SECONDS (open loop); the kernel's RSS sampled each second. */
async function underLoad(port: number, token: string, pid: number): Promise<{ loadPeak: number; loadEnd: number; answered: number; ended: string }> {
  const Client = grpc.makeGenericClientConstructor(packageDefinition['cam_os.SyscallService'] as grpc.ServiceDefinition, 'SyscallService');
  const c = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as grpc.Client & Record<string, any>;
  const md = new grpc.Metadata();
  md.set('authorization', `Bearer ${token}`);
  const s = c.Session(md);
  let answered = 0;
  let ended = '';
  s.on('data', () => void answered++);
  s.on('error', (e: Error) => void (ended ||= e.message)); // reported with the count answered
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 1000);
  const total = LOAD_RATE * LOAD_SECONDS;
  const t0 = performance.now();
  for (let sent = 0; sent < total && !ended; ) {
    const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * LOAD_RATE));
    while (sent < due) s.write({ requestId: String(sent++), healthCheck: { detailed: false } });
    await new Promise((r) => setTimeout(r, 1));
  }
  for (let i = 0; i < 300 && answered < total && !ended; i++) await new Promise((r) => setTimeout(r, 100));
  clearInterval(sampler);
  const loadEnd = rssMb(pid);
  s.end();
  c.close();
  return { loadPeak: Math.max(peak, loadEnd), loadEnd, answered, ended };
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
  ['Node.js + every library an idle kernel loads, imported (nothing called)', 'libs', 0],
  ["Node.js + camos's modules imported (the libraries with them; Cedar parses the schema), no kernel made", 'camos', 0],
];
const kernel = await idleKernel();
const floors = await Promise.all(cases.map(([, parts, workers]) => floor(parts, workers)));
const rows: Row[] = cases.map(([what], i) => ({ process: what, 'settled RSS (MB)': Number(floors[i].toFixed(1)) }));
rows.push({ process: 'camos kernel, idle (npm start)', 'settled RSS (MB)': Number(kernel.idle.toFixed(1)) });
rows.push({ process: 'the same kernel, idle again after serving the console once', 'settled RSS (MB)': Number(kernel.console.toFixed(1)) });
rows.push({ process: `the same kernel, Session stream health checks at ${LOAD_RATE}/s for ${LOAD_SECONDS} s: peak`, 'settled RSS (MB)': Number(kernel.loadPeak.toFixed(1)) });
rows.push({ process: 'the same kernel, settled again after that load', 'settled RSS (MB)': Number(kernel.after.toFixed(1)) });
report('memory: an idle kernel and the floor of its parts', rows, {
  'console files served (KiB)': Math.round(kernel.consoleBytes / 1024),
  'calls answered under load': `${kernel.answered} of ${LOAD_RATE * LOAD_SECONDS}${kernel.ended ? ` (the stream ended: ${kernel.ended})` : ''}`,
  'console cost: RSS after serving it - before (MB)': Number((kernel.console - kernel.idle).toFixed(1)),
  'worker thread (MB each)': Number(((floors[4] - floors[0]) / 3).toFixed(1)),
  'floor of the parts, without camos code (MB)': Number(floors[3].toFixed(1)),
  'the libraries, imported (MB over Node.js alone)': Number((floors[5] - floors[0]).toFixed(1)),
  "camos's modules and their libraries, imported (MB over Node.js alone)": Number((floors[6] - floors[0]).toFixed(1)),
  'the running kernel over its modules imported (MB: threads gone, data, caches, the doors)': Number((kernel.idle - floors[6]).toFixed(1)),
});
