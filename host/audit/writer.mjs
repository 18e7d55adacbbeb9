// The audit log's writer thread: it chains each batch of records (SHA-256 over the
// previous hash and the record's fields, see chain.mjs) and inserts it, with the derived
// lookups, in one transaction (with the batches queued behind it), off the main thread.
// A checkpointer thread copies its log into the database file (../context/checkpointer.ts).
// It counts the batches done in shared memory so the main thread can wait for them, and
// sends back the hashes at which checkpoints are due. Plain JavaScript, so the thread
// starts without a TypeScript loader.
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { BACKGROUND_CHECKPOINT_PRAGMAS, reportCommit } from '../context/wal.mjs';
import { lowerPriority } from '../threads.mjs';
import { appendBatch } from './chain.mjs';

// Audit writes are bookkeeping: under a burst the syscall path gets the CPU first, and this
// thread catches up (the main thread waits for it past AuditLog's bound on pending records).
lowerPriority(workerData.nice);

const db = new Database(workerData.path, { timeout: 5000 });
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
for (const p of BACKGROUND_CHECKPOINT_PRAGMAS) db.pragma(p);
const checkpoints = new Int32Array(workerData.checkpoints);
const progress = new Int32Array(workerData.progress); // [0] batches done (written or failed)
const replies = workerData.replies; // a MessagePort the main thread can also drain synchronously
let lastHash = workerData.lastHash;
const statements = new Map();
const prepared = (sql) => {
  let s = statements.get(sql);
  if (!s) statements.set(sql, (s = db.prepare(sql)));
  return s;
};

// Batches waiting in the queue when one is taken are written in the same transaction (up
// to MAX_COALESCED): under load, fewer and larger commits, each record cheaper. Each is
// taken from the port only when the one before it is written, so that one batch's rows at
// a time are alive (a collection then copies little).
const MAX_COALESCED = 8;
let taken = [];
let closing = false;
const write = db.transaction((first) => {
  let prev = lastHash;
  const due = [];
  for (let msg = first; msg; msg = taken.length < MAX_COALESCED ? receiveMessageOnPort(parentPort)?.message : undefined) {
    if (msg.type === 'close') {
      closing = true; // the main thread sends it last, once every batch is done
      break;
    }
    taken.push(msg.batch);
    const done = appendBatch(prepared, prev, msg.chain, msg.ops);
    prev = done.prev;
    for (const d of done.due) due.push(d);
  }
  return { prev, due };
});

parentPort.on('message', (first) => {
  taken = [];
  try {
    const { prev, due } = write(first);
    lastHash = prev;
    if (taken.length) reportCommit(checkpoints);
    if (due.length) replies.postMessage({ type: 'checkpoints', due });
  } catch (err) {
    for (const batch of taken) replies.postMessage({ type: 'error', batch, message: String(err?.message ?? err) });
  }
  if (taken.length) {
    Atomics.add(progress, 0, taken.length);
    Atomics.notify(progress, 0);
  }
  if (closing) {
    db.close();
    replies.close();
    parentPort.close();
  }
});
