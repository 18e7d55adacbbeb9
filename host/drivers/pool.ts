// The worker pool drivers run on: a fixed number of threads (worker.mjs), one call at a
// time each. The pool remembers which compiled modules each worker holds, so a module and
// its driver's settings cross to a worker once, and a call (digest, input, time limit) goes
// to a worker that already has its module when one is idle. Each worker gets, once, a
// clock in shared memory (when its call began and ended) and a bridge for context-read.
// A call that must stop (its time limit, or its caller cancelled it) stops by terminating
// its worker, which a fresh one replaces.
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

/** A call handed to the pool. */
export interface PoolCall {
  readonly answer: Promise<WorkerAnswer>;
  /** Stops the call: dropped if queued, its worker terminated (and replaced) if running. */
  cancel(): void;
  /** When a worker began running the call, ms since the epoch (0: not yet). */
  startedAt(): number;
  /** When it finished running (0: not yet). */
  endedAt(): number;
}

interface Call extends PoolCall {
  task: CallTask;
  reader?: ContextReader;
  waitMs: number;
  slot?: Slot;
  done: boolean;
  resolve(answer: WorkerAnswer): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  /** Digests of the modules this worker has been sent (it may have dropped some since: it then answers "missing"). */
  modules: Set<string>;
  call?: Call;
  ready: Promise<void>;
  /** [0] when the current call began, [1] when it ended (written by the worker). */
  clock: Float64Array;
  /** context-read questions from the worker, answered with the current call's reader. */
  bridge: MessagePort;
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

  /** Queues one call; `waitMs` bounds how long a context-read waits for the main thread. */
  run(task: CallTask, reader: ContextReader | undefined, waitMs: number): PoolCall {
    let resolve!: (a: WorkerAnswer) => void;
    let reject!: (e: Error) => void;
    const answer = new Promise<WorkerAnswer>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const call: Call = {
      answer,
      task,
      reader,
      waitMs,
      done: false,
      resolve,
      reject,
      cancel: () => this.cancel(call),
      startedAt: () => (call.slot ? call.slot.clock[0] : 0),
      endedAt: () => (call.slot ? call.slot.clock[1] : 0),
    };
    if (this.closed) {
      this.finish(call, new Error('the driver pool is closed'));
      return call;
    }
    const slot = this.idleFor(task.digest);
    if (slot) this.dispatch(slot, call);
    else this.queue.push(call);
    return call;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const call of this.queue.splice(0)) this.finish(call, new Error('the driver pool is closed'));
    await Promise.all(
      this.slots.map((s) => {
        if (s.call) this.finish(s.call, new Error('the driver pool is closed'));
        s.call = undefined;
        s.bridge.close();
        return s.worker.terminate();
      }),
    );
  }

  // ---------------------------------------------------------------- workers

  private spawn(): Slot {
    const clock = new Float64Array(new SharedArrayBuffer(16));
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const { port1: bridge, port2 } = new MessageChannel();
    const worker = new Worker(WORKER, { workerData: { pool: true, clock, flag, bridge: port2 }, transferList: [port2] });
    const slot: Slot = {
      worker,
      modules: new Set(),
      clock,
      bridge,
      ready: new Promise((resolve) => worker.once('online', () => resolve())),
    };
    worker.unref();
    bridge.unref();
    bridge.on('message', ({ namespace, key, seq }: { namespace: string; key: string; seq: number }) => {
      try {
        const reader = slot.call?.reader;
        if (!reader) throw new Error('no call on this worker may read context');
        bridge.postMessage({ seq, value: reader(namespace, key) });
      } catch (e) {
        bridge.postMessage({ seq, error: (e as Error).message, code: (e as { code?: unknown }).code === 5 ? 'NOT_FOUND' : 'INTERNAL' });
      }
      Atomics.store(flag, 0, 1);
      Atomics.notify(flag, 0);
    });
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
    call.slot = slot;
    slot.clock.fill(0);
    slot.worker.ref();
    const t = call.task;
    // Structured clone copies a view's whole buffer: a 1-byte input cut from a pooled or
    // request-sized buffer would carry all of it. Send a buffer of its own, moved, not copied.
    const input = new Uint8Array(t.input.byteLength);
    input.set(t.input);
    const message: Record<string, unknown> = { digest: t.digest, input, waitMs: call.waitMs };
    if (!slot.modules.has(t.digest)) {
      // The module and what the worker needs to run it, once per worker.
      message.module = t.module;
      message.driver = {
        driver: t.driver,
        config: t.config,
        maxOutputBytes: t.maxOutputBytes,
        capabilities: t.capabilities,
        reads: t.reads,
        writes: t.writes,
        importedMemory: t.importedMemory,
      };
      slot.modules.add(t.digest);
    }
    slot.worker.postMessage(message, [input.buffer]);
  }

  private answered(slot: Slot, answer: WorkerAnswer | { missing: true }): void {
    const call = slot.call;
    if (!call) return;
    if ('missing' in answer) {
      // The worker dropped the module (least recently used): send it again.
      slot.modules.delete(call.task.digest);
      this.dispatch(slot, call);
      return;
    }
    slot.call = undefined;
    this.finish(call, undefined, answer);
    this.next();
  }

  /** A worker that failed or exited: its call fails, a new worker takes its place. */
  private lost(slot: Slot, error: Error): void {
    if (!this.slots.includes(slot)) return; // already replaced
    const call = slot.call;
    if (this.closed) return;
    this.replace(slot);
    if (call) this.finish(call, error);
    this.next();
  }

  /** Puts a fresh worker in a slot's place (the old one is gone or being terminated). */
  private replace(slot: Slot): void {
    slot.call = undefined;
    slot.bridge.close();
    this.slots[this.slots.indexOf(slot)] = this.spawn();
  }

  private cancel(call: Call): void {
    if (call.done) return;
    const queued = this.queue.indexOf(call);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.finish(call, new Error('the call was cancelled'));
      return;
    }
    const slot = call.slot;
    if (!slot || slot.call !== call) return;
    // The only way to stop a running WebAssembly call: stop its thread.
    this.replace(slot);
    void slot.worker.terminate();
    this.finish(call, new Error('the call was cancelled'));
    this.next();
  }

  /** Gives queued calls to idle workers. */
  private next(): void {
    while (this.queue.length) {
      const slot = this.idleFor(this.queue[0].task.digest);
      if (!slot) return;
      this.dispatch(slot, this.queue.shift()!);
    }
  }

  private finish(call: Call, error?: Error, answer?: WorkerAnswer): void {
    if (call.done) return;
    call.done = true;
    if (!this.slots.some((s) => s.call)) for (const s of this.slots) s.worker.unref();
    if (error) call.reject(error);
    else call.resolve(answer!);
  }
}
