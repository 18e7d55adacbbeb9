// The handle on a checkpointer thread (checkpointer.mjs) for one SQLite database in WAL
// mode: the connection that commits reports each commit (committed(), or from another
// thread with reportCommit(state), wal.mjs), and the thread copies the log back into the
// database file in the background. The context store and the audit log each have one.
import type { Worker } from 'node:worker_threads';
import { startThread } from '../threads.mjs';
import { reportCommit } from './wal.mjs';

export { BACKGROUND_CHECKPOINT_PRAGMAS } from './wal.mjs';

/** The thread's nice value (Linux): a checkpoint can wait while syscalls and drivers run. */
const NICE = 10;

export class Checkpointer {
  /** [0] commits reported (-1: close), [1] 1 once the thread has closed, [2] the thread's sleep word. */
  readonly state = new Int32Array(new SharedArrayBuffer(12));
  private worker?: Worker;

  constructor(private readonly path: string) {}

  /** Starts the thread (the first commit does, if nothing did before). */
  start(): void {
    if (this.worker) return;
    this.worker = startThread(new URL('./checkpointer.mjs', import.meta.url), { nice: NICE, workerData: { path: this.path, state: this.state.buffer } });
    this.worker.unref();
  }

  /** Reports a commit: the log has grown. */
  committed(): void {
    this.start();
    reportCommit(this.state);
  }

  /** Stops the thread (it finishes a checkpoint under way); call before the last connection closes. */
  close(): void {
    if (!this.worker) return;
    Atomics.store(this.state, 0, -1);
    Atomics.notify(this.state, 0);
    Atomics.notify(this.state, 2);
    Atomics.wait(this.state, 1, 0, 10_000);
  }
}
