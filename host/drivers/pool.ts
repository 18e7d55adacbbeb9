// The worker threads drivers run on: a piscina pool, and what camos needs around it.
//
// - Threads start on demand and stop after `idleTimeoutMs` without a call (piscina's
//   minThreads 0 and idleTimeout), up to `maxThreads`.
// - A call goes only to an idle worker (piscina gives a task with a signal to an idle
//   worker only): never behind another call on a worker. With none idle, piscina starts
//   another up to `maxThreads`, and the call waits in its queue for the first worker free.
// - A driver (one install, `CallTask.key`) has at most `maxCallsPerKey` calls in the pool;
//   its next ones wait their turn here. So one driver, however slow, holds at most that
//   many threads, and the others keep the rest.
// - The balancer (piscina's `loadBalancer`) prefers an idle worker that already holds the
//   call's module, and sends the module and its driver's settings with the first call of
//   that driver to each worker (a WebAssembly.Module crosses by structured clone: the
//   compiled code is shared, not copied).
// - Each worker makes and announces, once, shared memory (worker-state.mjs: which call it
//   runs, when it began and ended, the memory it holds) and a context-read bridge.
// - A call is stopped (its deadline, or its caller cancelled it) through piscina's signal:
//   dropped from the queue, or, running, its worker is terminated.
// - Workers wait for tasks on their event loop (piscina's `atomics: 'disabled'`), not in
//   Atomics.wait: waking a thread parked in Atomics.wait cost the main thread ~25 us per
//   call in Atomics.notify, a third of a bare piscina round trip (docs/BENCHMARKS.md, "startup").
// - A worker that holds much memory after a call retires: it is terminated at once, which
//   gives all of it back now rather than at the worker's next garbage collection.
import { fileURLToPath } from 'node:url';
import type { MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { Logger } from '../telemetry/log.ts';
import { workerExecArgv } from '../base/threads.mjs';
import type { BridgeAnswer, BridgeQuestion, DriverSettings, MissingAnswer, PoolWorkerData, TaskMessage, WakeMessage, WorkerAnnouncement, WorkerAnswer } from './messages.d.mts';
import { CALL, DONE, ENDED, FLAG, MEMORY, PHASE, RETIRING, STARTED, now, stateViews } from './worker-state.mjs';

export type { WorkerAnswer, WorkerEffects } from './messages.d.mts';

/** A call: the driver's settings (sent to a worker with its first call) and this call's input. */
export interface CallTask extends Omit<DriverSettings, 'name'> {
  /**
   * What the worker keeps the module and the settings under: one key per loaded driver. A
   * worker that holds the key runs the call with the settings it was first sent.
   */
  key: string;
  module: WebAssembly.Module;
  driver: string;
  input: Uint8Array;
}

/** Answers a driver's context-read on the main thread (staging first, then the store). */
export type ContextReader = (namespace: string, key: string) => Uint8Array | null;

/** A call handed to the pool. */
export interface PoolCall {
  readonly answer: Promise<WorkerAnswer>;
  /** When it was handed to the pool (worker-state.mjs `now`). */
  readonly queuedAt: number;
  /** Stops the call: dropped if it waits, its worker terminated if it runs. */
  cancel(): void;
  /** When a worker began running it (0: not yet). */
  startedAt(): number;
  /** When it finished running (0: not yet). */
  endedAt(): number;
}

export interface PoolOptions {
  maxThreads: number;
  /** A worker without a call for this long stops. */
  idleTimeoutMs: number;
  /** Calls of one driver (one key) in the pool at once; more wait their turn. */
  maxCallsPerKey: number;
  /** The workers' nice value (Linux): drivers yield the CPU to the kernel's threads. */
  nice?: number;
  log: Logger;
}

export interface PoolStats {
  threads: number;
  idleThreads: number;
  /** Calls a worker runs. */
  running: number;
  /** Calls waiting: for a worker, or for their driver's turn. */
  queued: number;
  /** What the workers hold (V8 heap and WebAssembly memories), as of their last call, bytes. */
  memoryBytes: number;
}

/** One worker as the pool knows it, from its announcement. */
interface WorkerState {
  threadId: number;
  ints: Int32Array;
  clock: Float64Array;
  bridge: MessagePort;
  /** Keys of the modules this worker has been sent (it may have dropped some since: it then answers "missing"). */
  modules: Set<string>;
  /** The call it was last handed (the bridge answers it). */
  call?: Call;
}

/** Calls of one key: how many are in the pool, and those waiting for their turn. */
interface Turns {
  inPool: number;
  waiting: Call[];
}

type Balancer = NonNullable<NonNullable<ConstructorParameters<typeof Piscina>[0]>['loadBalancer']>;
type PiscinaWorker = Parameters<Balancer>[1][number];
type PiscinaTask = Parameters<Balancer>[0];

const WORKER = fileURLToPath(new URL('./worker.mjs', import.meta.url));
const CALL_OF = Piscina.queueOptionsSymbol;
/** A task of no work (worker.mjs answers it at once): see wake(). */
const WAKE: WakeMessage = { wake: true };

/**
 * A call in the pool, and the signal piscina is given for it (an EventTarget's two methods:
 * an AbortController per call would be an EventTarget per call). A class, not an object
 * literal with closures: fewer, smaller objects per call keep garbage collections short.
 */
class Call implements PoolCall {
  readonly answer: Promise<WorkerAnswer>;
  readonly queuedAt = now();
  readonly message: TaskMessage;
  /** The worker piscina handed it to. */
  worker?: WorkerState = undefined;
  /** Where it is: waiting for its driver's turn, or in piscina (queued or on a worker). */
  place: 'none' | 'waiting' | 'pool' = 'none';
  done = false;
  aborted = false;
  private abortListener?: () => void = undefined;
  resolve!: (answer: WorkerAnswer) => void;
  reject!: (error: Error) => void;

  constructor(
    private readonly pool: DriverPool,
    readonly id: number,
    readonly task: CallTask,
    readonly reader: ContextReader | undefined,
    deadline: number,
  ) {
    this.message = { call: id, key: task.key, input: undefined, deadline, module: undefined, driver: undefined, [CALL_OF]: this } as TaskMessage;
    this.answer = new Promise<WorkerAnswer>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  cancel(): void {
    this.pool.cancelCall(this);
  }

  /** Runs piscina's abort listener once (it drops the task, or terminates its worker). */
  abort(): boolean {
    const listener = this.abortListener;
    this.aborted = true;
    this.abortListener = undefined;
    listener?.();
    return listener !== undefined;
  }

  // The signal piscina listens to.
  addEventListener(_type: 'abort', listener: () => void): void {
    this.abortListener = listener;
  }

  removeEventListener(): void {
    this.abortListener = undefined;
  }

  startedAt(): number {
    const w = this.worker;
    return w && Atomics.load(w.ints, CALL) === this.id ? w.clock[STARTED] : 0;
  }

  endedAt(): number {
    const w = this.worker;
    return w && Atomics.load(w.ints, CALL) === this.id && Atomics.load(w.ints, PHASE) === DONE ? w.clock[ENDED] : 0;
  }
}

export class DriverPool {
  readonly maxThreads: number;
  private readonly piscina: Piscina;
  private readonly workers = new Map<number, WorkerState>();
  private readonly turns = new Map<string, Turns>();
  readonly maxCallsPerKey: number;
  private readonly log: Logger;
  private calls = 0;
  private closed = false;

  constructor(opts: PoolOptions) {
    this.maxThreads = opts.maxThreads;
    this.maxCallsPerKey = opts.maxCallsPerKey;
    this.log = opts.log;
    this.piscina = new Piscina({
      filename: WORKER,
      minThreads: 0,
      maxThreads: opts.maxThreads,
      idleTimeout: opts.idleTimeoutMs,
      // The kernel's own Node.js options without its TypeScript loader (threads.mjs).
      execArgv: workerExecArgv(),
      workerData: { camosPool: true, nice: opts.nice ?? 0 } satisfies PoolWorkerData,
      loadBalancer: (task, workers) => this.choose(task, workers),
      // A call that found no idle worker keeps its place in the queue.
      stricterFIFO: true,
      recordTiming: false,
      atomics: 'disabled',
    });
    this.piscina.on('message', (m: Partial<WorkerAnnouncement> | undefined) => {
      if (typeof m?.camosDriverWorker === 'number') this.announced(m.camosDriverWorker, m.state!, m.bridge!);
    });
    this.piscina.on('workerDestroy', () => this.wake());
    // A worker's failure outside a call (piscina's 'error' event): without a listener it would end the kernel.
    this.piscina.on('error', (e: Error) => this.log.warn({ err: e.message }, 'driver worker failed outside a call'));
  }

  stats(): PoolStats {
    let running = 0;
    let memoryBytes = 0;
    for (const w of this.workers.values()) {
      memoryBytes += w.clock[MEMORY];
      if (w.call && !w.call.done) running++;
    }
    let waiting = 0;
    for (const t of this.turns.values()) waiting += t.waiting.length;
    return { threads: this.piscina.threads.length, idleThreads: this.piscina.idleThreads, running, queued: this.piscina.queueSize + waiting, memoryBytes };
  }

  /**
   * Hands a call to the pool. `deadline` (worker-state.mjs `now`): when its time is up (it
   * then takes no turn, and its context-reads wait no longer); stopping it is the caller's.
   */
  run(task: CallTask, reader: ContextReader | undefined, deadline: number): PoolCall {
    this.calls = (this.calls % 0x7fffffff) + 1; // a worker stamps it in an Int32
    const call = new Call(this, this.calls, task, reader, deadline);
    if (this.closed) {
      this.finish(call, new Error('the driver pool is closed'));
      return call;
    }
    let turns = this.turns.get(task.key);
    if (!turns) this.turns.set(task.key, (turns = { inPool: 0, waiting: [] }));
    if (turns.inPool < this.maxCallsPerKey) {
      this.submit(call, turns);
    } else {
      call.place = 'waiting';
      turns.waiting.push(call);
    }
    return call;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const turns of [...this.turns.values()]) for (const call of [...turns.waiting]) this.finish(call, new Error('the driver pool is closed'));
    await this.piscina.destroy();
  }

  private submit(call: Call, turns: Turns): void {
    if (call.place !== 'pool') turns.inPool++;
    call.place = 'pool';
    call.worker = undefined;
    // Structured clone copies a view's whole buffer: a 1-byte input cut from a pooled or
    // request-sized buffer would carry all of it. Send a buffer of its own, moved, not
    // copied again (and the caller's stays whole, should the call be sent again).
    const input = new Uint8Array(call.task.input.byteLength);
    input.set(call.task.input);
    call.message.input = input;
    this.piscina.run(call.message, { signal: call, transferList: [input.buffer] }).then(
      (answer: WorkerAnswer | MissingAnswer) => this.answered(call, answer),
      (e: Error) => this.failed(call, e),
    );
  }

  /** piscina's load balancer: an idle worker, one holding the call's module first. */
  private choose(task: PiscinaTask, workers: PiscinaWorker[]): PiscinaWorker | null {
    const call = (task as unknown as Record<symbol, Call | undefined>)[CALL_OF];
    let chosen: PiscinaWorker | null = null;
    let state: WorkerState | undefined;
    for (const w of workers) {
      if (w.currentUsage !== 0) continue;
      // A worker not announced yet is still starting; a retiring one is about to stop.
      const s = this.workers.get(w.id);
      if (!s || Atomics.load(s.ints, RETIRING)) continue;
      if (!call || s.modules.has(call.task.key)) {
        [chosen, state] = [w, s];
        break;
      }
      if (!chosen) [chosen, state] = [w, s];
    }
    if (call && state) this.hand(call, state);
    return chosen;
  }

  /** The call goes to this worker now: with its module and settings, the first time. */
  private hand(call: Call, w: WorkerState): void {
    call.worker = w;
    w.call = call;
    const m = call.message;
    const t = call.task;
    if (w.modules.has(t.key)) {
      m.module = undefined;
      m.driver = undefined;
      return;
    }
    m.module = t.module;
    m.driver = {
      name: t.driver,
      config: t.config,
      maxOutputBytes: t.maxOutputBytes,
      capabilities: t.capabilities,
      reads: t.reads,
      writes: t.writes,
      importedMemory: t.importedMemory,
    };
    w.modules.add(t.key);
  }

  private answered(call: Call, answer: WorkerAnswer | MissingAnswer): void {
    if (call.done) return; // cancelled after it ran
    if ('missing' in answer) {
      // The worker dropped the module (least recently used): send it again.
      call.worker?.modules.delete(call.task.key);
      this.submit(call, this.turns.get(call.task.key)!);
      return;
    }
    if (answer.retired && call.worker) this.retire(call.worker, call.task.driver);
    this.finish(call, undefined, answer);
  }

  private failed(call: Call, e: Error): void {
    if (call.done) return;
    const w = call.worker;
    if (!this.closed && w) this.log.warn({ driver: call.task.driver, thread: w.threadId, err: e.message }, `driver worker ended while running a call of '${call.task.driver}'; a new one starts on demand`);
    this.finish(call, this.closed ? new Error('the driver pool is closed') : e);
  }

  /** PoolCall.cancel. */
  cancelCall(call: Call): void {
    if (call.done) return;
    const w = call.worker;
    // The only way to stop a running WebAssembly call: stop its thread (piscina does, for a
    // task handed to a worker; a queued one it drops).
    if (call.abort() && w) {
      this.log.warn({ driver: call.task.driver, thread: w.threadId }, `driver worker stopped to end a call of '${call.task.driver}'; a new one starts on demand`);
    }
    this.finish(call, new Error('the call was cancelled'));
  }

  /** A worker that holds too much memory after a call (worker.mjs): terminated now, freeing it all. */
  private retire(w: WorkerState, driver: string): void {
    const thread = this.piscina.threads.find((t) => t.threadId === w.threadId);
    this.log.warn({ driver, thread: w.threadId, memoryBytes: w.clock[MEMORY] }, `driver worker retired after a call of '${driver}': it held ${Math.round(w.clock[MEMORY] / 2 ** 20)} MiB; a new one starts on demand`);
    void thread?.terminate();
  }

  private finish(call: Call, error?: Error, answer?: WorkerAnswer): void {
    if (call.done) return;
    call.done = true;
    this.leave(call);
    if (error) call.reject(error);
    else call.resolve(answer!);
  }

  /** A call gives up its place among its driver's calls; the next one whose time is not up takes a turn. */
  private leave(call: Call): void {
    if (call.place === 'none') return;
    const turns = this.turns.get(call.task.key)!;
    if (call.place === 'pool') turns.inPool--;
    else turns.waiting.splice(turns.waiting.indexOf(call), 1);
    call.place = 'none';
    if (!this.closed && turns.inPool < this.maxCallsPerKey) {
      // Those whose time is up are left to their timers, about to stop them: not started to be killed.
      const at = now();
      const i = turns.waiting.findIndex((c) => c.message.deadline > at);
      if (i >= 0) this.submit(turns.waiting.splice(i, 1)[0], turns);
    }
    if (turns.inPool === 0 && !turns.waiting.length) this.turns.delete(call.task.key);
  }

  // ---------------------------------------------------------------- workers

  private announced(threadId: number, shared: SharedArrayBuffer, bridge: MessagePort): void {
    const w: WorkerState = { threadId, ...stateViews(shared), bridge, modules: new Set() };
    this.workers.set(threadId, w);
    bridge.unref();
    // Closed when its thread ends, whatever ended it (the Worker's threadId is -1 by its 'exit').
    bridge.once('close', () => this.workers.delete(threadId));
    bridge.on('message', ({ namespace, key, seq, call }: BridgeQuestion) => {
      try {
        const reader = w.call?.id === call ? w.call.reader : undefined;
        if (!reader) throw new Error('no call on this worker may read context');
        bridge.postMessage({ seq, value: reader(namespace, key) } satisfies BridgeAnswer);
      } catch (e) {
        bridge.postMessage({ seq, error: (e as Error).message, code: (e as { code?: unknown }).code === 'not_found' ? 'NOT_FOUND' : 'INTERNAL' } satisfies BridgeAnswer);
      }
      Atomics.store(w.ints, FLAG, 1);
      Atomics.notify(w.ints, FLAG);
    });
  }

  /**
   * piscina starts a worker for queued calls only when a call comes, or a worker frees up:
   * with minThreads 0, calls queued behind the last worker (stopped, retired or crashed)
   * would wait for the next call. A task of no work is that next call. Once piscina has
   * removed the worker (its 'workerDestroy' comes just before).
   */
  private wake(): void {
    queueMicrotask(() => {
      if (!this.closed && this.piscina.queueSize > 0) this.piscina.run(WAKE).catch(() => undefined);
    });
  }
}
