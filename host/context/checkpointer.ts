// The handle on a checkpointer thread (checkpointer.mjs) for one SQLite database in WAL
// mode: the connection that commits reports each commit (committed(), or from another
// thread with reportCommit(state), wal.mjs), and the thread copies the log back into the
// database file in the background. The context store and the audit log each have one. The
// thread starts with a commit and ends after a while without one (an idle kernel keeps none).
import type { Worker } from 'node:worker_threads';
import { startThread } from '../base/threads.mjs';
import { reportCommit } from './wal.mjs';

export { BACKGROUND_CHECKPOINT_PRAGMAS } from './wal.mjs';

/** The thread's nice value (Linux): a checkpoint can wait while syscalls and drivers run. */
const NICE = 10;

export class Checkpointer {
  /** [0] commits reported (-1: close), [1] 1 once the thread has closed, [2] the thread's sleep word, [3] 1 while its checkpoints fail. */
  readonly state = new Int32Array(new SharedArrayBuffer(16));
  private worker?: Worker;
  private startFailedAt = 0;
  /** Why the last checkpoint (or the thread's start) failed; undefined once one succeeds. */
  failure?: string;

  /** Threads started since this was made. */
  started = 0;

  /** `idleMs`: the thread ends after this long without a commit, and the next commit starts another. */
  constructor(
    private readonly path: string,
    private readonly idleMs = 30_000,
  ) {}

  /** True while a thread is running. */
  get running(): boolean {
    return this.worker !== undefined;
  }

  /**
   * Starts the thread (the first commit does, if nothing did before). A thread that cannot
   * start (out of file descriptors) is tried again at a later commit, at most once a second;
   * until then the committing connection's own autocheckpoint bounds the log.
   */
  start(): void {
    if (this.worker || Date.now() - this.startFailedAt < 1000) return;
    let w: Worker;
    try {
      Atomics.store(this.state, 1, 0); // set again when this thread ends
      w = startThread(new URL('./checkpointer.mjs', import.meta.url), { nice: NICE, workerData: { path: this.path, state: this.state.buffer, idleMs: this.idleMs } });
    } catch (err) {
      this.startFailedAt = Date.now();
      this.failure = `the checkpointer thread of ${this.path} cannot start: ${(err as Error).message}`;
      return;
    }
    this.failure = undefined;
    this.started++;
    w.on('message', (m: { type: 'failing'; code: string; message: string } | { type: 'recovered' }) => {
      this.failure = m.type === 'failing' ? `checkpointing ${this.path} fails (${m.code}: ${m.message}); retried every second` : undefined;
    });
    w.on('error', (err) => {
      this.startFailedAt = Date.now();
      this.failure = `the checkpointer thread of ${this.path} failed: ${err.message}`;
    });
    w.on('exit', () => {
      if (this.worker === w) this.worker = undefined;
    });
    w.unref();
    this.worker = w;
  }

  /**
   * A thread that failed (one that could not start for want of file descriptors fails
   * after its construction) is started again when asked, at most once a second: the health
   * probe asks, so that a kernel whose descriptors came back says so without waiting for a
   * commit.
   */
  retry(): void {
    if (!this.worker && this.failure) this.start();
  }

  /** Reports a commit: the log has grown. */
  committed(): void {
    this.start();
    reportCommit(this.state);
  }

  /** Stops the thread (it finishes a checkpoint under way); call before the last connection closes. */
  close(): void {
    const w = this.worker;
    if (!w) return;
    this.worker = undefined;
    Atomics.store(this.state, 0, -1);
    Atomics.notify(this.state, 0);
    Atomics.notify(this.state, 2);
    Atomics.wait(this.state, 1, 0, 10_000);
  }
}
