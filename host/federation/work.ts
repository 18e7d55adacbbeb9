// The federation's work queue (tasks.distribution "federation"): a committed driver task is
// published, signed, to a JetStream work-queue stream on its driver's subject; every kernel
// that has the driver pulls from that driver's one durable consumer, so each task is taken
// by one kernel at a time. A kernel that dies while it runs a task stops renewing its ack
// wait, and JetStream delivers the task again to another (at least once).
//
// Each task's status is a signed entry of a KV bucket, by task id, which every kernel
// watches: TaskStatus answers on any kernel. The entry is also the idempotency key: a kernel
// claims a delivery by compare-and-set on the entry's revision, and commits the task's staged
// context writes only once its compare-and-set to `succeeded` won, so that of two kernels
// that ran one task (a redelivery while the first was still alive), one commits and the
// other discards; a delivery of a task already finished is acknowledged without running.
import { Buffer } from 'node:buffer';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { AckPolicy, DeliverPolicy, RetentionPolicy, StorageType, jetstream, jetstreamManager, type Consumer, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { z } from 'zod';
import { Code, SyscallError, deadlineExceeded, failedPrecondition, unavailable } from '../base/errors.ts';
import type { KeyStore } from '../crypto/index.ts';
import type { AuditEntry } from '../contract/index.ts';
import { TASK_STATES, type TaskDistributor, type TaskSpec, type TaskStatus } from '../scheduler/index.ts';
import type { FederationConfig } from './config.ts';
import { Refused } from './envelope.ts';
import type { MeshLink } from './link.ts';
import type { MeshHost } from './mesh.ts';
import type { FederationMetrics } from './metrics.ts';
import { openMessage, reportRefused, signMessage, type Signer } from './signed.ts';
import { HEADER, taskBucket, taskIdOf, taskKey, workConsumer, workStream, workSubject, workSubjects } from './subjects.ts';
import type { TrustList } from './trust.ts';

const FINISHED = new Set(['succeeded', 'failed', 'rolled_back', 'cancelled']);
/** Task statuses kept in memory for TaskStatus: the newest this many (the bucket keeps each a day). */
const STATUS_MEMORY = 10_000;
const BUCKET_TTL_MS = 24 * 3600_000;
const b64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/).transform((s) => new Uint8Array(Buffer.from(s, 'base64')));

const TaskMessageSchema = z
  .object({
    id: z.string().min(1).max(128),
    agentId: z.string().min(1).max(128),
    /** The driver reference to invoke: name or name@version. */
    handler: z.string().min(1).max(256),
    payload: b64,
    maxRetries: z.number().int().min(0).max(100),
    deadline: z.number().int().min(0),
    queuedAt: z.number().int().min(0),
  })
  .strict();
type TaskMessage = z.infer<typeof TaskMessageSchema>;

const StatusSchema = z
  .object({
    taskId: z.string().min(1).max(128),
    state: z.enum(TASK_STATES),
    agentId: z.string().max(128),
    handler: z.string().max(300),
    attempts: z.number().int().min(0),
    queuedAt: z.number().int().min(0),
    startedAt: z.number().int().min(0),
    finishedAt: z.number().int().min(0),
    error: z.string().max(8192),
    output: b64,
    keysWritten: z.array(z.string()).max(100_000),
    /** The kernel that ran (or runs) the task; the submitter's until one takes it. */
    node: z.string().max(64),
  })
  .strict();
export type MeshTaskStatus = TaskStatus & { node: string };

const driverName = (ref: string) => ref.split('@')[0];

export interface WorkOptions {
  config: FederationConfig;
  nodeId: string;
  keys: KeyStore;
  trust: TrustList;
  metrics: FederationMetrics;
  link: MeshLink;
  log: { info(o: object, m: string): void; warn(o: object, m: string): void; debug(o: object, m: string): void };
}

export class WorkQueue implements TaskDistributor {
  private js?: JetStreamClient;
  private kv?: KV;
  private host?: MeshHost;
  private ready?: Promise<void>;
  private closed = false;
  private readonly statuses = new Map<string, MeshTaskStatus>();
  /** Drivers this kernel pulls tasks for, by name: each pull loop's stop flag. */
  private readonly pulling = new Map<string, { stop: boolean }>();
  private running = 0;
  private slotWaiters: (() => void)[] = [];
  private refreshTimer?: NodeJS.Timeout;
  private readonly signer: Signer;
  private watcher?: { stop(): void };

  constructor(private readonly o: WorkOptions) {
    this.signer = { cluster: o.config.cluster, nodeId: o.nodeId, keys: o.keys };
  }

