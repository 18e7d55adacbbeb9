// The worker pool drivers run on: piscina with a fixed number of threads. Each worker
// keeps the compiled modules it has been sent, by digest; a worker that lacks one answers
// "missing" and gets it on a second post, so a module crosses to each worker once.
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';

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

export class DriverPool {
  readonly size: number;
  private readonly piscina: Piscina;
  private running = 0;

  constructor(size: number) {
    this.size = size;
    this.piscina = new Piscina({
      filename: new URL('./worker.mjs', import.meta.url).href,
      minThreads: size,
      maxThreads: size,
      idleTimeout: 2 ** 31 - 1,
      concurrentTasksPerWorker: 1,
    });
  }

  idleWorkers(): number {
    return Math.max(0, this.size - this.running);
  }

  /** Resolves once every worker has started (a first call should not pay for thread start-up). */
  async warm(): Promise<void> {
    await Promise.all(Array.from({ length: this.size }, () => this.piscina.run({ warm: true })));
  }

  /**
   * Runs one call; `signal` aborts it, terminating (and replacing) its worker if it is
   * running. The worker writes into `started` when the call began ([0]) and ended ([1]).
   */
  async run(task: CallTask, signal: AbortSignal, started: Float64Array, reader: ContextReader | undefined, waitMs: number): Promise<WorkerAnswer> {
    this.running++;
    try {
      const first = await this.post(task, false, signal, started, reader, waitMs);
      if (!('missing' in first)) return first;
      started.fill(0); // the second post may queue again: the clock restarts when it runs
      return (await this.post(task, true, signal, started, reader, waitMs)) as WorkerAnswer;
    } finally {
      this.running--;
    }
  }

  private async post(task: CallTask, withModule: boolean, signal: AbortSignal, started: Float64Array, reader: ContextReader | undefined, waitMs: number): Promise<WorkerAnswer | { missing: true }> {
    const { module, ...rest } = task;
    const message: Record<string, unknown> = { ...rest, started, waitMs };
    if (withModule) message.module = module;
    let port: MessagePort | undefined;
    const transferList: MessagePort[] = [];
    if (reader) {
      const channel = new MessageChannel();
      const flag = new Int32Array(new SharedArrayBuffer(4));
      port = channel.port1;
      port.on('message', ({ namespace, key }: { namespace: string; key: string }) => {
        try {
          port!.postMessage({ value: reader(namespace, key) });
        } catch (e) {
          port!.postMessage({ error: (e as Error).message, code: (e as { code?: unknown }).code === 5 ? 'NOT_FOUND' : 'INTERNAL' });
        }
        Atomics.store(flag, 0, 1);
        Atomics.notify(flag, 0);
      });
      message.port = channel.port2;
      message.flag = flag;
      transferList.push(channel.port2);
    }
    try {
      return await this.piscina.run(message, { signal, transferList: transferList as never });
    } finally {
      port?.close();
    }
  }

  async close(): Promise<void> {
    await this.piscina.destroy();
  }
}
