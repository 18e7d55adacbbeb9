// The audit log's writer thread: it runs each batch of INSERTs in one transaction, off the
// kernel's main thread, and counts the batches written in shared memory so the main
// thread can wait for them. It knows no schema: the main thread sends SQL and rows.
// Plain JavaScript, so the thread starts without a TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const db = new Database(workerData.path, { timeout: 5000 });
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
const progress = new Int32Array(workerData.progress); // [0] batches done (written or failed)
const statements = new Map();
const prepared = (sql) => {
  let s = statements.get(sql);
  if (!s) statements.set(sql, (s = db.prepare(sql)));
  return s;
};
const write = db.transaction((ops) => {
  for (const [sql, rows] of ops) {
    const s = prepared(sql);
    for (const row of rows) s.run(row);
  }
});

parentPort.on('message', (msg) => {
  if (msg.type === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    write(msg.ops);
  } catch (err) {
    parentPort.postMessage({ type: 'error', batch: msg.batch, message: String(err?.message ?? err) });
  }
  Atomics.add(progress, 0, 1);
  Atomics.notify(progress, 0);
});
