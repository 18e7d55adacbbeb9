// The driver pool as it was before piscina, kept only so that `npm run bench -- startup`
// can measure it beside the piscina pool in one run (docs/BENCHMARKS.md, "startup");
// deleted once that comparison is recorded.
// The worker pool drivers run on: a fixed number of threads (worker.mjs), each running
// one call at a time. When every worker is busy, a worker may be handed up to `depth`
// calls at once: it starts the next as soon as it answers the last, without waiting for
// the main thread (which, on a machine with few cores, is the slow part of a short call).
// The pool remembers which compiled modules each worker holds, so a module and its
// driver's settings cross to a worker once, and a call (key, input, time limit) goes to
// a worker that already has its module when one is idle. Each worker gets, once, shared
// memory (which call it has taken, when that began and ended, which calls it must skip)
// and a bridge for context-read. A call that must stop (its time limit, or its caller
// cancelled it) is skipped if its worker has not taken it yet; a running one stops by
// terminating its worker, which a fresh one replaces.
import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import { startThread } from '../../host/threads.mjs';

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
  /**
   * What the worker keeps the module and the settings below under: one key per loaded
   * driver. A worker that holds the key runs the call with the settings it was first sent.
   */
  key: string;
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

/**
 * A call in the pool. A class, not an object literal with closures: a call is made for
 * every driver call, and fewer, smaller objects per call keep the main thread's garbage
 * collections short.
 */
class Call implements PoolCall {
  readonly answer: Promise<WorkerAnswer>;
  /** Its number on its worker (the worker stamps the clock and asks context with it). */
  seq = 0;
  slot?: Slot = undefined;
  done = false;
  resolve!: (answer: WorkerAnswer) => void;
  reject!: (error: Error) => void;

  constructor(
    private readonly pool: DriverPool,
    readonly task: CallTask,
    readonly reader: ContextReader | undefined,
    readonly waitMs: number,
  ) {
    this.answer = new Promise<WorkerAnswer>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  cancel(): void {
    this.pool.cancelCall(this);
  }

  // 0 while it waits (in the pool, or behind another call on its worker).
  startedAt(): number {
    return this.slot && Atomics.load(this.slot.marks, 0) === this.seq ? this.slot.clock[0] : 0;
  }

  endedAt(): number {
    return this.slot && Atomics.load(this.slot.marks, 0) === this.seq ? this.slot.clock[1] : 0;
  }
}

interface Slot {
  worker: Worker;
  /** Digests of the modules this worker has been sent (it may have dropped some since: it then answers "missing"). */
  modules: Set<string>;
  /** Calls sent to the worker and not answered yet, in the order sent (it runs them in that order). */
  calls: Call[];
  /** Calls sent so far (numbers them). */
  sent: number;
  ready: Promise<void>;
  /** [0] when the call marks[0] names began, [1] when it ended (written by the worker). */
  clock: Float64Array;
  /** [0] the number of the call the worker has taken; [1 + n % MARKS] = n: call n is to be skipped. */
  marks: Int32Array;
  /** context-read questions from the worker, answered with the asking call's reader. */
  bridge: MessagePort;
}

const WORKER = new URL('./worker.mjs', import.meta.url);
/** Skip marks per worker (worker.mjs reads the count from the array): calls a worker holds are fewer. */
const MARKS = 64;

export class DriverPool {
  readonly size: number;
  /** Calls a worker may hold at once (1: only idle workers get calls). */
  readonly depth: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Call[] = [];
  private closed = false;

  /**
   * `nice` lowers the workers' CPU priority (Linux, where a thread has its own nice value;
   * elsewhere it is ignored): when drivers and the kernel's main thread both want a core,
   * the main thread, which dispatches calls and answers syscalls, goes first.
   */
  constructor(
    size: number,
    depth = 1,
    private readonly nice = 0,
  ) {
    this.size = size;
    this.depth = Math.min(Math.max(1, depth), MARKS);
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  idleWorkers(): number {
    return this.slots.filter((s) => !s.calls.length).length;
  }

  /** Resolves once every worker has started (a first call should not pay for thread start-up). */
  async warm(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.ready));
  }

