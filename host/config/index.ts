// Configuration: defaults < file (camos.config.json|yaml) < environment (CAMOS_*) < flags.
// Parsed by one schema; errors name the field and where it came from.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ContextConfigSchema } from '../context/config.ts';
import { CryptoConfigSchema } from '../crypto/config.ts';
import { FederationConfigSchema, TasksConfigSchema } from '../federation/config.ts';
import { SchedulerConfigSchema } from '../scheduler/config.ts';

/** True when Node.js knows `tz` as an IANA time zone. */
function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const ConfigSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(8080),
    dataDir: z.string().min(1).default('.camos'),
    maxMessageBytes: z.number().int().min(1024).default(4 * 1024 * 1024),
    logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
    /** How long SIGINT/SIGTERM waits for in-flight calls before closing anyway. */
    shutdownGraceMs: z.number().int().min(0).default(10_000),
    /**
     * V8's helper threads (garbage-collection helpers, the optimizing compiler, WebAssembly
     * compilation; Node.js starts them with the process): 'idle' runs them under SCHED_IDLE
     * (Linux, with util-linux's chrt), so they use only the CPU that the main thread and the
     * driver workers leave; 'normal' leaves them as Node.js made them.
     */
    helperThreads: z.enum(['idle', 'normal']).default('idle'),
    /** The doors' shared listener (host/doors): timeouts and limits, for HTTP/1.1 and HTTP/2 (gRPC) alike. */
    doors: z
      .object({
        /** A new connection must show which protocol it speaks, and an HTTP/1.1 request send all its headers, within this long (slowloris). */
        headersTimeoutMs: z.number().int().min(100).default(10_000),
        /** An HTTP/1.1 request must arrive in full (headers and body) within this long. */
        requestTimeoutMs: z.number().int().min(100).default(60_000),
        /** An HTTP/1.1 connection without traffic, or an HTTP/2 connection without a call open, is closed after this long. */
        idleTimeoutMs: z.number().int().min(100).default(120_000),
        /** Connections open at once, at most: more are closed as they come. Lowered at start to fit the process's file-descriptor limit. */
        maxConnections: z.number().int().min(1).default(4096),
        /** Requests one Session stream may have in flight, from arrival until their answer is written out: past it the stream is not read. */
        sessionMaxInflight: z.number().int().min(1).default(64),
        /** Bytes of answers one Session stream may have waiting for its client to read them: past it the stream is not read. */
        sessionMaxBufferedBytes: z.number().int().min(1024).default(4 * 1024 * 1024),
      })
      .strict()
      .refine((d) => d.requestTimeoutMs >= d.headersTimeoutMs, { message: 'requestTimeoutMs must be at least headersTimeoutMs', path: ['requestTimeoutMs'] })
      .prefault({}),
    /** Callers without a valid token (host/identity). */
    auth: z
      .object({
        /**
         * Calls refused while their caller is unknown (no token, a wrong one, or an open call
         * with bad metadata) answered and audited one by one per source (remote address) and
         * minute; past it they are refused with RESOURCE_EXHAUSTED and only counted, in one
         * audit record per source and minute.
         */
        failedPerMinute: z.number().int().min(1).default(60),
      })
      .strict()
      .prefault({}),
    /** Kernel keys and secure channels (host/crypto). */
    keys: z
      .object({
        /** Where the classical half of the kernel key lives: software (Ed25519) or a TPM 2.0 (ECDSA P-256). */
        backend: z.enum(['software', 'tpm']).default('software'),
        /** TPM2TOOLS_TCTI for the tpm backend; empty = $TPM2TOOLS_TCTI or device:/dev/tpmrm0. */
        tpmTcti: z.string().default(''),
        /** Environment variable holding a passphrase for the key store (scrypt); empty = <data-dir>/master.key. */
        passphraseEnv: z.string().regex(/^([A-Za-z_][A-Za-z0-9_]*)?$/, 'an environment variable name').default(''),
        /** Lifetime of a secure channel. */
        channelTtlMs: z.number().int().min(1000).default(3_600_000),
        /** Messages per direction before the channel's keys are updated. */
        channelRekeyAfter: z.number().int().min(1).default(1000),
        /** Open channels at most; past it new ones are refused (RESOURCE_EXHAUSTED), no one's are dropped. */
        maxChannels: z.number().int().min(1).default(10_000),
        /** Open channels one principal (agent or admin) may hold; past it its new ones are refused. */
        maxChannelsPerPrincipal: z.number().int().min(1).default(64),
      })
      .strict()
      .prefault({}),
    /** The post-quantum library (host/crypto/pq.ts). */
    crypto: CryptoConfigSchema.prefault({}),
    /** Versioned context memory (host/context). */
    context: ContextConfigSchema.prefault({}),
    scheduler: SchedulerConfigSchema.prefault({}),
    /** The hash-chained audit log (host/audit). */
    audit: z
      .object({
        /** Sign a checkpoint with the kernel key every this many records (and on shutdown). */
        checkpointEvery: z.number().int().min(1).default(10_000),
        /** Longest a record waits in memory before it is written; SIGKILL loses at most this much. */
        flushIntervalMs: z.number().int().min(1).max(10_000).default(50),
        /** A buffer this full is handed to the writer thread at once. */
        batchSize: z.number().int().min(1).max(100_000).default(256),
        /** Records older than this many days are pruned, up to a checkpoint; 0 = keep everything. */
        retentionDays: z.number().min(0).default(0),
        /**
         * Records handed to the writer thread and not yet on disk, at most: a burst is absorbed
         * up to here (about 40 MB), then callers wait for the writer. Also what an audit query
         * may wait for, what SIGKILL loses at most of the records of calls that change nothing,
         * and what is kept in memory while the log cannot be written (past it, such records are
         * counted in an `audit.records_lost` record instead).
         */
        maxPendingRecords: z.number().int().min(1).default(131_072),
        /**
         * The writer thread's nice value (Linux; 0–19; 0 = the kernel's priority). A call that
         * changes something is answered once the writer has committed its record, so a niced
         * writer on a busy machine holds those answers back (p99 0.16–0.19 s against 4–11 ms
         * at 1,000 calls/s, docs/BENCHMARKS.md); a higher value makes audit writes yield the
         * CPU to calls that change nothing.
         */
        writerNice: z.number().int().min(0).max(19).default(0),
      })
      .strict()
      .prefault({}),
    /** Questions in plain English (host/audit/ask.ts). */
    nl: z
      .object({
        /** IANA time zone in which questions' times are read and answers' times printed ("Europe/Berlin"); empty = the system's. */
        timeZone: z.string().refine((tz) => tz === '' || isTimeZone(tz), 'an IANA time zone such as "Europe/Berlin" or "UTC"').default(''),
      })
      .strict()
      .prefault({}),
    /** Traces and agents' metrics (host/observe, host/audit). */
    telemetry: z
      .object({
        /** OTLP/HTTP traces endpoint, e.g. http://localhost:4318/v1/traces; empty = no export. */
        otlpEndpoint: z.string().default(''),
        serviceName: z.string().min(1).default('camos'),
        /** Distinct metric names agents may create through sys_emit_metric. */
        maxMetrics: z.number().int().min(1).default(500),
        /** Label combinations per agent metric (label cardinality cap). */
        maxSeriesPerMetric: z.number().int().min(1).default(1000),
        /** Prometheus series one agent's metrics may make (a histogram's label set is 14). */
        maxSeriesPerAgent: z.number().int().min(1).default(1000),
        /** Prometheus series all agents' metrics may make together: what bounds a /metrics scrape. */
        maxSeries: z.number().int().min(1).default(20_000),
      })
      .strict()
      .prefault({}),
    /** The Cedar policy engine (host/policy). */
    policy: z
      .object({
        /** Cached authorization decisions at most (the cache empties when full); 0 = no cache. */
        cacheSize: z.number().int().min(0).default(100_000),
        /** Policy set stored as version 1 on first start; empty = policies/default.cedar. */
        initialFile: z.string().default(''),
      })
      .strict()
      .prefault({}),
    /** The driver runtime (host/drivers). */
    drivers: z
      .object({
        /**
         * Most worker threads drivers run on (piscina's maxThreads); 0 = two per core. Threads
         * start on demand and stop after `idleTimeoutMs` without a call; each runs one call at
         * a time.
         */
        poolSize: z.number().int().min(0).max(256).default(0),
        /** A worker thread without a call for this long stops, ms (no driver thread exists at idle). */
        idleTimeoutMs: z.number().int().min(1).default(30_000),
        /**
         * Calls of one driver (one loaded name@version) running or waiting for a thread at
         * once; more wait their turn, the wait counted in their time limit. 0 = half of
         * poolSize (at least 1): one driver, however slow, never holds every thread.
         */
        maxConcurrentCallsPerDriver: z.number().int().min(0).max(256).default(0),
        /**
         * The driver workers' nice value (Linux; 0–19): drivers, untrusted code, yield the CPU
         * to the kernel's own threads when both want it. 0 = the kernel's priority.
         */
        workerNice: z.number().int().min(0).max(19).default(5),
        /** Watched directory of driver manifests (hot loading); empty = <data-dir>/drivers. */
        dir: z.string().default(''),
        /** Watch `dir` for new, changed and removed manifests. */
        watch: z.boolean().default(true),
        /** Timeout of a call whose manifest sets none, ms. */
        defaultTimeoutMs: z.number().int().min(1).default(1000),
        /** The longest time limit a manifest may ask for (limits.timeoutMs), ms; a manifest asking more is refused at load. */
        maxTimeoutMs: z.number().int().min(1).max(600_000).default(30_000),
        /**
         * The most memory a manifest may ask for (limits.maxMemoryPages), 64 KiB pages; a
         * manifest asking more is refused at load. 4096 = 256 MiB.
         */
        maxMemoryPages: z.number().int().min(1).max(65_536).default(4096),
        /** The driver workers' memory above which health reports the drivers `degraded`, MiB. */
        memoryWarningMiB: z.number().int().min(1).default(512),
        /** Build, sign (with a key this kernel trusts) and load the example drivers in drivers-as/ at start. */
        loadExamples: z.boolean().default(true),
      })
      .strict()
      .refine((d) => d.defaultTimeoutMs <= d.maxTimeoutMs, { message: 'drivers.defaultTimeoutMs must not be over drivers.maxTimeoutMs', path: ['defaultTimeoutMs'] })
      .prefault({}),
    /** Federation of kernels over NATS JetStream (host/federation, docs/federation.md); absent = this kernel is alone. */
    federation: FederationConfigSchema.optional(),
    /** Where committed driver tasks run: this kernel, or the federation's work queue (docs/federation.md). */
    tasks: TasksConfigSchema.prefault({}),
  })
  .strict();

