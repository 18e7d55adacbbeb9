// wasi-command drivers: a WASI preview 1 program run by @wasmer/sdk (its runtime runs
// guests on worker threads of its own). A call is one run of the program: the input on
// its stdin, its answer on its stdout, its stderr lines its log lines, a non-zero exit its
// error with the stderr tail. No network, no files of the host, an environment of the
// manifest's alone. A call past its time limit or over its output limit is killed.
import type { Package, Sandbox, Wasmer } from '@wasmer/sdk/node';
import type { PoolCall, WorkerAnswer } from '../pool.ts';
import { now } from '../worker-state.mjs';

export interface WasiProgramSpec {
  ref: string;
  /** The verified core module. */
  module: Uint8Array;
  args: string[];
  env: Record<string, string>;
  maxOutputBytes: number;
  /** Whether its stderr lines are kept as log lines (the 'log' capability). */
  log: boolean;
}

export interface WasiProgram {
  readonly spec: WasiProgramSpec;
  readonly pkg: Package;
  readonly sandbox: Sandbox;
}

/** The most of a program's stderr kept per call: its tail names the failure. */
const STDERR_TAIL_BYTES = 2048;
const MAX_LOG_LINES = 64;
const MAX_LOG_LINE_CHARS = 1024;

/** Runs WASI commands; the SDK starts (≈ 80 ms, once) with the first driver of this kind. */
export class WasiCommandRunner {
  private wasmer?: Promise<Wasmer>;

  private client(): Promise<Wasmer> {
    // No cache: a module comes from its verified bytes, never from a registry or the disk.
    this.wasmer ??= import('@wasmer/sdk/node').then(({ Wasmer }) => new Wasmer({ cache: false }));
    return this.wasmer;
  }

  /** Compiles the program into a sandbox of its own (no network, only the SDK's in-memory file system). */
  async prepare(spec: WasiProgramSpec): Promise<WasiProgram> {
    const wasmer = await this.client();
    const pkg = await wasmer.packages.load(spec.module);
    const sandbox = await wasmer.sandboxes.create({ packages: [pkg], network: { mode: 'disabled' }, env: {} });
    return { spec, pkg, sandbox };
  }

  run(program: WasiProgram, input: Uint8Array): PoolCall {
    return new WasiCall(program, input);
  }

  async release(program: WasiProgram): Promise<void> {
    await program.sandbox.close().catch(() => {});
  }

  async close(): Promise<void> {
    const wasmer = this.wasmer;
    this.wasmer = undefined;
    if (wasmer) await (await wasmer).close().catch(() => {});
  }
}

/** One run of a program, shaped as the pool's calls are so the runtime treats both alike. */
class WasiCall implements PoolCall {
  readonly queuedAt = now();
  readonly answer: Promise<WorkerAnswer>;
  private started = 0;
  private ended = 0;
  private kill?: () => Promise<void>;
  private stop!: (e: Error) => void;
  private cancelled = false;

  constructor(program: WasiProgram, input: Uint8Array) {
    const stopped = new Promise<never>((_, reject) => (this.stop = reject));
    this.answer = Promise.race([stopped, this.exec(program, input)]);
    this.answer.catch(() => {});
  }

  startedAt = () => this.started;
  endedAt = () => this.ended;

  cancel(): void {
    if (this.ended || this.cancelled) return;
    this.cancelled = true;
    this.stop(new Error('the call was stopped'));
    void this.kill?.().catch(() => {});
  }

  private async exec({ spec, pkg, sandbox }: WasiProgram, input: Uint8Array): Promise<WorkerAnswer> {
    this.started = now();
    const answer = (fields: Partial<WorkerAnswer>): WorkerAnswer => {
      this.ended = now();
      return { writes: [], logs: [], metrics: [], startedAt: this.started, retired: false, ...fields };
    };
    let proc;
    try {
      proc = await sandbox.command(pkg, spec.args, { env: spec.env }).spawn({ stdin: 'pipe', stdout: 'pipe', stderr: 'pipe' });
    } catch (e) {
      return answer({ error: { code: 'TRAP', message: firstLine(e) } });
    }
    this.kill = () => proc.kill();
    if (this.cancelled) void proc.kill().catch(() => {});
    // Stdin is written beside the reads: a program that does not read it must not stall them.
    void proc.stdin!.write(input).then(() => proc.stdin!.close()).catch(() => {});
    const stderr = readTail(proc.stderr!);
    const out: Uint8Array[] = [];
    let size = 0;
    let overflow = false;
    for await (const chunk of proc.stdout!) {
      size += chunk.length;
      if (size > spec.maxOutputBytes) {
        overflow = true;
        await proc.kill().catch(() => {});
        break;
      }
      out.push(chunk);
    }
    let exit;
    try {
      exit = await proc.wait();
    } catch (e) {
      return answer({ error: { code: 'TRAP', message: firstLine(e) }, logs: spec.log ? logLines(await stderr) : [] });
    }
    const err = await stderr;
    const logs = spec.log ? logLines(err) : [];
    if (overflow) return answer({ logs, error: { code: 'OUTPUT_TOO_LARGE', message: `wrote more than its ${spec.maxOutputBytes} bytes of output (limits.maxOutputBytes); it was stopped` } });
    if (exit.exitCode !== 0 || exit.reason !== 'exited') {
      const tail = new TextDecoder().decode(err).trim();
      const how = exit.reason === 'exited' ? `exited with status ${exit.exitCode}` : `was ${exit.reason} (status ${exit.exitCode})`;
      return answer({ logs, error: { code: 'DRIVER_ERROR', message: `${how}${tail ? `; stderr ends: ${tail}` : ' and wrote nothing on stderr'}` } });
    }
    return answer({ logs, output: concat(out, size) });
  }
}

/** The last STDERR_TAIL_BYTES of a stream, read to its end. */
async function readTail(stream: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  let tail: Uint8Array = new Uint8Array(0);
  for await (const chunk of stream) {
    const joined = concat([tail, chunk], tail.length + chunk.length);
    tail = joined.subarray(Math.max(0, joined.length - STDERR_TAIL_BYTES));
  }
  return tail;
}

function logLines(stderr: Uint8Array): WorkerAnswer['logs'] {
  const lines = new TextDecoder().decode(stderr).split('\n').filter((l) => l.trim());
  return lines.slice(-MAX_LOG_LINES).map((l) => ({ level: 'info' as const, message: l.slice(0, MAX_LOG_LINE_CHARS) }));
}

function concat(parts: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p.subarray(0, size - at), at);
    at += p.length;
  }
  return out;
}

/** An SDK error's first line (its message carries the engine's stack). */
const firstLine = (e: unknown) => String((e as Error)?.message ?? e).split('\n')[0].slice(0, 500);
