// Helpers for the kernel's own worker threads (plain JavaScript, so that a thread needs no
// TypeScript loader to import them).
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * Lowers the calling thread's CPU priority to `nice` (0–19). On Linux a thread has its own
 * nice value, set through its thread id; elsewhere the call would change the whole
 * process, so it is not made. Never the main thread.
 */
export function lowerPriority(nice) {
  if (!(nice > 0) || process.platform !== 'linux') return;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (tid > 0 && tid !== process.pid) setPriority(tid, nice);
  } catch {
    // no /proc, or not permitted: the thread runs at the kernel's priority
  }
}

/**
 * The Node.js options a kernel thread starts with: the process's own (memory limits, an
 * inspector), without a TypeScript loader. The threads' code is plain JavaScript; a
 * thread that inherits `--import tsx` (a kernel run from its sources, or embedded in a
 * program run through tsx) loads it again, about 100 ms more to start each one.
 */
export function threadExecArgv() {
  const argv = process.execArgv;
  const kept = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (/^--(import|require|loader|experimental-loader)$/.test(a) || a === '-r') {
      if (/tsx/.test(argv[i + 1] ?? '')) {
        i++;
        continue;
      }
    } else if (/^--(import|require|loader|experimental-loader)=.*tsx/.test(a)) continue;
    kept.push(a);
  }
  return kept;
}

/**
 * Starts one of the kernel's own threads (the driver workers, the audit writer, the
 * checkpointers, the signing thread): `url`, plain JavaScript, with threadExecArgv() and
 * `nice` in its workerData, which the thread applies first with lowerPriority.
 */
export function startThread(url, { nice = 0, workerData = {}, transferList } = {}) {
  return new Worker(url, { execArgv: threadExecArgv(), workerData: { ...workerData, nice }, transferList });
}
