// A checkpointer thread (checkpointer.ts starts it). With SQLite in WAL mode a commit
// appends pages to the write-ahead log; copying them back into the database file (a
// checkpoint, with its own fsync) would otherwise run inside whichever commit crosses the
// threshold, on the thread that commits (the kernel's main thread for the context store,
// the audit writer for the audit log). Here a second connection copies them in PASSIVE
// mode (it never blocks the writer) once commits are reported, at most every GAP_MS.
// Plain JavaScript, so the thread starts without a TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { lowerPriority } from '../base/threads.mjs';

// [0] commits reported (-1: close), [1] 1 once closed, [2] stays 0 (sleeping on it), [3] 1 while checkpoints fail
const state = new Int32Array(workerData.state);
// Bookkeeping, as the audit writer: syscalls and drivers get the cores first.
lowerPriority(workerData.nice);
const GAP_MS = 10; // each checkpoint fsyncs the database file; at most 100 a second
// With no commit for this long the thread ends (Checkpointer.start makes another at the next one).
const IDLE_MS = workerData.idleMs ?? 30_000;
// A checkpoint that fails (a full disk, out of file descriptors) is tried again after this
// long: the log keeps the pages meanwhile, and the writers go on.
const RETRY_MS = 1000;
let db;
let failing = '';
try {
  let done = 0;
  let last = -GAP_MS;
  for (;;) {
    const seen = Atomics.load(state, 0);
    if (seen < 0) break;
    if (seen === done && !failing) {
      if (Atomics.wait(state, 0, seen, IDLE_MS) === 'timed-out') break; // idle
      continue;
    }
    const pause = (failing ? RETRY_MS : GAP_MS) + last - performance.now();
    if (pause > 0) Atomics.wait(state, 2, 0, pause); // close wakes this too
    done = Atomics.load(state, 0);
    if (done < 0) break;
    last = performance.now();
    try {
      db ??= new Database(workerData.path, { timeout: 5000 });
      db.pragma('wal_checkpoint(PASSIVE)');
      if (failing) parentPort.postMessage({ type: 'recovered' });
      failing = '';
      Atomics.store(state, 3, 0);
    } catch (err) {
      const code = String(err?.code ?? 'ERROR');
      if (code !== failing) parentPort.postMessage({ type: 'failing', code, message: String(err?.message ?? err) });
      failing = code;
      Atomics.store(state, 3, 1);
    }
  }
} finally {
  // Whatever happened, the main thread's close() must not wait for us in vain.
  db?.close();
  Atomics.store(state, 1, 1);
  Atomics.notify(state, 1);
}
parentPort.close();