  /** Starts taking tasks for the drivers this kernel has, once the kernel is open. */
  attach(host: MeshHost): void {
    this.host = host;
    this.ready = this.o.link.ready.then((nc) => this.setUp(nc));
    this.ready.catch((e) => this.o.log.warn({ err: e }, 'federation: the work queue could not be set up'));
  }

  private async setUp(nc: NatsConnection): Promise<void> {
    const { config } = this.o;
    const jsm = await jetstreamManager(nc);
    const stream = workStream(config.cluster);
    await jsm.streams.info(stream).catch(() =>
      jsm.streams.add({ name: stream, subjects: [workSubjects(config.cluster)], retention: RetentionPolicy.Workqueue, storage: StorageType.File, num_replicas: config.replicas, duplicate_window: 120_000_000_000 }).catch(async (e) => {
        await jsm.streams.info(stream).catch(() => {
          throw e;
        });
      }),
    );
    this.js = jetstream(nc);
    this.kv = await new Kvm(this.js).create(taskBucket(config.cluster), { history: 1, replicas: config.replicas, ttl: BUCKET_TTL_MS });
    await this.watchStatuses(this.kv);
    this.refresh();
  }

  // ------------------------------------------------------------------ status

  status(id: string): TaskStatus | undefined {
    return this.statuses.get(id);
  }

  private async watchStatuses(kv: KV): Promise<void> {
    const entries = await kv.watch();
    this.watcher = entries;
    void (async () => {
      for await (const e of entries) {
        if (e.operation !== 'PUT') continue;
        const s = this.openStatus(e.key, e.value);
        if (s) this.remember(s);
      }
    })().catch((e) => this.closed || this.o.log.warn({ err: e }, 'federation: the task status watch stopped'));
  }

  private openStatus(key: string, value: Uint8Array): MeshTaskStatus | undefined {
    try {
      const { text, signature } = JSON.parse(Buffer.from(value).toString('utf8')) as { text?: string; signature?: string };
      const { body } = openMessage('status', text, signature, StatusSchema, { cluster: this.o.config.cluster, trust: this.o.trust });
      if (body.taskId !== taskIdOf(key)) throw new Refused('wrong-subject', `the status of task ${body.taskId} under the key of task ${taskIdOf(key)}`);
      return { ...body, score: 0, queueWaitMs: body.startedAt ? body.startedAt - body.queuedAt : 0 };
    } catch (e) {
      this.refused(e, `status ${key}`);
      return undefined;
    }
  }

  private remember(s: MeshTaskStatus): void {
    this.statuses.delete(s.taskId);
    this.statuses.set(s.taskId, s);
    if (this.statuses.size > STATUS_MEMORY) this.statuses.delete(this.statuses.keys().next().value!);
  }

  private async putStatus(s: MeshTaskStatus, revision: number | 'create'): Promise<number> {
    const { score: _s, queueWaitMs: _q, ...body } = s;
    const signed = await signMessage('status', { ...body, output: Buffer.from(s.output).toString('base64') }, this.signer);
    const value = JSON.stringify(signed);
    const rev = revision === 'create' ? await this.kv!.create(taskKey(s.taskId), value) : await this.kv!.update(taskKey(s.taskId), value, revision);
    this.remember(s);
    return rev;
  }

  /** The entry as the bucket holds it now (not as the watch has seen it so far). */
  private async current(id: string): Promise<{ status: MeshTaskStatus; revision: number } | undefined> {
    const e = await this.kv!.get(taskKey(id));
    if (!e || e.operation !== 'PUT') return undefined;
    const status = this.openStatus(e.key, e.value);
    return status && { status, revision: e.revision };
  }

  // ------------------------------------------------------------------ submitting

