// ML-DSA-65 signing on a thread of its own, for the noble backend only (pq.ts): one
// signature is 10–50 ms of JavaScript (the scheme retries until a candidate passes its
// bounds), which on the kernel's main thread would stall every syscall in flight, at each
// audit checkpoint, channel handshake and sys_tpm_sign. PQClean's C signs in under a millisecond
// and needs no thread (docs/BENCHMARKS.md, "crypto"). The thread starts with the first
// signature and stops after a while without one, so an idle kernel does not keep it.
import type { Worker } from 'node:worker_threads';
import { startThread } from '../base/threads.mjs';

const WORKER = new URL('./sign-worker.mjs', import.meta.url);

interface Pending {
  resolve(signature: Uint8Array): void;
  reject(error: Error): void;
}

export class SignThread {
  private worker?: Worker;
  private readonly pending = new Map<number, Pending>();
  private next = 0;
  private idleTimer?: NodeJS.Timeout;
  /** Signatures made, and threads started, since this was made. */
  readonly stats = { signed: 0, started: 0 };

  /** `idleMs`: the thread stops after this long without a signature to make. */
  constructor(
    private readonly idleMs = 30_000,
    private readonly nice = 0,
  ) {}

  /** ML-DSA-65 over `message` (empty context) with a 4,032-byte secret key; resolves to the 3,309-byte signature. */
  sign(message: Uint8Array, secretKey: Uint8Array): Promise<Uint8Array> {
    const worker = this.thread();
    const id = ++this.next;
    clearTimeout(this.idleTimer);
    worker.ref(); // a signature asked for (the final audit checkpoint, say) keeps the process up
    return new Promise<Uint8Array>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, message, secretKey });
    });
  }

  /** True while a thread is running. */
  get running(): boolean {
    return this.worker !== undefined;
  }

  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    const w = this.worker;
    this.worker = undefined;
    this.fail(new Error('the signing thread was stopped'));
    await w?.terminate();
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const w = startThread(WORKER, { nice: this.nice });
    this.stats.started++;
    w.on('message', (m: { id: number; signature?: Uint8Array; error?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.signature) {
        this.stats.signed++;
        p.resolve(new Uint8Array(m.signature));
      } else p.reject(new Error(`ML-DSA-65 signing failed: ${m.error}`));
      if (!this.pending.size) this.idle(w);
    });
    const lost = (why: string) => {
      if (this.worker !== w) return;
      this.worker = undefined;
      clearTimeout(this.idleTimer);
      this.fail(new Error(`the signing thread ${why}; ask again to start a new one`));
    };
    w.on('error', (e) => lost(`failed: ${e.message}`));
    w.on('exit', (code) => lost(`exited with code ${code}`));
    this.worker = w;
    return w;
  }

  private idle(w: Worker): void {
    w.unref();
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.worker !== w || this.pending.size) return;
      this.worker = undefined;
      void w.terminate();
    }, this.idleMs).unref();
  }

  private fail(error: Error): void {
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }
}

/**
 * The process's signing thread, shared by every key store. At nice 10, as the audit writer:
 * a signature is seldom urgent, and on a small machine the thread would otherwise take a
 * core from the syscalls and drivers in flight for tens of milliseconds at a time.
 */
export const signThread = new SignThread(30_000, 10);
