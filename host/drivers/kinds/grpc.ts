// grpc drivers: a process of its own serving cam_os.Driver (proto/cam_os.proto), on a Unix
// socket in the data directory when the kernel starts it (a `command`), or at the loopback
// `address` of a process already running. The kernel checks the program's digest before
// each start, waits for its health, restarts it with backoff when it dies (calls meanwhile
// fail UNAVAILABLE naming it), and stops it, its process group with it, at unload and at
// shutdown. Its stdin is a pipe it never writes: when the kernel dies, even by SIGKILL, the
// pipe closes, and the SDK's serveDriver (sdk/client/driver.ts) exits on it.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import * as grpc from '@grpc/grpc-js';
import { failedPrecondition } from '../../base/errors.ts';
import { randomHex } from '../../base/ids.ts';
import type { DriverScope } from '../../contract/index.ts';
import type { Logger } from '../../telemetry/log.ts';
import { encode } from '../../wire/codec.ts';
import { MalformedMessage, decodeOrExplain } from '../../wire/strict.ts';
import { sha256Digest } from '../manifest.ts';
import type { PoolCall, WorkerAnswer } from '../pool.ts';
import { now } from '../worker-state.mjs';

/** How long a started process has to answer Health with serving, ms. */
const START_TIMEOUT_MS = 10_000;
/** Between health checks of a running driver, ms; this many failures in a row restart it. */
const HEALTH_EVERY_MS = 2_000;
const HEALTH_FAILURES = 3;
/** Restart backoff: doubling from the first to the most; reset once a process has lived RESET_AFTER_MS. */
const BACKOFF_FIRST_MS = 100;
const BACKOFF_MAX_MS = 10_000;
const RESET_AFTER_MS = 10_000;
/** A stopped process has this long after SIGTERM before its group is sent SIGKILL, ms. */
const STOP_GRACE_MS = 2_000;
const STDERR_TAIL = 10;
const DEFAULT_MAX_MESSAGE_BYTES = 4 * 2 ** 20;
const DEFAULT_MAX_CONCURRENT_CALLS = 16;

export interface GrpcDriverSpec {
  ref: string;
  name: string;
  version: string;
  digest: string;
  /** The program to start: `path` absolute, the file the digest is of. */
  command?: { path: string; args: string[]; env: Record<string, string> };
  address?: string;
  maxOutputBytes: number;
  maxMessageBytes?: number;
  maxConcurrentCalls?: number;
  /** Whether its stdout and stderr lines are kept as log lines (the 'log' capability). */
  log: boolean;
  /** What its token may read and write. */
  scope: DriverScope;
}

export interface GrpcRunnerOptions {
  /** Where started drivers' sockets go (made 0700). */
  socketDir: string;
  log: Logger;
  /** Issues the token a driver reaches the kernel back with (identity's scopedToken). */
  token(scope: DriverScope): { token: string; revoke(): void };
  /** host:port of the kernel's doors, '' while they are not open. */
  kernelAddress(): string;
  /** Records a driver's restarts and failures to start in the audit log. */
  event(syscall: string, ref: string, ok: boolean, message: string | undefined, evidence: Record<string, unknown>): void;
}

export interface GrpcCallMeta {
  caller?: string;
  taskId?: string;
  traceparent?: string;
}

type Answer = Pick<WorkerAnswer, 'output' | 'error'>;
const answerOf = (started: number, a: Answer): WorkerAnswer => ({ writes: [], metrics: [], logs: [], retired: false, startedAt: started, ...a });

const serializeRequest = (type: string) => (value: unknown) => Buffer.from(encode(type, value));
const deserialize = (type: string) => (buf: Buffer) => decodeOrExplain(type, buf);

/** One driver: its process (when started by the kernel), its channel, its turns. */
export class GrpcDriver {
  state: 'starting' | 'up' | 'down' | 'stopped' = 'starting';
  /** Why it is down, for the UNAVAILABLE message. */
  why = 'it has not started yet';
  client?: grpc.Client;
  child?: ChildProcess;
  readonly socket?: string;
  private readonly tail: string[] = [];
  private readonly access: { token: string; revoke(): void };
  private restarts = 0;
  /** Once it first served: from then on a process that exits is restarted. */
  private opened = false;
  private backoffMs = BACKOFF_FIRST_MS;
  private restartTimer?: NodeJS.Timeout;
  private healthTimer?: NodeJS.Timeout;
  private healthFailures = 0;
  private startedAt = 0;
  running = 0;
  readonly waiting: GrpcCall[] = [];
  readonly maxConcurrent: number;
  readonly maxMessageBytes: number;

