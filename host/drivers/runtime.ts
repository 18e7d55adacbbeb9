// The driver runtime: loaded drivers by name and version, and calls dispatched to the
// worker pool. A call resolves its driver once, when it starts, and holds it to the end:
// loading a newer version sends new calls there while running calls finish on the old
// one, and unloading waits for the calls in flight.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Gauge, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';
import type { ContextStore, Staging } from '../context/index.ts';
import type { Logger } from '../telemetry/log.ts';
import { SyscallError, aborted, cancelled, deadlineExceeded, failedPrecondition, internal, invalidArgument, notFound, permissionDenied, resourceExhausted, unavailable, type Code } from '../base/errors.ts';
import { nextRequestId, randomHex, timeOrderedHex } from '../base/ids.ts';
import type { AuditEntry, AuditSink, DriverScope } from '../contract/index.ts';
import { loadDriver, type LoadOptions, type LoadOutcome, type LoadSource } from './loader.ts';
import { checkComponentModule } from './abi.mjs';
import { CallStats } from './call-stats.ts';
import { GrpcRunner, type GrpcDriver } from './kinds/grpc.ts';
import { WasiCommandRunner, type WasiProgram } from './kinds/wasi-command.ts';
import type { DriverKind, Manifest } from './manifest.ts';
import { DriverPool, type ContextReader, type PoolCall, type WorkerAnswer } from './pool.ts';
import { now } from './worker-state.mjs';
import type { TrustStore } from './trust.ts';
import type { DriverInfo, VerifiedDriver } from './types.ts';
import { inspectCoreModule } from './wasm.ts';

export type { DriverInfo, DriverLimits, VerifiedDriver } from './types.ts';

/**
 * What invoke needs of a cancellation signal: an AbortSignal fits, and so does the
 * scheduler's lighter TaskSignal (an AbortController per task is an EventTarget per task).
 */
export interface CancelSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: EventListenerObject, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: EventListenerObject): void;
}

export interface InvokeOptions {
  staging?: Staging;
  timeoutMs?: number;
  signal?: CancelSignal;
  caller?: string;
  taskId?: string;
  /** Variables a wasi-command call sets: only those its manifest's callEnv names. */
  env?: Record<string, string>;
  /** The caller's W3C trace context, handed to a grpc driver as its call's "traceparent". */
  traceparent?: string;
}

export interface InvokeResult {
  output: Uint8Array;
  driver: string;
  durationMs: number;
  /** Of durationMs, the time the call waited for a worker (its driver's turn, then a free thread). */
  queuedMs: number;
}

interface LoadedDriver extends Omit<VerifiedDriver, 'core' | 'compiled'> {
  ref: string;
  /**
   * What the pool's workers keep its module and settings under: one per install, since the
   * same module may be loaded as two drivers (or again with another manifest) whose
   * settings (limits, capabilities, namespaces, config) differ.
   */
  key: string;
  /** A component's compiled core module, run on the pool; or a WASI command's program, run by the runner. */
  module?: WebAssembly.Module;
  program?: WasiProgram;
  /** A grpc driver's process (or the one it reaches), run by the grpc runner. */
  service?: GrpcDriver;
  importedMemory?: { initial: number; maximum: number };
  loadedAt: number;
  calls: number;
  stats: CallStats;
  inflight: number;
  /** camos_driver_queue_wait_seconds for this driver (its labelled child, found once). */
  queueWait: { observe(seconds: number): void };
  /** Set by unload: resolves when the last call in flight ends. */
  drained?: () => void;
  /** No longer callable (unloaded, replaced, withdrawn): its program is released once its calls end. */
  gone?: boolean;
}

/** A load or unload to share with other kernels. */
export type SharedChange = { kind: 'loaded'; driver: DriverInfo; manifest: string; module: Uint8Array } | { kind: 'unloaded'; drivers: DriverInfo[] };

