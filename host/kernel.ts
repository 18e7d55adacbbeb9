// The kernel: configuration, identity, the syscall table and its pipeline, and the
// subsystems that handlers call into. Doors (gRPC, HTTP, Session) live in doors/ and
// only ever reach the kernel through `dispatch`.
import { accessSync, constants, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig, type Config, type ConfigInput, type LoadOptions } from './config/index.ts';
import { fromPlain } from './doors/codec.ts';
import { ChannelTable, KeyStore, choosePqBackend } from './crypto/index.ts';
import { openContextStore, type ContextStore } from './context/index.ts';
import { openAudit, type AuditLog, type Telemetry } from './audit/index.ts';
import { IdentityStore, Refusals } from './identity/index.ts';
import { createLogger, type Logger } from './observe/log.ts';
import { diskFree, fileDescriptors, memory, MIN_FREE_BYTES } from './observe/machine.ts';
import { KernelMetrics } from './observe/metrics.ts';
import { openDrivers, type DriverRuntime } from './drivers/index.ts';
import { openPolicyEngine, type PolicyEngine } from './policy/index.ts';
import { AgentRegistry } from './agents/index.ts';
import { createScheduler, type Scheduler } from './scheduler/index.ts';
import { unavailable, unimplemented } from './syscalls/errors.ts';
import { invoke, type CallMeta } from './syscalls/pipeline.ts';
import { lookup, table } from './syscalls/table.ts';
import type { AuditEntry, AuditSink, Authorizer, Principal, SyscallRow } from './syscalls/types.ts';
import { lockDataDir, tightenModes, type DataDirLock } from './data-dir.ts';
import { fromRoot } from './root.ts';
import { idleHelperThreads } from './threads.mjs';

export const VERSION: string = JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')).version;

export interface ComponentHealth {
  status: 'ok' | 'degraded' | 'down' | 'unavailable';
  details: Record<string, string>;
}

/** A subsystem as the kernel sees it: something that reports health and can be closed. */
export interface Component {
  name: string;
  health(): ComponentHealth | Promise<ComponentHealth>;
  close?(): void | Promise<void>;
}

export interface HealthReport {
  status: 'ok' | 'degraded' | 'down';
  /** The components not ok (degraded or down). */
  degraded: string[];
  components: Record<string, ComponentHealth>;
  timestamp: number;
  version: string;
  uptimeMs: number;
}

export interface KernelOptions extends LoadOptions {
  /** A ready config (skips file/env loading); merged over defaults. */
  config?: ConfigInput;
  logger?: Logger;
}

export interface InProcessCallOptions {
  /** Call with a bearer token, exactly as a remote client would. */
  token?: string;
  /** Call as this agent (trusted: the embedding program vouches for it). */
  agent?: string;
  requestId?: string;
  traceparent?: string;
  taskId?: string;
}

/** Until the policy engine exists, any authenticated caller is allowed. */
const allowAuthenticated: Authorizer = {
  authorize: () => ({ allowed: true, reason: 'authenticated (no policy engine configured)', policies: [] }),
};

export class Kernel {
  readonly config: Config;
  readonly log: Logger;
  readonly dataDir: string;
  readonly identity: IdentityStore;
  /** Refused calls without a valid token, per source. */
  readonly refusals: Refusals;
  readonly metrics = new KernelMetrics();
  readonly startedAt = Date.now();
  readonly version = VERSION;
  readonly table = table;
  authorizer: Authorizer = allowAuthenticated;
  auditSink: AuditSink;
  // Subsystems: set by createKernel once built (see their folders).
  drivers?: DriverRuntime;
  keys?: KeyStore;
  channels?: ChannelTable;
  context?: ContextStore;
  audit?: AuditLog;
  telemetry?: Telemetry;
  policy?: PolicyEngine;
  agents?: AgentRegistry;
  scheduler?: Scheduler;
  private readonly components: Component[] = [];
  private closing?: Promise<void>;
  private readonly lock: DataDirLock;

  constructor(config: Config, log: Logger) {
    this.config = config;
    this.log = log;
    this.dataDir = resolve(config.dataDir);
    mkdirSync(this.dataDir, { recursive: true, mode: 0o700 });
    this.lock = lockDataDir(this.dataDir);
    try {
      const widened = tightenModes(this.dataDir);
      if (widened.length) {
        const list = widened.map((w) => `${w.path} (was ${w.mode.toString(8).padStart(4, '0')})`).join(', ');
        log.warn({ widened }, `data directory files were readable by others; now owner-only (0700 directories, 0600 files): ${list}`);
      }
      this.identity = new IdentityStore(this.dataDir);
    } catch (e) {
      this.lock.release();
      throw e;
    }
    this.refusals = new Refusals({ perMinute: config.auth.failedPerMinute, record: (e) => this.auditSink.record(e) });
    // Until the audit log exists, the audit stage writes one structured log line per call.
    this.auditSink = { record: (e: AuditEntry) => this.log.info({ audit: e }, `${e.syscall} ${e.outcome}`), committed: () => Promise.resolve(), refusal: () => undefined };
  }