export type Config = z.infer<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;

/** Environment variables and the config field each sets ('section.field' for one inside a section). */
const ENV: Record<string, { field: keyof Config | `${keyof Config}.${string}`; type: 'string' | 'number' }> = {
  CAMOS_HOST: { field: 'host', type: 'string' },
  CAMOS_PORT: { field: 'port', type: 'number' },
  CAMOS_DATA_DIR: { field: 'dataDir', type: 'string' },
  CAMOS_MAX_MESSAGE_BYTES: { field: 'maxMessageBytes', type: 'number' },
  CAMOS_LOG_LEVEL: { field: 'logLevel', type: 'string' },
  CAMOS_SHUTDOWN_GRACE_MS: { field: 'shutdownGraceMs', type: 'number' },
  CAMOS_HELPER_THREADS: { field: 'helperThreads', type: 'string' },
  CAMOS_CRYPTO_BACKEND: { field: 'crypto.backend', type: 'string' },
  CAMOS_FEDERATION_URL: { field: 'federation.url', type: 'string' },
  CAMOS_NODE_ID: { field: 'federation.nodeId', type: 'string' },
};

export class ConfigError extends Error {}

const DEFAULT_FILES = ['camos.config.json', 'camos.config.yaml', 'camos.config.yml'];

export interface LoadOptions {
  /** Explicit config file; when absent, camos.config.{json,yaml,yml} in cwd if present. */
  file?: string;
  env?: NodeJS.ProcessEnv;
  /** Values from command-line flags (already typed). */
  flags?: Partial<ConfigInput>;
  cwd?: string;
}