export interface RuntimeOptions {
  /** Most worker threads (they start on demand). */
  maxThreads: number;
  /** A worker without a call for this long stops, ms. */
  idleTimeoutMs: number;
  /** Calls of one driver in the pool at once (see DriverPool). */
  maxConcurrentCallsPerDriver: number;
  /** The workers' nice value (see DriverPool). */
  workerNice?: number;
  defaultTimeoutMs: number;
  /** The most time a manifest may ask for a call (limits.timeoutMs), ms. */
  maxTimeoutMs: number;
  /** The most memory a manifest may ask for (limits.maxMemoryPages), 64 KiB pages. */
  maxMemoryPages: number;
  /** Health is degraded while the workers hold more than this, bytes. */
  memoryWarningBytes: number;
  /** Publisher keys manifests are verified against. */
  trust: TrustStore;
  /** The only directory a load by manifest path may read from (the watched drivers dir). */
  driversDir: string;
  /** The kernel's data directory: wasi-command drivers' fs grants live in it (driver-files/). */
  dataDir: string;
  log: Logger;
  /** Where the runtime's metrics are registered (the kernel's /metrics). */
  registry: Registry;
  /** Drivers' context-read and context-write go here (or to the calling task's staging). */
  context: ContextStore;
  /** Where load, unload, timeout and trap events are recorded: the kernel's sink of the moment. */
  audit: () => AuditSink;
  /** Issues a grpc driver's token, good for its manifest's namespaces only (identity's scopedToken). */
  driverToken(scope: DriverScope): { token: string; revoke(): void };
}

/** Orders versions: numeric dot-separated parts compare as numbers, a pre-release sorts first. */
export function compareVersions(a: string, b: string): number {
  const [ma, pa = ''] = a.split('-', 2);
  const [mb, pb = ''] = b.split('-', 2);
  const xa = ma.split('.').map(Number);
  const xb = mb.split('.').map(Number);
  for (let i = 0; i < Math.max(xa.length, xb.length); i++) {
    const d = (xa[i] ?? 0) - (xb[i] ?? 0);
    if (d) return d;
  }
  if (pa === pb) return 0;
  if (!pa) return 1;
  if (!pb) return -1;
  return pa < pb ? -1 : 1;
}

export function parseRef(ref: string): { name: string; version?: string } {
  const at = ref.indexOf('@');
  return at < 0 ? { name: ref } : { name: ref.slice(0, at), version: ref.slice(at + 1) || undefined };
}

/**
 * One driver call's time limit and cancellation. Its methods are the timer's callback and
 * the caller's abort listener (an EventTarget listener object), so a call makes no
 * closures: fewer allocations per call keep garbage collection pauses short.
 */
class Invocation {
  call?: PoolCall;
  stopped?: 'timeout' | 'cancelled';
  /** Whether a worker had begun the call when its time ran out. */
  ran = false;
  readonly deadline: number;
  timer: NodeJS.Timeout;

  constructor(readonly timeoutMs: number) {
    this.deadline = now() + timeoutMs;
    this.timer = setTimeout(expire, timeoutMs, this);
  }

  stop(why: 'timeout' | 'cancelled'): void {
    this.stopped ??= why;
    this.call?.cancel();
  }

  /** The caller's signal aborted. */
  handleEvent(): void {
    this.stop('cancelled');
  }
}

// The limit counts from the call's start, waiting for a worker included; not the wait of
// its answer for a busy main thread (the worker stamps when it ended: an answer on its way
// is taken).
function expire(run: Invocation): void {
  if (run.call?.endedAt()) return;
  run.ran = (run.call?.startedAt() ?? 0) > 0;
  run.stop('timeout');
}

export class DriverRuntime {
  private readonly log: Logger;
  private readonly dataDir: string;
  private readonly context: ContextStore;
  private readonly audit: () => AuditSink;
  private readonly pool: DriverPool;
  private readonly wasi: WasiCommandRunner;
  private readonly grpc: GrpcRunner;
  /** host:port where a grpc driver reaches the kernel back (set by the doors once they listen). */
  kernelAddress = '';
  private readonly defaultTimeoutMs: number;
  private readonly maxTimeoutMs: number;
  private readonly maxMemoryPages: number;
  private readonly memoryWarningBytes: number;
  readonly trust: TrustStore;
  readonly driversDir: string;
  /** The hot-loading watcher of the drivers directory, when watching (watch.ts; tests wait on it). */
  watcher?: { readonly dir: string; settled(): Promise<void> };
  private readonly drivers = new Map<string, Map<string, LoadedDriver>>();
  /** name@version of drivers withdrawn (their publisher key lost trust) -> why, until loaded again. */
  private readonly withdrawn = new Map<string, string>();
  /** Installs so far: each gets its own pool key (LoadedDriver.key). */
  private installs = 0;
  private closing = false;
  private readonly metric: Gauge<'driver' | 'name'>;
  private readonly queueWait: Histogram<'driver'>;