  constructor(
    readonly spec: GrpcDriverSpec,
    private readonly opts: GrpcRunnerOptions,
  ) {
    this.maxConcurrent = spec.maxConcurrentCalls ?? DEFAULT_MAX_CONCURRENT_CALLS;
    this.maxMessageBytes = spec.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    if (spec.command) this.socket = join(opts.socketDir, `${randomHex(8)}.sock`);
    this.access = opts.token(spec.scope);
  }

  get target(): string {
    return this.socket ? `unix:${this.socket}` : this.spec.address!;
  }

  /** Starts (or reaches) the driver and waits for it to serve; throws FAILED_PRECONDITION saying why not. */
  async open(): Promise<void> {
    this.client = new grpc.Client(this.target, grpc.credentials.createInsecure(), {
      'grpc.max_send_message_length': this.maxMessageBytes,
      'grpc.max_receive_message_length': this.maxMessageBytes,
      'grpc.enable_retries': 0,
      // A restarted process is reached at once, not after grpc-js's reconnect backoff.
      'grpc.initial_reconnect_backoff_ms': 50,
      'grpc.max_reconnect_backoff_ms': 200,
    });
    try {
      if (this.spec.command) {
        checkProgram(this.spec.command.path, this.spec.digest);
        await this.spawn();
      }
      await this.serving();
      await this.describe();
    } catch (e) {
      await this.stop();
      throw failedPrecondition(`driver '${this.spec.ref}' refused: ${(e as Error).message}${this.stderr()}`, { driver: this.spec.ref });
    }
    this.opened = true;
    this.up();
  }