/**
 * The YAML parser, loaded with the first YAML file: a kernel configured by JSON, flags and
 * the environment (the default) never loads its 230 modules (0–2 MB beside the other libraries, 45–80 ms of start;
 * docs/BENCHMARKS.md, "memory"). Its CommonJS build, so that loadConfig stays synchronous.
 */
const parseYaml = (text: string): unknown => (createRequire(import.meta.url)('yaml') as typeof import('yaml')).parse(text);

export function loadConfig(opts: LoadOptions = {}): Config {
  const cwd = opts.cwd ?? process.cwd();
  const env = opts.env ?? process.env;
  const file = opts.file ? resolve(cwd, opts.file) : DEFAULT_FILES.map((f) => resolve(cwd, f)).find((f) => existsSync(f));

  let fromFile: Record<string, unknown> = {};
  if (file) {
    if (!existsSync(file)) throw new ConfigError(`config file ${file} does not exist`);
    const text = readFileSync(file, 'utf8');
    try {
      fromFile = (file.endsWith('.json') ? JSON.parse(text) : parseYaml(text)) ?? {};
    } catch (e) {
      throw new ConfigError(`config file ${file} is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(e as Error).message}`);
    }
    const fileCheck = ConfigSchema.safeParse(fromFile);
    if (!fileCheck.success) throw new ConfigError(explain(fileCheck.error, `config file ${file}`));
  }

  const fromEnv: Record<string, unknown> = {};
  for (const [name, { field, type }] of Object.entries(ENV)) {
    const v = env[name];
    if (v === undefined || v === '') continue;
    let value: unknown = v;
    if (type === 'number') {
      value = Number(v);
      if (!Number.isFinite(value)) throw new ConfigError(`environment variable ${name}=${JSON.stringify(v)} is not a number (sets '${field}')`);
    }
    // A field inside a section keeps the section's other fields from the file.
    const [section, inner] = field.split('.');
    fromEnv[section] = inner ? { ...(fromFile[section] as object), ...(fromEnv[section] as object), [inner]: value } : value;
  }
  const envCheck = ConfigSchema.partial().safeParse(fromEnv);
  if (!envCheck.success) throw new ConfigError(explain(envCheck.error, 'the environment (CAMOS_*)'));

  const merged: Record<string, unknown> = { ...fromFile, ...fromEnv };
  // A flag inside a section (--federation sets federation.url) keeps the section's other fields.
  for (const [name, v] of Object.entries(opts.flags ?? {})) {
    if (v === undefined) continue;
    const section = merged[name];
    merged[name] = isPlainObject(v) && isPlainObject(section) ? { ...section, ...v } : v;
  }
  const parsed = ConfigSchema.safeParse(merged);
  if (!parsed.success) throw new ConfigError(explain(parsed.error, 'command-line flags'));
  if (parsed.data.tasks.distribution === 'federation' && !parsed.data.federation) throw new ConfigError('tasks.distribution "federation" needs a federation section (federation.url, or --federation)');
  return parsed.data;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

function explain(error: z.ZodError, source: string): string {
  return error.issues.map((i) => `${source}: field '${i.path.join('.') || '(root)'}': ${i.message}`).join('; ');
}