  constructor(opts: RuntimeOptions) {
    this.log = opts.log;
    this.dataDir = opts.dataDir;
    this.context = opts.context;
    this.audit = opts.audit;
    this.pool = new DriverPool({
      maxThreads: opts.maxThreads,
      idleTimeoutMs: opts.idleTimeoutMs,
      maxCallsPerKey: opts.maxConcurrentCallsPerDriver,
      nice: opts.workerNice,
      log: opts.log,
    });
    this.wasi = new WasiCommandRunner({ maxEnginesPerDriver: opts.maxConcurrentCallsPerDriver });
    this.grpc = new GrpcRunner({
      socketDir: privateDir(opts.dataDir, 'driver-sockets'),
      log: opts.log,
      token: opts.driverToken,
      kernelAddress: () => this.kernelAddress,
      event: (syscall, ref, ok, message, evidence) => this.event(syscall, ref, ok ? 'ok' : 'unavailable', message, evidence),
    });
    this.defaultTimeoutMs = opts.defaultTimeoutMs;
    this.maxTimeoutMs = opts.maxTimeoutMs;
    this.maxMemoryPages = opts.maxMemoryPages;
    this.memoryWarningBytes = opts.memoryWarningBytes;
    this.trust = opts.trust;
    this.driversDir = opts.driversDir;
    this.metric = driverGauge(opts.registry);
    this.queueWait = new Histogram({
      name: 'camos_driver_queue_wait_seconds',
      help: 'Time a driver call waited for a worker (its driver\'s turn, then a free thread), counted in its time limit',
      labelNames: ['driver'],
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25, 1, 5, 30],
      registers: [opts.registry],
    });
  }

  /** Calls the pool runs at once: one per thread (the scheduler keeps this many tasks running). */
  get capacity(): number {
    return this.pool.maxThreads;
  }

  has(ref: string): boolean {
    return this.find(ref) !== undefined;
  }

  /** The host functions the driver a ref names is granted (for arbitration); undefined if not loaded. */
  capabilities(ref: string): string[] | undefined {
    return this.find(ref)?.capabilities;
  }

  list(): DriverInfo[] {
    const out: DriverInfo[] = [];
    for (const versions of this.drivers.values()) for (const d of versions.values()) out.push(info(d));
    return out.sort((a, b) => a.name.localeCompare(b.name) || compareVersions(a.version, b.version));
  }

  /** The newest loaded version of a name, or the exact version a `name@version` ref names. */
  private find(ref: string): LoadedDriver | undefined {
    const { name, version } = parseRef(ref);
    const versions = this.drivers.get(name);
    if (!versions) return undefined;
    if (version) return versions.get(version);
    let newest: LoadedDriver | undefined;
    for (const d of versions.values()) if (!newest || compareVersions(d.version, newest.version) > 0) newest = d;
    return newest;
  }

  private resolve(ref: string): LoadedDriver {
    const d = this.find(ref);
    if (d) return d;
    const { name, version } = parseRef(ref);
    for (const [w, why] of this.withdrawn) {
      if (version ? w === ref : parseRef(w).name === name) throw permissionDenied(why, { driver: w });
    }
    const versions = this.drivers.get(name);
    if (versions) throw notFound(`driver '${ref}' is not loaded; loaded versions of '${name}': ${[...versions.keys()].join(', ')}`, { driver: ref });
    throw notFound(`driver '${ref}' is not loaded; \`camos driver list\` shows the loaded drivers`, { driver: ref });
  }

  /** Verifies a manifest and its component, then installs the driver (loader.ts). */
  async load(source: LoadSource, opts?: LoadOptions): Promise<LoadOutcome> {
    const outcome = await loadDriver(this, this.trust, source, opts);
    if (opts?.share) for (const l of this.sharers) l({ kind: 'loaded', driver: outcome.driver, manifest: outcome.manifest, module: outcome.module });
    return outcome;
  }

  private readonly sharers = new Set<(c: SharedChange) => void>();

  /** Hears of loads and unloads made with `share` (a federated kernel publishes them). */
  onShare(listener: (c: SharedChange) => void): () => void {
    this.sharers.add(listener);
    return () => this.sharers.delete(listener);
  }

  /**
   * Compiles a verified driver and makes it callable. The same name@version replaces the
   * loaded one (calls in flight finish on the old module); another version sits beside it.
   */
  async install(v: VerifiedDriver): Promise<DriverInfo> {
    const ref = `${v.name}@${v.version}`;
    // The kernel's caps on what a signed manifest may ask (a manifest allows up to 600 s and 4 GiB).
    if (v.limits.timeoutMs > this.maxTimeoutMs) {
      throw failedPrecondition(`driver '${ref}' asks for a time limit of ${v.limits.timeoutMs} ms (limits.timeoutMs), over this kernel's cap of ${this.maxTimeoutMs} ms (drivers.maxTimeoutMs)`, { driver: ref, timeoutMs: v.limits.timeoutMs, maxTimeoutMs: this.maxTimeoutMs });
    }
    if (v.limits.memoryPages > this.maxMemoryPages) {
      throw failedPrecondition(`driver '${ref}' asks for ${v.limits.memoryPages} memory pages (limits.maxMemoryPages, ${v.limits.memoryPages * 64} KiB), over this kernel's cap of ${this.maxMemoryPages} pages (drivers.maxMemoryPages)`, { driver: ref, memoryPages: v.limits.memoryPages, maxMemoryPages: this.maxMemoryPages });
    }
    // The kind's one choice at load: a WASI command's program, a grpc driver's process, a component's module.
    const runs: Runs = v.kind === 'wasi-command' ? await this.prepareProgram(ref, v) : v.kind === 'grpc' ? await this.startService(ref, v) : await compileComponent(ref, v);
    // The key may have lost trust while the module compiled.
    const key = this.trust.get(v.publisher);
    if (!key || key.revoked) {
      await this.release(runs);
      throw failedPrecondition(`driver '${ref}' refused: its publisher key ${v.publisher} ${key ? 'was revoked' : 'left the trust store'} while it loaded`);
    }
    const { core: _core, compiled: _compiled, ...rest } = v;
    const loaded: LoadedDriver = { ...rest, ...runs, ref, key: `${ref}#${++this.installs}`, loadedAt: Date.now(), calls: 0, stats: new CallStats(), inflight: 0, queueWait: this.queueWait.labels(ref) };
    let versions = this.drivers.get(v.name);
    if (!versions) this.drivers.set(v.name, (versions = new Map()));
    const replaced = versions.get(v.version);
    versions.set(v.version, loaded);
    if (replaced) this.retire(replaced);
    this.withdrawn.delete(ref);
    this.log.info({ driver: ref, digest: v.digest, origin: v.origin }, `driver ${ref} loaded`);
    return info(loaded);
  }

  /** A WASI command, validated by V8's compile (the loader started it); its engines start with its calls. */
  private async prepareProgram(ref: string, v: VerifiedDriver): Promise<Runs> {
    try {
      await (v.compiled ?? WebAssembly.compile(v.core as BufferSource));
    } catch (e) {
      throw failedPrecondition(`driver '${ref}' is not a valid WebAssembly module: ${(e as Error).message}`);
    }
    const fs = v.fs && { ...v.fs, hostDir: driverFilesDir(this.dataDir, v.name) };
    return { program: this.wasi.prepare({ module: v.core, args: v.args ?? [], env: v.env ?? {}, maxOutputBytes: v.limits.maxOutputBytes, log: v.capabilities.includes('log'), fs }) };
  }

  /** A grpc driver's process, started (or reached), healthy and describing itself as its manifest says. */
  private async startService(ref: string, v: VerifiedDriver): Promise<Runs> {
    const service = await this.grpc.start({
      ref,
      name: v.name,
      version: v.version,
      digest: v.digest,
      command: v.command,
      address: v.address,
      maxOutputBytes: v.limits.maxOutputBytes,
      maxMessageBytes: v.limits.maxMessageBytes,
      maxConcurrentCalls: v.limits.maxConcurrentCalls,
      log: v.capabilities.includes('log'),
      scope: { driver: ref, read: v.capabilities.includes('context-read') ? v.reads : [], write: v.capabilities.includes('context-write') ? v.writes : [] },
    });
    return { service };
  }

  /** What a driver runs on, let go: a WASI command's sandbox, a grpc driver's process and token. */
  private release(runs: Runs): Promise<void> {
    if (runs.program) return this.wasi.release(runs.program);
    if (runs.service) return this.grpc.stop(runs.service);
    return Promise.resolve();
  }

  /** A driver no longer callable: what it runs on is let go when its last call ends. */
  private retire(d: LoadedDriver): void {
    d.gone = true;
    if (d.inflight === 0) void this.release(d);
  }

  /** Unloads one version, or every version of a name; resolves when their calls in flight have finished. */
  async unload(name: string, version?: string, opts: { share?: boolean } = {}): Promise<DriverInfo[]> {
    const versions = this.drivers.get(name);
    const targets = versions ? (version ? [versions.get(version)].filter((d) => d !== undefined) : [...versions.values()]) : [];
    if (!targets.length) throw notFound(`driver '${version ? `${name}@${version}` : name}' is not loaded`, { driver: name });
    for (const d of targets) versions!.delete(d.version);
    if (versions!.size === 0) this.drivers.delete(name);
    await Promise.all(
      targets.map((d) => (d.inflight === 0 ? undefined : new Promise<void>((resolve) => (d.drained = resolve)))),
    );
    // A grpc driver's process has stopped when unload answers.
    await Promise.all(targets.map((d) => ((d.gone = true), this.release(d))));
    for (const d of targets) this.log.info({ driver: d.ref }, `driver ${d.ref} unloaded`);
    for (const d of targets) this.event('driver.unloaded', d, 'ok', undefined, { version: d.version, remaining: [...(this.drivers.get(name)?.keys() ?? [])] });
    if (opts.share) for (const l of this.sharers) l({ kind: 'unloaded', drivers: targets.map(info) });
    return targets.map(info);
  }

  /**
   * Unloads a driver at once, without waiting for its calls in flight (they finish), and
   * answers later calls of it with PERMISSION_DENIED and `why` until it is loaded again.
   */
  withdraw(ref: string, why: string): DriverInfo | undefined {
    const { name, version } = parseRef(ref);
    const versions = this.drivers.get(name);
    const d = version ? versions?.get(version) : undefined;
    if (!d) return undefined;
    versions!.delete(d.version);
    if (versions!.size === 0) this.drivers.delete(name);
    this.withdrawn.set(d.ref, why);
    this.retire(d);
    this.log.warn({ driver: d.ref, publisher: d.publisher }, why);
    return info(d);
  }

  async invoke(ref: string, input: Uint8Array, opts: InvokeOptions = {}): Promise<InvokeResult> {
    if (this.closing) throw unavailable(`driver '${ref}' cannot run: the driver runtime is shutting down`);
    const d = this.resolve(ref);
    const env = opts.env && Object.keys(opts.env).length ? callEnv(d, opts.env) : undefined;
    const limit = d.limits.timeoutMs || this.defaultTimeoutMs;
    const timeoutMs = opts.timeoutMs && opts.timeoutMs > 0 ? Math.min(opts.timeoutMs, limit) : limit;
    d.inflight++;
    d.calls++;
    const reader = d.capabilities.includes('context-read') ? this.reader(opts.staging) : undefined;
    const run = new Invocation(timeoutMs);
    const started = run.deadline - timeoutMs;
    opts.signal?.addEventListener('abort', run, { once: true });
    let ok = false;
    try {
      if (opts.signal?.aborted) throw cancelled(`call to driver '${d.ref}' was cancelled before it started`);
      let answer: WorkerAnswer;
      try {
        // The kind's one choice: a WASI command runs on its engines, a component on the pool.
        run.call = d.program
          ? this.wasi.run(d.program, input, env)
          : d.service
            ? this.grpc.run(d.service, input, run.deadline, { caller: opts.caller, taskId: opts.taskId, traceparent: opts.traceparent })
            : this.pool.run(
              {
                key: d.key,
                module: d.module!,
                driver: d.ref,
                input,
                config: d.config,
                maxOutputBytes: d.limits.maxOutputBytes,
                capabilities: d.capabilities,
                reads: d.reads,
                writes: d.writes,
                importedMemory: d.importedMemory,
              },
              reader,
              run.deadline,
            );
        answer = await run.call.answer;
      } catch (e) {
        const queuedMs = round((run.call?.startedAt() || now()) - started);
        if (run.stopped === 'timeout') throw this.timedOut(d, run, queuedMs, opts);
        if (run.stopped === 'cancelled') throw cancelled(`call to driver '${d.ref}' was cancelled`, { driver: d.ref, queuedMs });
        throw internal(`driver '${d.ref}': its worker failed: ${(e as Error).message}`, { driver: d.ref, queuedMs });
      }
      const queuedMs = round(Math.max(0, answer.startedAt - started));
      d.queueWait.observe(queuedMs / 1000);
      this.effects(d, answer);
      if (answer.error) throw this.failure(d, answer.error, queuedMs, opts.taskId);
      if (answer.writes.length) await this.commitWrites(d, answer, opts);
      ok = true;
      return { output: answer.output!, driver: d.ref, durationMs: round(now() - started), queuedMs };
    } finally {
      d.stats.record(now() - started, ok);
      clearTimeout(run.timer);
      opts.signal?.removeEventListener('abort', run);
      if (--d.inflight === 0) {
        d.drained?.();
        if (d.gone) void this.release(d);
      }
    }
  }

  /** A call past its time limit: stopped where it was, waiting (dropped) or on its worker (stopped with it). */
  private timedOut(d: LoadedDriver, run: Invocation, queuedMs: number, opts: InvokeOptions): SyscallError {
    const { timeoutMs } = run;
    const where = d.service
      ? run.ran
        ? `it waited ${queuedMs} ms for a turn and ran the rest; its RPC was cancelled`
        : `it waited all of it for a turn (its ${d.service.maxConcurrent} calls at once running, limits.maxConcurrentCalls)`
      : run.ran
        ? `it waited ${queuedMs} ms for a worker and ran the rest; its worker was stopped`
        : `it waited all of it for a worker (every thread busy, or its driver's ${this.pool.maxCallsPerKey} calls at once running)`;
    const message = `driver '${d.ref}' did not answer within its ${timeoutMs} ms limit: ${where}`;
    this.log.warn({ driver: d.ref, timeoutMs, queuedMs, ran: run.ran, caller: opts.caller, taskId: opts.taskId }, message);
    d.queueWait.observe(queuedMs / 1000);
    this.event('driver.timeout', d, 'deadline_exceeded', message, { timeoutMs, queuedMs, ran: run.ran, caller: opts.caller }, opts.taskId);
    return deadlineExceeded(message, { driver: d.ref, timeoutMs, queuedMs });
  }

  /** context-read answers: the calling task's staging (which sees its own writes), else the store. */
  private reader(staging: Staging | undefined): ContextReader {
    const context = this.context;
    return (namespace, key) => {
      if (staging) return staging.read(namespace, key) ?? null;
      try {
        return context.read(namespace, key).value;
      } catch (e) {
        if (e instanceof SyscallError && e.code === 'not_found') return null;
        throw e;
      }
    };
  }

  /** Logs and metrics are kept whatever the outcome: they say what the driver did. */
  private effects(d: LoadedDriver, answer: WorkerAnswer): void {
    for (const l of answer.logs) this.log[l.level]({ driver: d.ref }, l.message);
    for (const m of answer.metrics) if (Number.isFinite(m.value)) this.metric.labels(d.ref, m.name).set(m.value);
  }

  private failure(d: LoadedDriver, error: { code: string; message: string }, queuedMs: number, taskId?: string): SyscallError {
    const details = { driver: d.ref, digest: d.digest, queuedMs };
    switch (error.code) {
      case 'DRIVER_ERROR':
        return aborted(`driver '${d.ref}' returned an error: ${error.message}`, details);
      case 'OUTPUT_TOO_LARGE':
        return resourceExhausted(`driver '${d.ref}': ${error.message}`, details);
      case 'PERMISSION_DENIED':
        return permissionDenied(`driver '${d.ref}': ${error.message}`, details);
      case 'NOT_FOUND':
        return notFound(`driver '${d.ref}': ${error.message}`, details);
      case 'DEADLINE_EXCEEDED':
        return deadlineExceeded(`driver '${d.ref}': ${error.message}`, details);
      case 'UNAVAILABLE':
        return unavailable(`driver '${d.ref}' ${error.message}`);
      case 'PROTOCOL': {
        // A grpc driver that answered outside cam_os.Driver: recorded like a trap.
        const message = `driver '${d.ref}' broke the cam_os.Driver protocol: ${error.message}`;
        this.event('driver.trap', d, 'internal', message, {}, taskId);
        return internal(message, details);
      }
      case 'OUT_OF_BOUNDS': {
        // A pointer or length outside its memory: reading it would clip, or wrap.
        const message = `driver '${d.ref}' ${error.message}`;
        this.event('driver.trap', d, 'internal', message, {}, taskId);
        return internal(message, details);
      }
      default: {
        const message = `driver '${d.ref}' trapped: ${error.message}`;
        this.event('driver.trap', d, 'internal', message, {}, taskId);
        return internal(message, details);
      }
    }
  }

  /** A successful call's writes go into the caller's staging, or are committed together. */
  private async commitWrites(d: LoadedDriver, answer: WorkerAnswer, opts: InvokeOptions): Promise<void> {
    const metadata = { driver: d.ref, ...(opts.caller ? { caller: opts.caller } : {}) };
    if (opts.staging) {
      for (const w of answer.writes) opts.staging.write(w.namespace, w.key, w.value, { metadata });
      return;
    }
    const staging = this.context.begin(opts.taskId ?? `driver-call-${randomHex(6)}`, `driver:${d.ref}`);
    try {
      for (const w of answer.writes) staging.write(w.namespace, w.key, w.value, { metadata });
      staging.commit();
    } catch (e) {
      staging.discard();
      throw e instanceof SyscallError ? e : internal(`driver '${d.ref}': committing its context writes failed: ${(e as Error).message}`);
    }
  }

  /** Records a kernel event (not a syscall) about a driver in the audit log. */
  event(syscall: string, d: { ref?: string; name?: string; version?: string; digest?: string } | string, code: Code, message: string | undefined, evidence: Record<string, unknown>, taskId?: string): void {
    const ref = typeof d === 'string' ? d : (d.ref ?? `${d.name}@${d.version}`);
    const entry: AuditEntry = {
      time: Date.now(),
      caller: 'kernel',
      callerKind: 'admin',
      syscall,
      door: 'kernel',
      target: `Driver::${ref}`,
      outcome: code === 'ok' ? 'ok' : 'error',
      code,
      message,
      requestId: nextRequestId(),
      traceId: timeOrderedHex(16),
      spanId: randomHex(8),
      taskId,
      durationUs: 0,
      evidence: { driver: ref, ...(typeof d === 'object' && d.digest ? { digest: d.digest } : {}), ...evidence },
    };
    this.audit().record(entry);
  }

  health() {
    const loaded = this.list();
    const pool = this.pool.stats();
    const grpc = this.grpc.counts();
    const over = pool.memoryBytes > this.memoryWarningBytes;
    return {
      status: over ? ('degraded' as const) : ('ok' as const),
      details: {
        max_threads: String(this.pool.maxThreads),
        threads: String(pool.threads),
        idle_threads: String(pool.idleThreads),
        wasi_engine_threads: String(this.wasi.threads()),
        grpc_processes: String(grpc.processes),
        grpc_serving: String(grpc.serving),
        running_calls: String(pool.running),
        queued_calls: String(pool.queued),
        memory_bytes: String(pool.memoryBytes),
        memory_warning_bytes: String(this.memoryWarningBytes),
        ...(over ? { warning: `the driver workers hold ${mib(pool.memoryBytes)} MiB, over drivers.memoryWarningMiB (${mib(this.memoryWarningBytes)} MiB)` } : {}),
        drivers: String(loaded.length),
        loaded: loaded.map((d) => `${d.name}@${d.version}`).join(','),
      },
    };
  }

  /** Lets calls in flight finish (up to graceMs) before the pool's threads are stopped. */
  async close(graceMs = 5000): Promise<void> {
    this.closing = true;
    const busy = [...this.drivers.values()].flatMap((versions) => [...versions.values()]).filter((d) => d.inflight > 0);
    if (busy.length) {
      const drained = Promise.all(busy.map((d) => new Promise<void>((resolve) => (d.drained = resolve))));
      await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
    }
    await Promise.all([this.pool.close(), this.wasi.close(), this.grpc.close()]);
  }
}

