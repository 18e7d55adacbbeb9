// The worker pool drivers run on: a fixed number of threads (worker.mjs), one call at a
// time each. The pool remembers which compiled modules each worker holds, so a module
// crosses to a worker once and a call goes to a worker that already has its module when
// one is idle. A call that must stop (its time limit, or its caller cancelled it) stops
// by terminating its worker, which a fresh one replaces.
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';

export interface WorkerEffects {
  writes: { namespace: string; key: string; value: Uint8Array }[];
  logs: { level: 'trace' | 'debug' | 'info' | 'warn' | 'error'; message: string }[];
  metrics: { name: string; value: number }[];
}

export interface WorkerAnswer extends WorkerEffects {
  output?: Uint8Array;
  error?: { code: string; message: string };
}

export interface CallTask {
  digest: string;
  module: WebAssembly.Module;
  driver: string;
  input: Uint8Array;
  config?: Uint8Array;
  maxOutputBytes: number;
  capabilities: string[];
  reads: string[];
  writes: string[];
  /** For a module that imports env.memory: the memory the host creates for it. */
  importedMemory?: { initial: number; maximum: number };
}

/** Answers a driver's context-read on the main thread (staging first, then the store). */
export type ContextReader = (namespace: string, key: string) => Uint8Array | null;

interface Call {
  task: CallTask;
  signal: AbortSignal;
  started: Float64Array;
  reader?: ContextReader;
  waitMs: number;
  resolve(answer: WorkerAnswer): void;
  reject(error: Error): void;
  onAbort(): void;
  port?: MessagePort;
}

interface Slot {
  worker: Worker;
  /** Digests of the modules this worker has been sent (it may have dropped some since: it then answers "missing"). */
  modules: Set<string>;
  call?: Call;
  ready: Promise<void>;
}

const WORKER = new URL('./worker.mjs', import.meta.url);

export class DriverPool {
  readonly size: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Call[] = [];
  private closed = false;

  constructor(size: number) {
    this.size = size;
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  idleWorkers(): number {
    return this.slots.filter((s) => !s.call).length;
  }

  /** Resolves once every worker has started (a first call should not pay for thread start-up). */
  async warm(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.ready));
  }

  /**
   * Runs one call; `signal` aborts it, terminating (and replacing) its worker if it is
   * running. The worker writes into `started` when the call began ([0]) and ended ([1]).
   */
  run(task: CallTask, signal: AbortSignal, started: Float64Array, reader: ContextReader | undefined, waitMs: number): Promise<WorkerAnswer> {
    if (this.closed) return Promise.reject(new Error('the driver pool is closed'));
    if (signal.aborted) return Promise.reject(new Error('the call was aborted'));
    return new Promise<WorkerAnswer>((resolve, reject) => {
      const call: Call = { task, signal, started, reader, waitMs, resolve, reject, onAbort: () => this.abort(call) };
      signal.addEventListener('abort', call.onAbort, { once: true });
      const slot = this.idleFor(task.digest);
      if (slot) this.dispatch(slot, call);
      else this.queue.push(call);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const call of this.queue.splice(0)) this.finish(call, new Error('the driver pool is closed'));
    await Promise.all(
      this.slots.map((s) => {
        if (s.call) this.finish(s.call, new Error('the driver pool is closed'));
        s.call = undefined;
        return s.worker.terminate();
      }),
    );
  }

  // ---------------------------------------------------------------- workers

  private spawn(): Slot {
    const worker = new Worker(WORKER, { workerData: { pool: true } });
    const slot: Slot = {
      worker,
      modules: new Set(),
      ready: new Promise((resolve) => worker.once('online', () => resolve())),
    };
    worker.unref();
    worker.on('message', (answer: WorkerAnswer | { missing: true }) => this.answered(slot, answer));
    worker.on('error', (e) => this.lost(slot, e));
    worker.on('exit', (code) => this.lost(slot, new Error(`the driver worker exited with code ${code}`)));
    return slot;
  }

  /** An idle worker, preferring one that holds the module already. */
  private idleFor(digest: string): Slot | undefined {
    let idle: Slot | undefined;
    for (const s of this.slots) {
      if (s.call) continue;
      if (s.modules.has(digest)) return s;
      idle ??= s;
    }
    return idle;
  }

  private dispatch(slot: Slot, call: Call): void {
    slot.call = call;
    slot.worker.ref();
    const { module, ...rest } = call.task;
    const message: Record<string, unknown> = { ...rest, started: call.started, waitMs: call.waitMs };
    if (!slot.modules.has(call.task.digest)) {
      message.module = module;
      slot.modules.add(call.task.digest);
    }
    const transfer: MessagePort[] = [];
    if (call.reader && !call.port) {
      // context-read is synchronous in the driver: the worker posts the question, sleeps on
      // the flag, and takes the answer from the port once the main thread has set the flag.
      const reader = call.reader;
      const channel = new MessageChannel();
      const flag = new Int32Array(new SharedArrayBuffer(4));
      const port = channel.port1;
      port.on('message', ({ namespace, key }: { namespace: string; key: string }) => {
        try {
          port.postMessage({ value: reader(namespace, key) });
        } catch (e) {
          port.postMessage({ error: (e as Error).message, code: (e as { code?: unknown }).code === 5 ? 'NOT_FOUND' : 'INTERNAL' });
        }
        Atomics.store(flag, 0, 1);
        Atomics.notify(flag, 0);
      });
      call.port = port;
      message.port = channel.port2;
      message.flag = flag;
      transfer.push(channel.port2);
    }
    slot.worker.postMessage(message, transfer);
  }

  private answered(slot: Slot, answer: WorkerAnswer | { missing: true }): void {
    const call = slot.call;
    if (!call) return;
    if ('missing' in answer) {
      // The worker dropped the module (least recently used): send it again, with a new bridge.
      slot.modules.delete(call.task.digest);
      call.port?.close();
      call.port = undefined;
      call.started.fill(0);
      this.dispatch(slot, call);
      return;
    }
    slot.call = undefined;
    this.finish(call, undefined, answer);
    this.next(slot);
  }

  /** A worker that failed or exited: its call fails, a new worker takes its place. */
  private lost(slot: Slot, error: Error): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return; // already replaced
    const call = slot.call;
    slot.call = undefined;
    if (this.closed) return;
    this.slots[i] = this.spawn();
    if (call) this.finish(call, error);
    this.next(this.slots[i]);
  }

  private abort(call: Call): void {
    const queued = this.queue.indexOf(call);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.finish(call, new Error('the call was aborted'));
      return;
    }
    const slot = this.slots.find((s) => s.call === call);
    if (!slot) return;
    // The only way to stop a running WebAssembly call: stop its thread.
    slot.call = undefined;
    const i = this.slots.indexOf(slot);
    this.slots[i] = this.spawn();
    void slot.worker.terminate();
    this.finish(call, new Error('the call was aborted'));
    this.next(this.slots[i]);
  }

  private next(slot: Slot): void {
    if (slot.call || !this.queue.length) return;
    this.dispatch(slot, this.queue.shift()!);
    if (!this.queue.length) return;
    for (const s of this.slots) if (!s.call && this.queue.length) this.dispatch(s, this.queue.shift()!);
  }

  private finish(call: Call, error?: Error, answer?: WorkerAnswer): void {
    call.signal.removeEventListener('abort', call.onAbort);
    call.port?.close();
    if (!this.slots.some((s) => s.call)) for (const s of this.slots) s.worker.unref();
    if (error) call.reject(error);
    else call.resolve(answer!);
  }
}
