// wasi-command drivers: a WASI preview 1 program run by @wasmer/sdk, one call per run of
// the program: the input on its stdin, its answer on its stdout, its stderr lines its log
// lines, a non-zero exit its error with the stderr tail (wasi-engine.mjs). No network, no
// files of the host, an environment of the manifest's alone.
//
// Each driver has engines, threads of the kernel's each hosting an SDK client with the
// program ready, one call at a time each, started on demand (none at load: an engine costs
// ≈ 0.5 s and 25 MiB) up to its cap, and kept warm.
// A call past its time limit (or cancelled) has its engine terminated, which ends the
// SDK's guest threads with it: the SDK's own kill() cannot stop a loop that makes no WASI
// call. The next call starts a new engine.
import { Worker } from 'node:worker_threads';
import { workerExecArgv } from '../../base/threads.mjs';
import type { EngineAnswer, EngineCall, EngineMessage, WasiProgramSpec } from '../messages.d.mts';
import type { PoolCall, WorkerAnswer } from '../pool.ts';
import { now } from '../worker-state.mjs';

const ENGINE = new URL('./wasi-engine.mjs', import.meta.url);

export interface WasiRunnerOptions {
  /** Engines (calls at once) of one driver. */
  maxEnginesPerDriver: number;
}

/** One engine thread; `call` is the call it runs, if any. */
class Engine {
  readonly worker: Worker;
  readonly ready: Promise<void>;
  call?: WasiCall;
  /** Until its program is ready: not free for a call yet. */
  starting = true;
  private calls = 0;

  constructor(spec: WasiProgramSpec, onExit: (engine: Engine) => void) {
    this.worker = new Worker(ENGINE, { workerData: spec, execArgv: workerExecArgv() });
    this.ready = new Promise((resolve, reject) => {
      this.worker.once('message', (m: EngineMessage) => (m.type === 'ready' ? resolve() : reject(new Error(m.type === 'failed' ? m.message : `its engine answered '${m.type}' before it was ready`))));
      this.worker.once('error', reject);
    });
    this.ready.catch(() => {});
    this.worker.on('message', (m: EngineMessage) => {
      if (m.type === 'answer' && this.call && m.id === this.calls) this.call.settle(m.answer);
    });
    this.worker.on('error', (e) => this.call?.fail(new Error(`its engine failed: ${e.message}`)));
    this.worker.once('exit', () => {
      this.call?.fail(new Error('its engine stopped'));
      onExit(this);
    });
  }

  start(call: WasiCall): void {
    this.call = call;
    this.worker.postMessage({ id: ++this.calls, input: call.input, env: call.env } satisfies EngineCall);
  }

  stop(): Promise<number> {
    return this.worker.terminate();
  }
}

export class WasiProgram {
  readonly engines = new Set<Engine>();
  /** Engines terminated whose threads have not exited yet. */
  readonly stopping = new Set<Engine>();
  readonly waiting: WasiCall[] = [];
  closed = false;

  constructor(
    readonly spec: WasiProgramSpec,
    private readonly maxEngines: number,
  ) {}

  /** A new engine, ready (its start compiles the program into the SDK's sandbox). */
  async startEngine(): Promise<Engine> {
    const engine = new Engine(this.spec, (e) => (this.engines.delete(e), this.stopping.delete(e)));
    this.engines.add(engine);
    try {
      await engine.ready;
      engine.starting = false;
    } catch (e) {
      this.engines.delete(engine);
      void engine.stop();
      throw e;
    }
    return engine;
  }

  /** Gives the call an idle engine, or a new one under the cap, or a place in the queue. */
  dispatch(call: WasiCall): void {
    if (this.closed) return call.fail(new Error('the driver was unloaded'));
    for (const e of this.engines) if (!e.call && !e.starting) return this.begin(e, call);
    if (this.engines.size < this.maxEngines) {
      // Counted at once: calls dispatched while it starts wait for it or another. The call
      // has begun (an engine starts for it), as a component's first call begins with its
      // thread's start: a timeout then says it ran, not that it waited for a busy worker.
      const starting = this.startEngine();
      call.started = now();
      this.waiting.push(call);
      starting.then(
        (e) => this.next(e),
        (err: Error) => this.waiting.splice(0).forEach((c) => c.fail(new Error(`its engine did not start: ${err.message}`))),
      );
      return;
    }
    this.waiting.push(call);
  }

