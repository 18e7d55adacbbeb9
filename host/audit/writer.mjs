// The audit log's writer thread: it chains each batch of records (SHA-256 over the
// previous hash and the record's fields, see chain.mjs) and inserts it, with the derived
// lookups, in one transaction (with the batches queued behind it), off the main thread.
// A checkpointer thread copies its log into the database file (../context/checkpointer.ts).
// It counts the batches done in shared memory so the main thread can wait for them, and
// sends back the hashes at which checkpoints are due. Plain JavaScript, so the thread
// starts without a TypeScript loader.
//
// A batch marked durable (it holds the record of a call that changed something) is
// committed with synchronous=FULL, so it is on disk before the main thread answers that
// call ("committed"). A transaction that fails (a full disk, an I/O error) stalls the
// writer: it keeps that batch and every later one, in order, tries them again every
// RETRY_MS, and says so ("stalled", then "resumed"): no record is skipped, and the chain
// never has a gap.
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { BACKGROUND_CHECKPOINT_PRAGMAS, reportCommit } from '../context/wal.mjs';
import { lowerPriority } from '../base/threads.mjs';
import { appendBatch } from './chain.mjs';

// Audit writes are bookkeeping: under a burst the syscall path gets the CPU first, and this
// thread catches up (the main thread waits for it past AuditLog's bound on pending records).
lowerPriority(workerData.nice);

const RETRY_MS = 500;
const db = new Database(workerData.path, { timeout: 5000 });
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
let full = false;
for (const p of BACKGROUND_CHECKPOINT_PRAGMAS) db.pragma(p);
const checkpoints = new Int32Array(workerData.checkpoints);
const progress = new Int32Array(workerData.progress); // [0] batches written, [1] 1 while stalled
const replies = workerData.replies; // a MessagePort the main thread can also drain synchronously
let lastHash = workerData.lastHash;
const statements = new Map();
const prepared = (sql) => {
  let s = statements.get(sql);
  if (!s) statements.set(sql, (s = db.prepare(sql)));
  return s;
};

/** Sets how the next transaction commits: FULL (fsync of the log) for a durable batch. */
function syncFor(durable) {
  if (durable === full) return;
  db.pragma(durable ? 'synchronous = FULL' : 'synchronous = NORMAL');
  full = durable;
}

// Batches waiting in the queue when one is taken are written in the same transaction, up
// to MAX_RECORDS records: under load, fewer and larger commits. A record in a transaction
// of 8,192 cost 13–14 µs of CPU against 20–24 µs in one of 256 and 33 µs in one of 16
// (docs/BENCHMARKS.md, "audit"). Each is taken from the port only when the one before it is written,
// so that one batch's rows at a time are alive (a collection then copies little). A
// durable batch found behind batches committed without fsync waits for a transaction of
// its own (`carried`).
const MAX_RECORDS = 8192;
let taken = [];
let carried;
let closing = false;
/** While stalled: the batches not yet written, oldest first. */
let held = [];
let stalledCode = '';
let retryTimer;

const write = db.transaction((first) => {
  let prev = lastHash;
  const due = [];
  let records = 0;
  for (let msg = first; msg; msg = records < MAX_RECORDS ? receiveMessageOnPort(parentPort)?.message : undefined) {
    if (msg.type === 'close') {
      closing = true; // the main thread sends it last, once every batch is done
      break;
    }
    if (msg.durable && !full) {
      carried = msg;
      break;
    }
    taken.push(msg);
    records += msg.chain?.rows.length || 1;
    const done = appendBatch(prepared, prev, msg.chain, msg.ops);
    prev = done.prev;
    for (const d of done.due) due.push(d);
  }
  return { prev, due };
});

const writeAll = db.transaction((msgs) => {
  let prev = lastHash;
  const due = [];
  for (const msg of msgs) {
    const done = appendBatch(prepared, prev, msg.chain, msg.ops);
    prev = done.prev;
    for (const d of done.due) due.push(d);
  }
  return { prev, due };
});

function written(msgs, prev, due) {
  lastHash = prev;
  if (!msgs.length) return;
  reportCommit(checkpoints);
  Atomics.add(progress, 0, msgs.length);
  Atomics.notify(progress, 0);
  if (due.length) replies.postMessage({ type: 'checkpoints', due });
  if (msgs.some((m) => m.durable)) replies.postMessage({ type: 'committed', through: Atomics.load(progress, 0) });
}

function stall(err, msgs) {
  held = msgs;
  const code = String(err?.code ?? 'ERROR');
  if (Atomics.load(progress, 1) === 0 || code !== stalledCode) replies.postMessage({ type: 'stalled', code, message: String(err?.message ?? err) });
  stalledCode = code;
  Atomics.store(progress, 1, 1);
  Atomics.notify(progress, 1);
  if (!closing) retryTimer = setTimeout(retry, RETRY_MS);
}

function retry() {
  retryTimer = undefined;
  const msgs = held;
  try {
    syncFor(msgs.some((m) => m.durable));
    const { prev, due } = writeAll(msgs);
    held = [];
    stalledCode = '';
    Atomics.store(progress, 1, 0);
    written(msgs, prev, due);
    replies.postMessage({ type: 'resumed' });
  } catch (err) {
    stall(err, msgs);
  }
}

function run(first) {
  let msg = first;
  while (msg) {
    if (Atomics.load(progress, 1)) {
      if (msg.type === 'close') closing = true;
      else held.push(msg);
      break;
    }
    taken = [];
    carried = undefined;
    try {
      syncFor(msg.durable === true);
      const { prev, due } = write(msg);
      written(taken, prev, due);
    } catch (err) {
      stall(err, carried ? [...taken, carried] : taken);
      break;
    }
    msg = carried;
  }
  if (closing) close();
}

function close() {
  clearTimeout(retryTimer);
  // Its own held batches, not the shared flag: a thread started after this one stopped idle
  // shares `progress`, and may be the one stalled.
  if (held.length) retry();
  if (held.length) {
    const records = held.reduce((n, m) => n + (m.chain?.rows.length ?? 0), 0);
    replies.postMessage({ type: 'lost', batches: held.length, records });
  }
  db.close();
  replies.close();
  parentPort.close();
}

parentPort.on('message', run);
