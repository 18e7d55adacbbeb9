// What the driver threads and the main thread say to each other, written once for both
// sides (as piscina's types.ts is): the pool (pool.ts) and its workers (worker.mjs), and a
// wasi-command driver's runner (kinds/wasi-command.ts) and its engines (kinds/wasi-engine.mjs).
// The .mjs sides name these types in JSDoc (`import('./messages.d.mts')`).
import type { MessagePort } from 'node:worker_threads';
import type { HostMemory } from './abi.d.mts';
import type { Manifest } from './manifest.ts';

// ---------------------------------------------------------------- pool.ts <-> worker.mjs

/** The pool's workerData. */
export interface PoolWorkerData {
  camosPool: true;
  /** The workers' nice value (Linux). */
  nice: number;
}

/** Sent once by each worker through parentPort (piscina forwards it as the pool's 'message' event). */
export interface WorkerAnnouncement {
  camosDriverWorker: number;
  /** The worker's shared state (worker-state.mjs). */
  state: SharedArrayBuffer;
  /** The context-read bridge's main-thread end. */
  bridge: MessagePort;
}

/** A driver's settings, sent with the first task of its key to each worker, which keeps them under the key. */
export interface DriverSettings {
  /** name@version, for messages. */
  name: string;
  /** The manifest's config as init receives it. */
  config?: Uint8Array;
  maxOutputBytes: number;
  /** Granted host functions (abi.mjs CAPABILITIES). */
  capabilities: string[];
  /** Namespace patterns the driver may read and write. */
  reads: string[];
  writes: string[];
  /** For a module that imports env.memory: the memory the worker creates for it. */
  importedMemory?: HostMemory;
}

/** A call, as a piscina task. `module` and `driver` come only with the first task of a key to a worker. */
export interface TaskMessage {
  /** The call's number in the pool: the worker stamps it in its shared state, the bridge's questions name it. */
  call: number;
  key: string;
  input: Uint8Array | undefined;
  /** When a context-read stops waiting (worker-state.mjs `now`). */
  deadline: number;
  module: WebAssembly.Module | undefined;
  driver: DriverSettings | undefined;
}

/** A task of no work, answered at once (null): the pool's nudge to start a worker. */
export interface WakeMessage {
  wake: true;
}

/** What a call did besides its output, applied by the main thread only when the call succeeds. */
export interface WorkerEffects {
  writes: { namespace: string; key: string; value: Uint8Array }[];
  logs: { level: 'trace' | 'debug' | 'info' | 'warn' | 'error'; message: string }[];
  metrics: { name: string; value: number }[];
}

export interface WorkerAnswer extends WorkerEffects {
  output?: Uint8Array;
  error?: { code: string; message: string };
  /** When the worker began the call (worker-state.mjs `now`). */
  startedAt: number;
  /** The worker retires after this call (it holds too much memory). */
  retired: boolean;
}

/** The worker dropped the key's module (least recently used): the pool sends the task again with it. */
export interface MissingAnswer {
  missing: true;
}

/** A context-read, worker to main thread over the bridge. */
export interface BridgeQuestion {
  namespace: string;
  key: string;
  /** The question's number in the worker: an answer to an earlier one (timed out) is skipped. */
  seq: number;
  call: number;
}

export type BridgeAnswer = { seq: number; value: Uint8Array | null } | { seq: number; error: string; code: 'NOT_FOUND' | 'INTERNAL' };

// ------------------------------------------- kinds/wasi-command.ts <-> kinds/wasi-engine.mjs

/** An engine's workerData: its program, as loaded. */
export interface WasiProgramSpec {
  /** The verified core module. */
  module: Uint8Array;
  args: string[];
  env: Record<string, string>;
  maxOutputBytes: number;
  /** Whether its stderr lines are kept as log lines (the 'log' capability). */
  log: boolean;
  /** Its directory: copied in for each call, and out after it when read-write. */
  fs?: NonNullable<Manifest['fs']> & { hostDir: string };
}

/** One call: the input on the program's stdin, `env` over its manifest's environment. */
export interface EngineCall {
  id: number;
  input: Uint8Array;
  env?: Record<string, string>;
}

/** An engine's answer; `retire`: its guest may still run, so the engine is terminated, not reused. */
export type EngineAnswer = Pick<WorkerAnswer, 'output' | 'error' | 'logs'> & { retire?: boolean };

export type EngineMessage = { type: 'ready' } | { type: 'failed'; message: string } | { type: 'answer'; id: number; answer: EngineAnswer };
