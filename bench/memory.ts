// `npm run bench -- memory`: the resident memory of an idle kernel beside the floor of the
// parts it must hold, each loaded alone in a fresh Node.js process without camos: Node
// itself, a grpc-js server, SQLite and Cedar (one authorization made), idle worker threads.
// Every process waits until its memory settles (five samples 5 s apart within 1 MB, as
// bench/syscalls.ts waits for the kernel). The kernel runs first, alone; then the others
// side by side. About two minutes in all.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { report, type Row } from './lib.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

function floor(parts: string, workers: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'bench/_floor.mjs')], { cwd: root, env: { ...process.env, PARTS: parts, WORKERS: String(workers) }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out).rss) : reject(new Error(`bench/_floor.mjs (${parts}) exited with ${code}`))));
  });
}

function rssMb(pid: number): number {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  return m ? Number(m[1]) / 1024 : NaN;
}

async function idleKernel(): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'camos-bench-memory-'));
  const child = spawn(process.execPath, [join(root, 'bin/camos.mjs'), 'start', '--port', '0', '--data-dir', dataDir, '--log-level', 'silent'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    await new Promise<void>((resolve, reject) => {
      let buf = '';
      const onData = (d: Buffer) => {
        buf += d;
        if (/listening on/.test(buf)) resolve();
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => reject(new Error(`the kernel exited (${code}) before listening: ${buf}`)));
    });
    const samples: number[] = [];
    for (let i = 0; i < 18; i++) {
      await new Promise((r) => setTimeout(r, 5000));
      samples.push(rssMb(child.pid!));
      const last = samples.slice(-5);
      if (last.length === 5 && Math.max(...last) - Math.min(...last) < 1) break;
    }
    return samples[samples.length - 1];
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
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
rows.push({ process: 'camos kernel, idle (npm start)', 'settled RSS (MB)': Number(kernel.toFixed(1)) });
report('memory: an idle kernel and the floor of its parts', rows, {
  'worker thread (MB each)': Number(((floors[4] - floors[0]) / 3).toFixed(1)),
  'floor of the parts, without camos code (MB)': Number(floors[3].toFixed(1)),
});
