// The kernel: configuration, identity, the syscall table and its pipeline, and the
// subsystems that handlers call into. Doors (gRPC, HTTP, Session) live in doors/ and
// only ever reach the kernel through `dispatch`.
import { accessSync, constants, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig, type Config, type ConfigInput, type LoadOptions } from './config/index.ts';
import { fromPlain } from './wire/codec.ts';
import { ChannelTable, KeyStore, choosePqBackend } from './crypto/index.ts';
import { openContextStore, type ContextStore } from './context/index.ts';
import { openAudit, storedCode, type AuditLog } from './audit/index.ts';
import { IdentityStore, Refusals } from './identity/index.ts';
import { createLogger, diskFree, fileDescriptors, KernelMetrics, memory, MIN_FREE_BYTES, openTelemetry, type Logger, type Telemetry } from './telemetry/index.ts';
import { openDrivers, type DriverRuntime } from './drivers/index.ts';
import { openPolicyEngine, type Directory, type PolicyEngine } from './policy/index.ts';
import { AgentRegistry } from './agents/index.ts';
import { createScheduler, type Scheduler } from './scheduler/index.ts';
import { unavailable, unimplemented } from './base/errors.ts';
import { invoke, type CallMeta } from './syscalls/pipeline.ts';
import { lookup, table } from './syscalls/table.ts';
import type { AuditEntry, AuditSink, Authorizer, Component, ComponentHealth, Door, HealthReport, Principal } from './contract/index.ts';
import { withDriverScopes } from './syscalls/scope.ts';
import { notRunning, type Services } from './syscalls/services.ts';
import type { SyscallRow } from './syscalls/types.ts';
import { lockDataDir, tightenModes, type DataDirLock } from './data-dir.ts';
import { fromRoot } from './base/root.ts';
import { idleHelperThreads } from './base/threads.mjs';

export const VERSION: string = JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')).version;

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
  /** The door the call is recorded under (a peer kernel's question comes in by 'federation'). */
  door?: Door;
}

export class Kernel implements Services {
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
  auditSink: AuditSink;
  // Subsystems: set by createKernel as it opens them (see their folders). Until then, and for
  // good when one cannot run, each answers UNAVAILABLE: there is no permissive authorizer.
  authorizer: Authorizer = notRunning('the kernel is starting: its policy engine is not open yet');
  drivers: DriverRuntime = notRunning('the driver runtime is not running in this kernel');
  keys: KeyStore = notRunning('this kernel has no key store');
  channels: ChannelTable = notRunning('this kernel has no secure channels (no key store)');
  context: ContextStore = notRunning('the context store is not open in this kernel');
  audit: AuditLog = notRunning('the audit log is not open in this kernel');
  telemetry: Telemetry = notRunning('telemetry is not open in this kernel (it opens with the audit log)');
  policy: PolicyEngine = notRunning('the policy engine is not running in this kernel');
  agents: AgentRegistry = notRunning('the agent registry is not open in this kernel');
  scheduler: Scheduler = notRunning('the scheduler is not running in this kernel');
  /** Questions to the peers' audit logs: only in a federated kernel. */
  mesh?: Services['mesh'];
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
      door: opts.door ?? 'inprocess',
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
    // Subsystems, in dependency order: each is opened with what it needs, then set on the kernel and registered.
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
          config: config.federation, dataDir: kernel.dataDir, context: contextOptions, keys, registry: kernel.metrics.registry, log, audit: () => kernel.auditSink, distribution: config.tasks.distribution,
        })
      : undefined;
    const context = federation?.context ?? openContextStore(contextOptions);
    kernel.context = context;
    kernel.register({ name: 'context', health: () => context.health(), close: () => context.close() });
    // After the store, so that it closes first: nothing is applied to a closed store.
    if (federation) kernel.register(federation.component);
    kernel.mesh = federation?.questions;
    const audit = openAudit({ dataDir: kernel.dataDir, config, log, keys });
    kernel.auditSink = audit.sink;
    if (audit.audit) {
      const telemetry = openTelemetry({ config: config.telemetry, metrics: kernel.metrics, audit: audit.audit, version: kernel.version, codeNumber: storedCode });
      kernel.audit = audit.audit;
      kernel.telemetry = telemetry;
      // The export ends after the log's close, which hands it the last batch.
      kernel.register({ ...audit.component, close: async () => (await audit.component.close?.(), await telemetry.close()) });
    } else kernel.register(audit.component);
    // After the audit log, so that it closes first: its last summaries go into the log.
    kernel.register({ name: 'auth', health: () => kernel.refusals.health(), close: () => kernel.refusals.close() });
    const policy = openPolicyEngine({ dataDir: kernel.dataDir, config: config.policy, directory: directoryOf(kernel) });
    kernel.policy = policy;
    kernel.authorizer = withDriverScopes(policy);
    kernel.register({ name: 'policy', health: () => policy.health(), close: () => policy.close() });
    const agents = new AgentRegistry(kernel.dataDir, config.scheduler.agentDefaults);
    kernel.agents = agents;
    // Policy decisions depend on agents' attributes: any change empties the decision cache.
    agents.onChange(() => policy.invalidate());
    kernel.register({ name: 'agents', health: () => agents.health(), close: () => agents.close() });
    // The scheduler dispatches to drivers once they are open, after it (it is what they run for).
    let runner: DriverRuntime | undefined;
    const scheduler = await createScheduler({ config: config.scheduler, agents, runner: () => runner, context: () => context, audit: () => kernel.auditSink, distributor: federation?.distributor });
    kernel.scheduler = scheduler;
    const drivers = await openDrivers({ config: config.drivers, dataDir: kernel.dataDir, log, registry: kernel.metrics.registry, context, audit: () => kernel.auditSink, driverToken: (scope) => kernel.identity.scopedToken(scope) });
    kernel.drivers = runner = drivers.runtime;
    kernel.register(drivers.component);
    // Shared once all it shares is open; registered after the drivers so that it closes first.
    if (federation) kernel.register(await federation.share({ identity: kernel.identity, agents, policy, trust: drivers.runtime.trust, drivers: drivers.runtime }));
    // Registered after the drivers so that it closes first: no task is dispatched to a closed pool.
    kernel.register({ name: 'scheduler', health: () => scheduler.health(), close: () => scheduler.close() });
    // Peers' tasks and questions, once everything they reach is open; closed first.
    if (federation) {
      kernel.register(federation.attach({
        dispatch: (name, request, principal) => kernel.call(name, request, { ...(principal.kind === 'agent' ? { agent: principal.id } : {}), door: 'federation' }),
        runner: () => runner,
        context: () => context,
        audit: () => kernel.auditSink,
        taskTimeoutMs: config.scheduler.taskTimeoutMs,
      }));
    }
    // The files the subsystems made just now (SQLite creates a database 0644, its -wal and -shm
    // files as the database); from the next start on they are made 0600.
    tightenModes(kernel.dataDir);
  } catch (e) {
    await kernel.close();
    throw e;
  }
  return kernel;
}

// The registry and the scheduler are opened after the policy engine, which reads only these
// facts of theirs, and only when it decides a call (once createKernel has opened them all).
function directoryOf(k: Kernel): Directory {
  return {
    agent: (id) => k.agents.get(id),
    taskAgents: (id) => {
      const t = k.scheduler.task(id);
      if (!t) return [];
      // The handler is an agent, or a driver ("name@version"), which owns nothing.
      const handler = t.handler && t.handler !== t.agentId && k.agents.get(t.handler) ? [t.handler] : [];
      return [...(t.agentId ? [t.agentId] : []), ...handler];
    },
  };
}