  async submit(t: { id: string; spec: TaskSpec; agentId: string; handler: string; queuedAt: number }): Promise<void> {
    if (!this.o.link.connected() || !this.js || !this.kv) {
      throw unavailable(`tasks.distribution is "federation" and NATS is unreachable (${this.o.link.lastError || 'connecting'}): the task was not committed; retry later`);
    }
    const status: MeshTaskStatus = {
      taskId: t.id, state: 'queued', agentId: t.agentId, handler: `driver:${t.handler}`, attempts: 0, queuedAt: t.queuedAt, startedAt: 0, finishedAt: 0,
      error: '', output: new Uint8Array(0), keysWritten: [], score: 0, queueWaitMs: 0, node: this.o.nodeId,
    };
    try {
      await this.putStatus(status, 'create');
    } catch (e) {
      if (await this.current(t.id).catch(() => undefined)) throw failedPrecondition(`field 'task.id': a task with id '${t.id}' already exists in the federation; use a new id or leave it empty`);
      throw unavailable(`the task could not be recorded in the federation (${(e as Error).message}); retry`);
    }
    const body: Omit<TaskMessage, 'payload'> & { payload: string } = {
      id: t.id, agentId: t.agentId, handler: t.handler, payload: Buffer.from(t.spec.payload).toString('base64'), maxRetries: t.spec.maxRetries, deadline: t.spec.deadline, queuedAt: t.queuedAt,
    };
    const signed = await signMessage('task', body, this.signer);
    try {
      // The task id is JetStream's de-duplication id: a retried publish is stored once.
      await this.js.publish(workSubject(this.o.config.cluster, driverName(t.handler)), signed.text, { headers: this.headersOf(signed.signature), msgID: `task:${t.id}` });
    } catch (e) {
      const error = `the task could not be put on the work queue (${(e as Error).message})`;
      await this.putStatus({ ...status, state: 'failed', finishedAt: Date.now(), error }, (await this.current(t.id))?.revision ?? 0).catch(() => undefined);
      throw unavailable(`${error}; retry`);
    }
    this.record('task.queued', body, { handler: t.handler, provider: 'driver', distributed: true });
  }

  private headersOf(signature: string) {
    const h = natsHeaders();
    h.set(HEADER.signature, signature);
    return h;
  }

  // ------------------------------------------------------------------ taking

  /** Pulls for every driver this kernel has loaded, and stops for those it unloaded. */
  private refresh(): void {
    if (this.closed) return;
    const names = new Set((this.host?.runner()?.list() ?? []).map((d) => d.name));
    for (const [name, loop] of this.pulling) if (!names.has(name)) (loop.stop = true), this.pulling.delete(name);
    for (const name of names) {
      if (this.pulling.has(name)) continue;
      const loop = { stop: false };
      this.pulling.set(name, loop);
      void this.pull(name, loop);
    }
    this.refreshTimer = setTimeout(() => this.refresh(), 500);
  }

  private async consumer(name: string): Promise<Consumer> {
    const { config } = this.o;
    const jsm = await jetstreamManager(this.o.link.nc!);
    const stream = workStream(config.cluster);
    const durable = workConsumer(name);
    const cfg = { durable_name: durable, filter_subject: workSubject(config.cluster, name), ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, ack_wait: config.workAckWaitMs * 1_000_000, max_deliver: -1 };
    await jsm.consumers.info(stream, durable).catch(() => jsm.consumers.add(stream, cfg).catch(() => jsm.consumers.info(stream, durable)));
    return this.js!.consumers.get(stream, durable);
  }

