// The audit log's writer thread: it chains each batch of records (SHA-256 over the
// previous hash and the record's fields, see chain.mjs) and inserts it, with the derived
// lookups, in one transaction, off the kernel's main thread. A checkpointer thread copies
// its log into the database file (../context/checkpointer.ts). It counts the batches done in
// shared memory so the main thread can wait for them, and sends back the hashes at which
// checkpoints are due. Plain JavaScript, so the thread starts without a TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { BACKGROUND_CHECKPOINT_PRAGMAS, reportCommit } from '../context/wal.mjs';
import { appendBatch } from './chain.mjs';

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

const write = db.transaction((msg) => appendBatch(prepared, lastHash, msg.chain, msg.ops));

parentPort.on('message', (msg) => {
  if (msg.type === 'close') {
    db.close();
    replies.close();
    parentPort.close();
    return;
  }
  try {
    const { prev, due } = write(msg);
    lastHash = prev;
    reportCommit(checkpoints);
    if (due.length) replies.postMessage({ type: 'checkpoints', due });
  } catch (err) {
    replies.postMessage({ type: 'error', batch: msg.batch, message: String(err?.message ?? err) });
  }
  Atomics.add(progress, 0, 1);
  Atomics.notify(progress, 0);
});