  /** Its program's digest, then the process, in a process group of its own. */
  private async spawn(): Promise<void> {
    const { path, args, env } = this.spec.command!;
    rmSync(this.socket!, { force: true });
    const child = spawn(path, args, {
      cwd: dirname(path),
      env: { ...env, PATH: process.env.PATH ?? '/usr/bin:/bin', CAMOS_DRIVER_SOCKET: this.socket! },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    this.child = child;
    this.startedAt = Date.now();
    for (const stream of [child.stdout!, child.stderr!]) createInterface({ input: stream }).on('line', (line) => this.line(line));
    child.stdin!.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (e) => reject(new Error(`its program ${path} could not be started: ${e.message}`)));
    });
    child.once('exit', (code, signal) => this.exited(child, code, signal));
  }

  private line(line: string): void {
    this.tail.push(line.slice(0, 1000));
    if (this.tail.length > STDERR_TAIL) this.tail.shift();
    if (this.spec.log) this.opts.log.info({ driver: this.spec.ref }, line.slice(0, 8192));
  }

  private stderr(): string {
    return this.tail.length ? `; its last output: ${this.tail.join(' | ')}` : '';
  }

  /** Health answers serving within START_TIMEOUT_MS, or the process exits first. */
  private async serving(): Promise<void> {
    const until = Date.now() + START_TIMEOUT_MS;
    const child = this.child;
    let last = 'no answer';
    for (;;) {
      if (child && child.exitCode !== null) throw new Error(`its process exited with code ${child.exitCode} before it served cam_os.Driver`);
      if (child?.signalCode) throw new Error(`its process was killed by ${child.signalCode} before it served cam_os.Driver`);
      try {
        const h = (await this.unary('Health', 'DriverHealthRequest', 'DriverHealthResponse', {}, Math.min(1000, Math.max(1, until - Date.now())))) as { serving: boolean; message: string };
        if (h.serving) return;
        last = `it answers not serving${h.message ? `: ${h.message}` : ''}`;
      } catch (e) {
        last = (e as Error).message;
      }
      if (Date.now() >= until) throw new Error(`it did not serve cam_os.Driver on ${this.target} within ${START_TIMEOUT_MS} ms (${last})`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private async describe(): Promise<void> {
    const d = (await this.unary('Describe', 'DriverDescribeRequest', 'DriverDescribeResponse', {}, 2000)) as { name: string; version: string };
    if (d.name !== this.spec.name || d.version !== this.spec.version) {
      throw new Error(`it describes itself as '${d.name}@${d.version}', not as its manifest's '${this.spec.ref}'`);
    }
  }

  private up(): void {
    this.state = 'up';
    this.why = '';
    this.healthFailures = 0;
    clearInterval(this.healthTimer);
    this.healthTimer = setInterval(() => void this.check(), HEALTH_EVERY_MS).unref();
  }

  /** A running driver that stops answering Health is restarted (a process) or marked down (an address). */
  private async check(): Promise<void> {
    if (this.state !== 'up' && !(this.state === 'down' && !this.spec.command)) return;
    try {
      const h = (await this.unary('Health', 'DriverHealthRequest', 'DriverHealthResponse', {}, 1000)) as { serving: boolean; message: string };
      if (!h.serving) throw new Error(`it answers not serving${h.message ? `: ${h.message}` : ''}`);
      this.healthFailures = 0;
      if (this.state === 'down') this.up();
    } catch (e) {
      if (++this.healthFailures < HEALTH_FAILURES) return;
      this.why = `it failed ${this.healthFailures} health checks in a row (${(e as Error).message})`;
      this.opts.log.warn({ driver: this.spec.ref }, `driver ${this.spec.ref}: ${this.why}`);
      if (this.spec.command) this.kill('SIGKILL');
      else this.state = 'down';
    }
  }

  private exited(child: ChildProcess | undefined, code: number | null, signal: NodeJS.Signals | null, failed?: string): void {
    if (child !== this.child) return;
    this.child = undefined;
    // Before it first served, its load fails (open); after, it is restarted.
    if (this.state === 'stopped' || !this.opened) return;
    const how = failed ? `could not start (${failed})` : signal ? `was killed by ${signal}` : `exited with code ${code}`;
    if (Date.now() - this.startedAt > RESET_AFTER_MS) this.backoffMs = BACKOFF_FIRST_MS;
    const delay = this.backoffMs;
    this.backoffMs = Math.min(delay * 2, BACKOFF_MAX_MS);
    this.state = 'down';
    this.why = `its process ${how}${this.stderr()}; it is restarted in ${delay} ms (restart ${this.restarts + 1})`;
    this.opts.log.warn({ driver: this.spec.ref, code, signal, delay }, `driver ${this.spec.ref}: ${this.why}`);
    this.opts.event('driver.exited', this.spec.ref, false, `driver '${this.spec.ref}': ${this.why}`, { code, signal, restartInMs: delay });
    clearInterval(this.healthTimer);
    for (const call of this.waiting.splice(0)) call.settle(this.unavailable());
    this.restartTimer = setTimeout(() => void this.restart(), delay);
  }

  private async restart(): Promise<void> {
    if (this.state === 'stopped') return;
    this.restarts++;
    this.state = 'starting';
    try {
      checkProgram(this.spec.command!.path, this.spec.digest);
    } catch (e) {
      // A program that changed since it was verified is not run again.
      this.state = 'down';
      this.why = `${(e as Error).message}; it is not restarted (load it again)`;
      this.opts.log.warn({ driver: this.spec.ref }, `driver ${this.spec.ref}: ${this.why}`);
      this.opts.event('driver.refused', this.spec.ref, false, `driver '${this.spec.ref}' not restarted: ${(e as Error).message}`, { restarts: this.restarts });
      return;
    }
    try {
      await this.spawn();
      await this.serving();
      await this.describe();
      const state = this.state as GrpcDriver['state']; // stop() may have run meanwhile
      if (state !== 'starting') return;
      this.up();
      this.opts.event('driver.restarted', this.spec.ref, true, undefined, { restarts: this.restarts });
    } catch (e) {
      const state = this.state as GrpcDriver['state'];
      if (state === 'stopped') return;
      this.opts.log.warn({ driver: this.spec.ref }, `driver '${this.spec.ref}' did not restart: ${(e as Error).message}`);
      // Its exit schedules the next try (exited); a process that never started schedules it here.
      if (this.child) this.kill('SIGKILL');
      else if (state === 'starting') this.exited(undefined, null, null, (e as Error).message);
    }
  }

  unavailable(): Answer {
    const state = this.state === 'starting' ? `is starting (${this.why || `restart ${this.restarts}`})` : `is not serving: ${this.why}`;
    return { error: { code: 'UNAVAILABLE', message: `${state}; its calls fail until it serves again` } };
  }

  /** A call's turn: one of maxConcurrent, else it waits (within its deadline). */
  admit(call: GrpcCall): void {
    if (this.state !== 'up') return call.settle(this.unavailable());
    if (this.running < this.maxConcurrent) this.send(call);
    else this.waiting.push(call);
  }

  next(): void {
    this.running--;
    const call = this.waiting.shift();
    if (call) this.send(call);
  }

  private send(call: GrpcCall): void {
    this.running++;
    call.started = now();
    const metadata = new grpc.Metadata();
    if (call.meta.traceparent) metadata.set('traceparent', call.meta.traceparent);
    const request = { input: call.input, caller: call.meta.caller ?? '', taskId: call.meta.taskId ?? '', kernelAddress: this.opts.kernelAddress(), token: this.access.token };
    call.grpcCall = this.client!.makeUnaryRequest(
      '/cam_os.Driver/Handle',
      serializeRequest('DriverHandleRequest'),
      deserialize('DriverHandleResponse'),
      request,
      metadata,
      { deadline: new Date(Date.now() + Math.max(1, call.deadline - now())) },
      (err, res) => call.settle(err ? this.failure(err) : this.answer(res as unknown)),
    );
  }

  private answer(res: unknown): Answer {
    if (res instanceof MalformedMessage) return { error: { code: 'PROTOCOL', message: `its answer is not a cam_os.DriverHandleResponse (${res.message})` } };
    const { output, error } = res as { output: Buffer; error: string };
    if (error) return { error: { code: 'DRIVER_ERROR', message: error.slice(0, 4096) } };
    if (output.length > this.spec.maxOutputBytes) return { error: { code: 'OUTPUT_TOO_LARGE', message: `its answer holds ${output.length} bytes, over its limit of ${this.spec.maxOutputBytes} (limits.maxOutputBytes)` } };
    return { output };
  }

  /** A status of the call itself, not the driver's own error (that is the answer's `error`). */
  private failure(err: grpc.ServiceError): Answer {
    const status = grpc.status[err.code] ?? String(err.code);
    switch (err.code) {
      case grpc.status.UNAVAILABLE:
        return { error: { code: 'UNAVAILABLE', message: `lost its connection during the call (${err.details})${this.child ? '' : this.stderr()}` } };
      case grpc.status.CANCELLED:
        // Not the kernel's cancel (that rejects the call before its status arrives): the driver's side reset it.
        return { error: { code: 'UNAVAILABLE', message: `ended the call from its side (status CANCELLED: ${err.details}): its connection closed, or it reset the call` } };
      case grpc.status.DEADLINE_EXCEEDED:
        return { error: { code: 'DEADLINE_EXCEEDED', message: `it did not answer within the call's deadline (${err.details})` } };
      case grpc.status.RESOURCE_EXHAUSTED:
        return { error: { code: 'OUTPUT_TOO_LARGE', message: `a message was over its limit of ${this.maxMessageBytes} bytes (limits.maxMessageBytes): ${err.details}` } };
      default:
        return { error: { code: 'PROTOCOL', message: `its Handle ended with status ${status}: ${err.details}` } };
    }
  }

  private unary(method: string, reqType: string, resType: string, value: unknown, timeoutMs: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.client!.makeUnaryRequest(`/cam_os.Driver/${method}`, serializeRequest(reqType), deserialize(resType), value, new grpc.Metadata(), { deadline: new Date(Date.now() + timeoutMs) }, (err, res) => {
        if (err) return reject(new Error(`${method}: ${grpc.status[err.code]}: ${err.details}`));
        if (res instanceof MalformedMessage) return reject(new Error(`${method} answered what is not a cam_os.${resType} (${res.message})`));
        resolve(res);
      });
    });
  }

  private kill(signal: NodeJS.Signals): void {
    const pid = this.child?.pid;
    if (!pid) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // the group is gone already
    }
  }

  /** Stops it: its token revoked, its process group sent SIGTERM, then SIGKILL after STOP_GRACE_MS. */
  async stop(): Promise<void> {
    this.state = 'stopped';
    this.why = 'it was unloaded';
    clearTimeout(this.restartTimer);
    clearInterval(this.healthTimer);
    this.access.revoke();
    for (const call of this.waiting.splice(0)) call.settle(this.unavailable());
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin?.end();
      this.kill('SIGTERM');
      const timer = setTimeout(() => this.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    }
    this.client?.close();
    if (this.socket) rmSync(this.socket, { force: true });
  }
}