  /** Queues one call; `waitMs` bounds how long a context-read waits for the main thread. */
  run(task: CallTask, reader: ContextReader | undefined, waitMs: number): PoolCall {
    const call = new Call(this, task, reader, waitMs);
    if (this.closed) {
      this.finish(call, new Error('the driver pool is closed'));
      return call;
    }
    const slot = this.slotFor(task.key);
    if (slot) this.dispatch(slot, call);
    else this.queue.push(call);
    return call;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const call of this.queue.splice(0)) this.finish(call, new Error('the driver pool is closed'));
    await Promise.all(
      this.slots.map((s) => {
        for (const call of s.calls.splice(0)) this.finish(call, new Error('the driver pool is closed'));
        s.bridge.close();
        return s.worker.terminate();
      }),
    );
  }

  // ---------------------------------------------------------------- workers

  private spawn(): Slot {
    const clock = new Float64Array(new SharedArrayBuffer(16));
    const marks = new Int32Array(new SharedArrayBuffer(4 * (1 + MARKS)));
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const { port1: bridge, port2 } = new MessageChannel();
    const worker = startThread(WORKER, { nice: this.nice, workerData: { pool: true, clock, marks, flag, bridge: port2 }, transferList: [port2] });
    const slot: Slot = {
      worker,
      modules: new Set(),
      calls: [],
      sent: 0,
      clock,
      marks,
      bridge,
      ready: new Promise((resolve) => worker.once('online', () => resolve())),
    };
    worker.unref();
    bridge.unref();
    bridge.on('message', ({ namespace, key, seq, call }: { namespace: string; key: string; seq: number; call: number }) => {
      try {
        // By its number: the answer to the call before it may not have been handled yet.
        const reader = slot.calls.find((c) => c.seq === call)?.reader;
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

  /**
   * The worker for a call: an idle one, preferring one that holds the module already;
   * else, below `depth`, the one holding the fewest calls (the module breaking ties).
   */
  private slotFor(key: string): Slot | undefined {
    let best: Slot | undefined;
    let bestRank = Infinity;
    for (const s of this.slots) {
      if (s.calls.length >= this.depth) continue;
      const rank = s.calls.length * 2 + (s.modules.has(key) ? 0 : 1);
      if (rank === 0) return s;
      if (rank < bestRank) [best, bestRank] = [s, rank];
    }
    return best;
  }

  private dispatch(slot: Slot, call: Call): void {
    call.seq = ++slot.sent;
    call.slot = slot;
    slot.calls.push(call);
    slot.worker.ref();
    const t = call.task;
    // Structured clone copies a view's whole buffer: a 1-byte input cut from a pooled or
    // request-sized buffer would carry all of it. Send a buffer of its own, moved, not copied.
    const input = new Uint8Array(t.input.byteLength);
    input.set(t.input);
    const message: Record<string, unknown> = { seq: call.seq, key: t.key, input, waitMs: call.waitMs };
    if (!slot.modules.has(t.key)) {
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
      slot.modules.add(t.key);
    }
    slot.worker.postMessage(message, [input.buffer]);
  }

  private answered(slot: Slot, answer: WorkerAnswer | { missing: true } | { skipped: true }): void {
    const call = slot.calls.shift(); // answers come in the order the calls were sent
    if (!call) return;
    if (call.done || 'skipped' in answer) {
      // Cancelled while it waited on this worker (it answers "skipped"), or after it ran.
      this.next();
      return;
    }
    if ('missing' in answer) {
      // The worker dropped the module (least recently used): send it again.
      slot.modules.delete(call.task.key);
      this.dispatch(slot, call);
      return;
    }
    this.finish(call, undefined, answer);
    this.next();
  }

  /** A worker that failed or exited: the call it ran fails, a new worker takes its place. */
  private lost(slot: Slot, error: Error): void {
    if (!this.slots.includes(slot) || this.closed) return; // already replaced, or closing
    const seq = Atomics.load(slot.marks, 0);
    const running = slot.calls.find((c) => c.seq === seq);
    this.replace(slot, running);
    if (running) this.finish(running, error);
    this.next();
  }

  /**
   * Puts a fresh worker in a slot's place (the old one is gone or being terminated). The
   * calls it held besides `except` go back to the front of the queue, in order: a call's
   * effects apply only with its answer, so running one again is safe.
   */
  private replace(slot: Slot, except: Call | undefined): void {
    const calls = slot.calls.splice(0);
    slot.bridge.close();
    this.slots[this.slots.indexOf(slot)] = this.spawn();
    for (const c of calls) c.slot = undefined;
    this.queue.unshift(...calls.filter((c) => c !== except && !c.done));
  }

  /** PoolCall.cancel. */
  cancelCall(call: Call): void {
    if (call.done) return;
    const queued = this.queue.indexOf(call);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.finish(call, new Error('the call was cancelled'));
      return;
    }
    const slot = call.slot;
    if (!slot || !slot.calls.includes(call)) return;
    // Marked first, then checked: either the worker sees the mark before it takes the call
    // (and skips it), or this sees that the worker has taken it (or both).
    Atomics.store(slot.marks, 1 + (call.seq % MARKS), call.seq);
    if (Atomics.load(slot.marks, 0) === call.seq) {
      // The only way to stop a running WebAssembly call: stop its thread.
      this.replace(slot, call);
      void slot.worker.terminate();
    }
    this.finish(call, new Error('the call was cancelled'));
    this.next();
  }

  /** Gives queued calls to idle workers. */
  private next(): void {
    while (this.queue.length) {
      const slot = this.slotFor(this.queue[0].task.key);
      if (!slot) return;
      this.dispatch(slot, this.queue.shift()!);
    }
  }

  private finish(call: Call, error?: Error, answer?: WorkerAnswer): void {
    if (call.done) return;
    call.done = true;
    if (!this.slots.some((s) => s.calls.length)) for (const s of this.slots) s.worker.unref();
    if (error) call.reject(error);
    else call.resolve(answer!);
  }
}