/** What a driver runs on: one of these, by its kind. */
type Runs = Pick<LoadedDriver, 'module' | 'importedMemory' | 'program' | 'service'>;

/** A component's core module, compiled and checked against its grants. */
async function compileComponent(ref: string, v: VerifiedDriver): Promise<Runs> {
  let module: WebAssembly.Module;
  try {
    module = await (v.compiled ?? WebAssembly.compile(v.core as BufferSource));
  } catch (e) {
    throw failedPrecondition(`driver '${ref}' is not a valid WebAssembly module: ${(e as Error).message}`);
  }
  // install() is the runtime's door: it checks what it is given, as the manifest check did.
  const { reasons, importedMemory } = checkComponentModule(inspectCoreModule(v.core), v.capabilities, v.limits.memoryPages, `driver '${ref}'`);
  if (reasons.length) throw failedPrecondition(`driver '${ref}' refused: ${reasons.join('; ')}`, { driver: ref, reasons });
  return { module, importedMemory };
}

/** A wasi-command driver's own directory (its fs grant), made at its load. */
function driverFilesDir(dataDir: string, name: string): string {
  return privateDir(dataDir, 'driver-files', name);
}

function privateDir(dataDir: string, ...parts: string[]): string {
  const dir = join(dataDir, ...parts);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** A call's variables, each one its manifest's callEnv names. */
function callEnv(d: LoadedDriver, env: Record<string, string>): Record<string, string> {
  if (!d.program) throw invalidArgument(`driver '${d.ref}' is a ${d.kind}: a call sets no environment (env is for wasi-command drivers)`, { driver: d.ref });
  const allowed = d.callEnv ?? [];
  const refused = Object.keys(env).filter((k) => !allowed.includes(k));
  if (refused.length) {
    throw permissionDenied(`driver '${d.ref}' lets a call set ${allowed.length ? allowed.map((k) => `'${k}'`).join(', ') : 'no variables'} (its manifest's callEnv), not ${refused.map((k) => `'${k}'`).join(', ')}`, { driver: d.ref, refused });
  }
  return env;
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;
const mib = (bytes: number) => Math.round(bytes / 2 ** 20);

function info(d: LoadedDriver): DriverInfo {
  return {
    kind: d.kind,
    name: d.name,
    version: d.version,
    digest: d.digest,
    publisher: d.publisher,
    capabilities: [...d.capabilities],
    description: d.description,
    loadedAt: d.loadedAt,
    calls: d.calls,
    size: d.size,
    errors: d.stats.errors,
    ...d.stats.percentiles(),
    // A grpc driver's limits as they hold (the manifest's, or the defaults).
    limits: { ...d.limits, ...(d.service && { maxMessageBytes: d.service.maxMessageBytes, maxConcurrentCalls: d.service.maxConcurrent }) },
  };
}

/** One gauge for every driver-emitted metric, labelled by driver and metric name. */
function driverGauge(registry: Registry): Gauge<'driver' | 'name'> {
  return new Gauge({ name: 'camos_driver_metric', help: 'Last value of a metric a driver emitted (emit-metric)', labelNames: ['driver', 'name'], registers: [registry] });
}