/** The program file is a regular, executable file with the manifest's digest. */
export function checkProgram(path: string, digest: string): void {
  let bytes: Buffer;
  try {
    if (!statSync(path).isFile()) throw new Error('not a regular file');
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`its program ${path} cannot be read (${(e as Error).message})`);
  }
  const actual = sha256Digest(bytes);
  if (actual !== digest) throw new Error(`its program ${path} has digest ${actual}, not its manifest's ${digest}`);
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(`its program ${path} is not executable (chmod +x it; a script starts with its #! line)`);
  }
}

/** One call to a grpc driver: its turn, its RPC, its answer. */
export class GrpcCall implements PoolCall {
  readonly queuedAt = now();
  readonly answer: Promise<WorkerAnswer>;
  started = 0;
  private ended = 0;
  grpcCall?: grpc.ClientUnaryCall;
  private resolve!: (a: WorkerAnswer) => void;
  private reject!: (e: Error) => void;

  constructor(
    private readonly driver: GrpcDriver,
    readonly input: Uint8Array,
    readonly deadline: number,
    readonly meta: GrpcCallMeta,
  ) {
    this.answer = new Promise((resolve, reject) => ((this.resolve = resolve), (this.reject = reject)));
    this.answer.catch(() => {});
  }

  startedAt = () => this.started;
  endedAt = () => this.ended;

