// Shared by the benchmarks that run a kernel (or another program) in a child process:
// starting it, and its resident memory, once and once settled.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));

/** Resolves with the match once the child prints a line matching `re` (stdout or stderr). */
export function waitForLine(child: ChildProcess, re: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const onData = (d: Buffer) => {
      buf += d.toString();
      const m = buf.match(re);
      if (m) {
        child.stdout?.off('data', onData);
        child.stderr?.off('data', onData);
        resolve(m);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before printing ${re}: ${buf}`)));
  });
}

/** `camos start` on a free port in a child process, with a fresh data directory unless given one. */
export async function startKernel(dataDir = mkdtempSync(join(tmpdir(), 'camos-bench-'))) {
  const child = spawn(process.execPath, [join(root, 'bin/camos.mjs'), 'start', '--port', '0', '--data-dir', dataDir, '--log-level', 'silent'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const m = await waitForLine(child, /listening on [\d.]+:(\d+)/);
  return { child, port: Number(m[1]), dataDir, token: readFileSync(join(dataDir, 'admin.token'), 'utf8').trim() };
}

/** A process's resident memory now, in MB (Linux /proc). */
export function rssMb(pid: number): number {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  return m ? Number(m[1]) / 1024 : NaN;
}

/**
 * A process's resident memory once it settles: V8 gives back the heap space that loading
 * grew only after a while without work (its memory reducer, here 20–40 s). Samples every
 * 5 s until five in a row (20 s) agree within 1 MB, or `limitMs` has passed.
 */
export async function settledRss(pid: number, limitMs: number): Promise<{ mb: number; afterS: number }> {
  const t0 = Date.now();
  const samples = [rssMb(pid)];
  while (Date.now() - t0 < limitMs) {
    await new Promise((r) => setTimeout(r, 5000));
    samples.push(rssMb(pid));
    const last = samples.slice(-5);
    if (last.length === 5 && Math.max(...last) - Math.min(...last) < 1) break;
  }
  return { mb: samples[samples.length - 1], afterS: Math.round((Date.now() - t0) / 1000) };
}