  private begin(engine: Engine, call: WasiCall): void {
    call.engine = engine;
    call.started ||= now();
    engine.start(call);
  }

  /** An engine is free: the first waiting call takes it. */
  next(engine: Engine): void {
    engine.call = undefined;
    const call = this.waiting.shift();
    if (call) this.begin(engine, call);
  }

  /** A call stopped before its answer: dropped if it waits, its engine terminated if it runs. */
  drop(call: WasiCall): void {
    const at = this.waiting.indexOf(call);
    if (at >= 0) this.waiting.splice(at, 1);
    if (call.engine?.call === call) this.retire(call.engine);
  }

  /** Terminates an engine; a waiting call gets the engine that replaces it. */
  retire(engine: Engine): void {
    engine.call = undefined;
    this.engines.delete(engine);
    this.stopping.add(engine);
    void engine.stop();
    if (this.waiting.length) this.dispatch(this.waiting.shift()!);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const c of this.waiting.splice(0)) c.fail(new Error('the driver was unloaded'));
    await Promise.all([...this.engines].map((e) => e.stop()));
    this.engines.clear();
  }
}

/** Runs the wasi-command drivers' programs on their engines. */
export class WasiCommandRunner {
  private readonly programs = new Set<WasiProgram>();

  constructor(private readonly opts: WasiRunnerOptions) {}

  /** A program ready to run: its engines start with its calls. */
  prepare(spec: WasiProgramSpec): WasiProgram {
    // Read-write calls one at a time: each copies the directory out whole, and two at once would lose writes.
    const program = new WasiProgram(spec, spec.fs?.mode === 'read-write' ? 1 : this.opts.maxEnginesPerDriver);
    this.programs.add(program);
    return program;
  }

  /** Engine threads alive (running, idle, or terminated and not yet exited). */
  threads(): number {
    let n = 0;
    for (const p of this.programs) n += p.engines.size + p.stopping.size;
    return n;
  }

  /** One run; `env` is set over the manifest's (the runtime checked it against callEnv). */
  run(program: WasiProgram, input: Uint8Array, env?: Record<string, string>): PoolCall {
    const call = new WasiCall(program, input, env);
    program.dispatch(call);
    return call;
  }

  async release(program: WasiProgram): Promise<void> {
    this.programs.delete(program);
    await program.close();
  }

  async close(): Promise<void> {
    await Promise.all([...this.programs].map((p) => this.release(p)));
  }
}

/** One run of a program, shaped as the pool's calls are so the runtime treats both alike. */
class WasiCall implements PoolCall {
  readonly queuedAt = now();
  readonly answer: Promise<WorkerAnswer>;
  engine?: Engine;
  started = 0;
  private ended = 0;
  private resolve!: (a: WorkerAnswer) => void;
  private reject!: (e: Error) => void;

  constructor(
    private readonly program: WasiProgram,
    readonly input: Uint8Array,
    readonly env: Record<string, string> | undefined,
  ) {
    this.answer = new Promise((resolve, reject) => ((this.resolve = resolve), (this.reject = reject)));
    this.answer.catch(() => {});
  }

  startedAt = () => this.started;
  endedAt = () => this.ended;

  settle(a: EngineAnswer): void {
    if (this.ended) return;
    this.ended = now();
    this.resolve({ writes: [], metrics: [], retired: false, startedAt: this.started, logs: a.logs, output: a.output, error: a.error });
    if (a.retire) this.program.retire(this.engine!);
    else this.program.next(this.engine!);
  }

  fail(e: Error): void {
    if (this.ended) return;
    this.ended = now();
    this.reject(e);
  }

  cancel(): void {
    if (this.ended) return;
    this.program.drop(this);
    this.fail(new Error('the call was stopped'));
  }
}