  settle(a: Answer): void {
    if (this.ended) return;
    this.ended = now();
    if (this.started) this.driver.next();
    this.resolve(answerOf(this.started || this.ended, a));
  }

  /** Cancelled or past its time: the RPC is cancelled (the driver sees it), or the call leaves the queue. */
  cancel(): void {
    if (this.ended) return;
    this.ended = now();
    if (this.started) {
      this.grpcCall?.cancel();
      this.driver.next();
    } else {
      const i = this.driver.waiting.indexOf(this);
      if (i >= 0) this.driver.waiting.splice(i, 1);
    }
    this.reject(new Error('the call was stopped'));
  }
}

/** The runtime's face of the kind: start, call, stop. */
export class GrpcRunner {
  private readonly drivers = new Set<GrpcDriver>();

  constructor(private readonly opts: GrpcRunnerOptions) {}

  async start(spec: GrpcDriverSpec): Promise<GrpcDriver> {
    const d = new GrpcDriver(spec, this.opts);
    this.drivers.add(d);
    try {
      await d.open();
    } catch (e) {
      this.drivers.delete(d);
      throw e;
    }
    return d;
  }

  run(d: GrpcDriver, input: Uint8Array, deadline: number, meta: GrpcCallMeta): PoolCall {
    const call = new GrpcCall(d, input, deadline, meta);
    if (input.length > d.maxMessageBytes - 1024) {
      call.settle({ error: { code: 'OUTPUT_TOO_LARGE', message: `the call's input of ${input.length} bytes is over what its messages may hold (limits.maxMessageBytes ${d.maxMessageBytes}, less 1 KiB for the rest of the request)` } });
    } else d.admit(call);
    return call;
  }

  async stop(d: GrpcDriver): Promise<void> {
    this.drivers.delete(d);
    await d.stop();
  }

  /** Processes the kernel runs, and how many serve. */
  counts(): { processes: number; serving: number } {
    let processes = 0;
    let serving = 0;
    for (const d of this.drivers) {
      if (d.child) processes++;
      if (d.state === 'up') serving++;
    }
    return { processes, serving };
  }

  async close(): Promise<void> {
    await Promise.all([...this.drivers].map((d) => this.stop(d)));
  }
}
