// Helpers for the kernel's own worker threads (plain JavaScript, so that a thread needs no
// TypeScript loader to import them).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
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
 * program run through tsx) loads it again, about 100 ms more to start each one. Nor the
 * options of the process's own entry (`-e <script>`, `--input-type`): a thread's entry is a
 * file, and Node.js refuses to start one with `--input-type` (ERR_INPUT_TYPE_NOT_ALLOWED),
 * so a kernel embedded in `node --input-type=module -e …` lost its audit writer.
 */
export function threadExecArgv() {
  const argv = process.execArgv;
  const kept = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (/^(-e|--eval|-p|--print|--input-type)$/.test(a)) {
      i++;
      continue;
    }
    if (/^(--eval|--print|--input-type)=/.test(a)) continue;
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
 * Options a worker thread refuses (V8's, such as --max-old-space-size or --trace-gc, and
 * the process's own, such as --title: they apply to every thread already), with their
 * values when given as the next word. Node.js names them in the error it throws.
 */
function withoutRefused(argv, message) {
  const refused = new Set(message.slice(message.indexOf(':') + 1).split(',').map((f) => f.trim()).filter(Boolean));
  const kept = [];
  for (let i = 0; i < argv.length; i++) {
    if (!refused.has(argv[i])) kept.push(argv[i]);
    else if (!argv[i].includes('=') && i + 1 < argv.length && !argv[i + 1].startsWith('-')) i++;
  }
  return kept;
}

/**
 * Starts one of the kernel's own threads (the driver workers, the audit writer, the
 * checkpointers, the signing thread): `url`, plain JavaScript, with threadExecArgv() and
 * `nice` in its workerData, which the thread applies first with lowerPriority. Options a
 * worker may not be given (a kernel started with `node --max-old-space-size=…`) are left
 * out: they are the process's, and hold for the thread anyway.
 */
export function startThread(url, { nice = 0, workerData = {}, transferList } = {}) {
  let argv = threadExecArgv();
  for (;;) {
    try {
      return new Worker(url, { execArgv: argv, workerData: { ...workerData, nice }, transferList });
    } catch (e) {
      const fewer = e?.code === 'ERR_WORKER_INVALID_EXEC_ARGV' ? withoutRefused(argv, String(e.message)) : argv;
      if (fewer.length === argv.length) throw e;
      argv = fewer;
    }
  }
}

let accepted;

/**
 * threadExecArgv() less the options a worker refuses, for threads that a library starts
 * (piscina starts the driver workers): found once, by starting a thread that exits at once,
 * and only when there are options to check.
 */
export function workerExecArgv() {
  if (accepted) return accepted;
  let argv = threadExecArgv();
  while (argv.length) {
    try {
      // A module of no code, not `eval` (which would run the process's own -e script, when it has one).
      void new Worker(new URL('data:text/javascript,'), { execArgv: argv }).terminate();
      break;
    } catch (e) {
      const fewer = e?.code === 'ERR_WORKER_INVALID_EXEC_ARGV' ? withoutRefused(argv, String(e.message)) : argv;
      if (fewer.length === argv.length) throw e;
      argv = fewer;
    }
  }
  return (accepted = argv);
}

/** When a thread started, in clock ticks since boot (/proc/self/task/<tid>/stat, field 22). */
function startedAt(tid) {
  const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
}

let helpersIdled;
const run = promisify(execFile);

/**
 * Runs V8's helper threads under SCHED_IDLE (Linux, through util-linux's `chrt`): they get a
 * core only when no other thread wants it. These are the threads Node.js starts with the
 * process, before any JavaScript runs: V8's platform workers (and the thread that times
 * their delayed tasks), shared by every isolate, the main thread's and each worker's. They
 * run garbage-collection helpers, the optimizing compiler and WebAssembly compilation, in
 * bursts of several milliseconds. At normal priority a burst holds a core while the main
 * thread or a driver worker waits to run: on a 2-core machine that was most of the
 * end-to-end tail (docs/BENCHMARKS.md). A thread under SCHED_IDLE gives way at once; the
 * work it does not get to is done by the thread that needs it (a collection's own thread
 * finishes it). Once per process; resolves to the threads changed (0 elsewhere than Linux,
 * or without `chrt`).
 */
export function idleHelperThreads() {
  return (helpersIdled ??= idle(helperThreads()));
}

/** The first threads the process made besides its main thread: the platform's, made together before any JavaScript ran (a Worker's or libuv's come later). */
function helperThreads() {
  if (process.platform !== 'linux') return [];
  try {
    const started = readdirSync('/proc/self/task')
      .filter((tid) => Number(tid) !== process.pid)
      .map((tid) => ({ tid, at: startedAt(tid) }));
    const first = Math.min(...started.map((t) => t.at));
    return started.filter((t) => t.at - first <= 1).map((t) => t.tid);
  } catch {
    return []; // no /proc
  }
}

async function idle(tids) {
  const results = await Promise.allSettled(tids.map((tid) => run('chrt', ['--idle', '--pid', '0', tid])));
  return results.filter((r) => r.status === 'fulfilled').length;
}