  private async pull(name: string, loop: { stop: boolean }): Promise<void> {
    let backoff = 100;
    while (!loop.stop && !this.closed) {
      try {
        const consumer = await this.consumer(name);
        while (!loop.stop && !this.closed) {
          await this.slot();
          const m = await consumer.next({ expires: 2000 }).catch((e) => {
            this.release();
            throw e;
          });
          if (!m) {
            this.release();
            continue;
          }
          void this.take(m).finally(() => this.release());
          backoff = 100;
        }
      } catch (e) {
        if (this.closed) return;
        this.o.log.debug({ err: e, driver: name }, 'federation: pulling tasks failed; retrying');
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, 5000);
      }
    }
  }

  /** Waits for room: this kernel runs at most as many taken tasks at once as its driver pool. */
  private async slot(): Promise<void> {
    while (this.running >= Math.max(1, this.host?.runner()?.capacity ?? 1)) await new Promise<void>((r) => this.slotWaiters.push(r));
    this.running++;
  }

  private release(): void {
    this.running--;
    this.slotWaiters.shift()?.();
  }

  /** Runs one delivery of a task; acknowledges it once the task is finished here or elsewhere. */
  private async take(m: JsMsg): Promise<void> {
    let task: TaskMessage;
    try {
      task = openMessage('task', m.string(), m.headers?.get(HEADER.signature) || undefined, TaskMessageSchema, { cluster: this.o.config.cluster, trust: this.o.trust }).body;
      if (m.subject !== workSubject(this.o.config.cluster, driverName(task.handler))) throw new Refused('wrong-subject', `task ${task.id} for driver ${task.handler} arrived on ${m.subject}`);
    } catch (e) {
      this.refused(e, `task on ${m.subject}`);
      m.term();
      return;
    }
    const host = this.host!;
    const runner = host.runner();
    const known = await this.current(task.id);
    if (known && FINISHED.has(known.status.state)) return void m.ack();
    if (!runner?.has(task.handler)) return void m.nak(1000);
    const attempts = (known?.status.attempts ?? 0) + 1;
    const now = Date.now();
    const base: MeshTaskStatus = known?.status ?? {
      taskId: task.id, state: 'queued', agentId: task.agentId, handler: `driver:${task.handler}`, attempts: 0, queuedAt: task.queuedAt, startedAt: 0, finishedAt: 0,
      error: '', output: new Uint8Array(0), keysWritten: [], score: 0, queueWaitMs: 0, node: '',
    };
    const running: MeshTaskStatus = { ...base, state: 'running', attempts, startedAt: now, node: this.o.nodeId };
    let revision: number;
    try {
      revision = await this.putStatus(running, known?.revision ?? 'create');
    } catch {
      // Another kernel changed the entry since it was read: the next delivery reads it again.
      return void m.nak(100);
    }
    const timeoutMs = Math.min(host.taskTimeoutMs, task.deadline ? task.deadline - now : Infinity);
    this.record('task.dispatched', task, { driver: task.handler, attempt: attempts, redelivered: m.info.redelivered, deliveries: m.info.deliveryCount });
    // While it runs, the ack wait is renewed; a kernel that dies stops renewing it.
    const keepAlive = setInterval(() => m.working(), Math.max(100, this.o.config.workAckWaitMs / 3));
    const staging = host.context().begin(task.id, task.agentId);
    try {
      if (timeoutMs <= 0) throw deadlineExceeded(`task '${task.id}' missed its deadline while queued`);
      const out = await runner.invoke(task.handler, task.payload, { staging, timeoutMs, caller: task.agentId, taskId: task.id });
      const keysWritten = staging.writes().map((w) => `${w.namespace}/${w.key}`);
      const done: MeshTaskStatus = { ...running, state: 'succeeded', finishedAt: Date.now(), output: out.output, keysWritten, error: '' };
      const refusal = host.audit().refusal();
      if (refusal && keysWritten.length) throw unavailable(`task '${task.id}': its writes are not committed: ${refusal}`);
      try {
        await this.putStatus(done, revision);
      } catch {
        // Another kernel took the task over (this one's ack wait ran out) and owns it now.
        staging.discard();
        this.record('task.superseded', task, { driver: task.handler, attempt: attempts });
        return;
      }
      staging.commit();
      m.ack();
      this.record('task.succeeded', task, { driver: out.driver, attempt: attempts, durationMs: out.durationMs, keysWritten });
    } catch (e) {
      staging.discard();
      // Shut down mid-task: another kernel takes the task at once.
      if (this.closed) return void m.nak();
      const error = e instanceof Error ? e.message : String(e);
      const code = e instanceof SyscallError ? e.code : Code.UNKNOWN;
      const retry = attempts <= task.maxRetries && !this.closed;
      const next: MeshTaskStatus = retry ? { ...running, state: 'queued', error } : { ...running, state: 'failed', finishedAt: Date.now(), error };
      try {
        await this.putStatus(next, revision);
      } catch {
        return;
      }
      if (retry) {
        m.nak();
        this.record('task.retried', task, { driver: task.handler, attempt: attempts, error, code });
      } else {
        m.ack();
        this.record('task.failed', task, { driver: task.handler, attempt: attempts, error, code }, 'error');
      }
    } finally {
      clearInterval(keepAlive);
    }
  }

  // ------------------------------------------------------------------ facts

  private record(syscall: string, task: Pick<TaskMessage, 'id' | 'agentId'>, evidence: Record<string, unknown>, outcome: AuditEntry['outcome'] = 'ok'): void {
    this.host?.audit().record({
      time: Date.now(), caller: task.agentId, callerKind: task.agentId === 'admin' ? 'admin' : 'agent', syscall, door: 'kernel', target: `Task::${task.id}`, outcome,
      code: outcome === 'ok' ? Code.OK : ((evidence.code as Code | undefined) ?? Code.UNKNOWN), message: typeof evidence.error === 'string' ? evidence.error : undefined,
      requestId: task.id, traceId: '', spanId: '', taskId: task.id, durationUs: 0, evidence: { node: this.o.nodeId, ...evidence },
    });
  }

  private refused(e: unknown, what: string): void {
    reportRefused(e, what, { ...this.o, audit: this.host?.audit() });
  }

  health(): Record<string, string> {
    return { pulling: [...this.pulling.keys()].join(', '), slots_busy: String(this.running), tasks_known: String(this.statuses.size) };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.refreshTimer);
    for (const loop of this.pulling.values()) loop.stop = true;
    this.watcher?.stop();
    for (const w of this.slotWaiters.splice(0)) w();
  }
}