  /** Adds a subsystem to health reports and shutdown (closed in reverse order). */
  register(component: Component): void {
    this.components.push(component);
  }

  /** The one entry for every door: finds the row and runs the pipeline. */
  dispatch(name: string, request: unknown, meta: CallMeta): Promise<unknown> {
    const row = lookup(name);
    if (!row) return Promise.reject(unimplemented(`unknown syscall '${name}'; \`camos syscalls\` lists them`));
    return this.track(() => invoke(this, row, request, meta));
  }

  private inflight = 0;
  private draining = false;
  private onIdle?: () => void;

  // Counts calls in flight so that shutdown can wait for them; refuses new ones while draining.
  private track<T>(start: () => Promise<T>): Promise<T> {
    if (this.draining) return Promise.reject(unavailable('the kernel is shutting down; retry against another kernel or after restart'));
    this.inflight++;
    return start().finally(() => {
      if (--this.inflight === 0) this.onIdle?.();
    });
  }

  /** Refuses new calls and waits (up to graceMs) for calls in flight to finish. */
  async drain(graceMs: number): Promise<void> {
    this.draining = true;
    if (this.inflight === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, graceMs);
      this.onIdle = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  row(name: string): SyscallRow | undefined {
    return lookup(name);
  }

  /**
   * In-process door: `kernel.call('sys_context_read', { namespace, key })`. The request is
   * decoded like JSON (camelCase or snake_case, bytes as Buffer or base64). Without a
   * token or agent the call runs as admin: the embedding program is trusted.
   */
  async call<T = any>(name: string, request: unknown = {}, opts: InProcessCallOptions = {}): Promise<T> {
    const row = lookup(name);
    if (!row) throw unimplemented(`unknown syscall '${name}'`);
    const decoded = fromPlain(`${row.rpc}Request`, request);
    const principal: Principal | undefined = opts.token
      ? undefined
      : opts.agent
        ? { id: opts.agent, kind: 'agent' }
        : { id: 'admin', kind: 'admin' };
    return (await this.track(() => invoke(this, row, decoded, {
      door: 'inprocess',
      token: opts.token,
      principal,
      requestId: opts.requestId,
      traceparent: opts.traceparent,
      taskId: opts.taskId,
    }))) as T;
  }

  private lastReport?: HealthReport;

  /** The summary status, from a full report at most 500 ms old (probes may call it often). */
  async healthSummary(): Promise<Pick<HealthReport, 'status' | 'degraded' | 'timestamp' | 'version' | 'uptimeMs'>> {
    const now = Date.now();
    if (!this.lastReport || now - this.lastReport.timestamp > 500) await this.health();
    return { status: this.lastReport!.status, degraded: this.lastReport!.degraded, timestamp: now, version: this.version, uptimeMs: now - this.startedAt };
  }

  async health(): Promise<HealthReport> {
    const components: Record<string, ComponentHealth> = { kernel: this.ownHealth() };
    for (const c of this.components) {
      try {
        components[c.name] = await c.health();
      } catch (e) {
        components[c.name] = { status: 'down', details: { error: (e as Error).message } };
      }
    }
    const statuses = Object.values(components).map((c) => c.status);
    const status = statuses.includes('down') ? 'down' : statuses.includes('degraded') ? 'degraded' : 'ok';
    const degraded = Object.entries(components).filter(([, c]) => c.status !== 'ok').map(([name]) => name);
    this.lastReport = { status, degraded, components, timestamp: Date.now(), version: this.version, uptimeMs: Date.now() - this.startedAt };
    return this.lastReport;
  }

  private ownHealth(): ComponentHealth {
    const mem = memory();
    let writable = true;
    try {
      accessSync(this.dataDir, constants.W_OK);
    } catch {
      writable = false;
    }
    const free = diskFree(this.dataDir);
    const fds = fileDescriptors();
    const problems = [
      ...(writable ? [] : ['the data directory is not writable']),
      ...(free !== undefined && free < MIN_FREE_BYTES ? [`the disk holding the data directory has ${free} bytes free`] : []),
      ...(fds && (fds.exhausted || (fds.limit && fds.open >= 0.95 * fds.limit)) ? [`${fds.exhausted ? 'every' : `${fds.open} of ${fds.limit}`} file descriptors in use`] : []),
    ];
    return {
      status: problems.length ? 'degraded' : 'ok',
      details: {
        ...(problems.length ? { problems: problems.join('; ') } : {}),
        version: this.version,
        uptime_ms: String(Date.now() - this.startedAt),
        data_dir: this.dataDir,
        data_dir_writable: String(writable),
        ...(free !== undefined ? { data_dir_free_bytes: String(free) } : {}),
        ...(fds ? { open_files: String(fds.open), ...(fds.limit ? { open_files_limit: String(fds.limit) } : {}) } : {}),
        ...mem,
        node: process.version,
        pid: String(process.pid),
        syscalls: String(this.table.length),
      },
    };
  }

  /** Closes subsystems in reverse order of registration. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const c of [...this.components].reverse()) {
        try {
          await c.close?.();
        } catch (e) {
          this.log.error({ err: e, component: c.name }, 'component failed to close');
        }
      }
      this.lock.release();
      this.log.flush?.();
    })();
    return this.closing;
  }
}

/**
 * Creates a kernel with its data directory, admin token and subsystems. Subsystems are
 * opened here, in dependency order; each registers itself for health and shutdown.
 */
export async function createKernel(opts: KernelOptions = {}): Promise<Kernel> {
  const config = opts.config ? loadConfig({ ...opts, file: opts.file, flags: opts.config, env: opts.env ?? {} }) : loadConfig(opts);
  const log = opts.logger ?? createLogger(config.logLevel);
  const kernel = new Kernel(config, log);
  if (config.helperThreads === 'idle') {
    const idled = await idleHelperThreads();
    log.debug({ threads: idled }, `${idled} V8 helper threads run under SCHED_IDLE`);
  }
  if (kernel.identity.ensureAdmin()) log.info({ path: kernel.identity.adminTokenPath }, `admin token created at ${kernel.identity.adminTokenPath}`);
  try {
    // Subsystems, in dependency order (each sets its field on the kernel and registers itself).
    const pq = choosePqBackend(config.crypto.backend);
    if (pq.fallback) log.warn({ 'crypto.backend': pq.backend.name }, pq.fallback);
    const keys = await KeyStore.open({ dataDir: kernel.dataDir, ...config.keys, env: process.env });
    kernel.keys = keys;
    kernel.register({ name: 'keys', health: () => keys.health() });
    const channels = new ChannelTable(keys, {
      ttlMs: config.keys.channelTtlMs,
      rekeyAfter: config.keys.channelRekeyAfter,
      maxChannels: config.keys.maxChannels,
      maxChannelsPerPrincipal: config.keys.maxChannelsPerPrincipal,
    });
    kernel.channels = channels;
    kernel.register({ name: 'channels', health: () => ({ status: 'ok', details: { open: String(channels.size) } }), close: () => channels.close() });
    const contextOptions = { path: join(kernel.dataDir, 'context.db'), ...config.context };
    // Federation only when configured: its module (and NATS with it) is not loaded otherwise.
    const federation = config.federation
      ? await (await import('./federation/index.ts')).openFederation({
          config: config.federation, dataDir: kernel.dataDir, context: contextOptions, keys, registry: kernel.metrics.registry, log, audit: () => kernel.auditSink,
        })
      : undefined;
    const context = federation?.context ?? openContextStore(contextOptions);
    kernel.context = context;
    kernel.register({ name: 'context', health: () => context.health(), close: () => context.close() });
    // After the store, so that it closes first: nothing is applied to a closed store.
    if (federation) kernel.register(federation.component);
    openAudit(kernel);
    // After the audit log, so that it closes first: its last summaries go into the log.
    kernel.register({ name: 'auth', health: () => kernel.refusals.health(), close: () => kernel.refusals.close() });
    const policy = openPolicyEngine(kernel);
    kernel.policy = policy;
    kernel.register({ name: 'policy', health: () => policy.health(), close: () => policy.close() });
    const agents = new AgentRegistry(kernel.dataDir, config.scheduler.agentDefaults);
    kernel.agents = agents;
    // Policy decisions depend on agents' attributes: any change empties the decision cache.
    agents.onChange(() => kernel.policy?.invalidate());
    kernel.register({ name: 'agents', health: () => agents.health(), close: () => agents.close() });
    const scheduler = await createScheduler({ config: config.scheduler, agents, runner: () => kernel.drivers, context: () => kernel.context, audit: () => kernel.auditSink });
    kernel.scheduler = scheduler;
    kernel.drivers = await openDrivers(kernel);
    // Registered after the drivers so that it closes first: no task is dispatched to a closed pool.
    kernel.register({ name: 'scheduler', health: () => scheduler.health(), close: () => scheduler.close() });
    // The files the subsystems made just now (SQLite creates a database 0644, its -wal and -shm
    // files as the database); from the next start on they are made 0600.
    tightenModes(kernel.dataDir);
  } catch (e) {
    await kernel.close();
    throw e;
  }
  return kernel;
}
