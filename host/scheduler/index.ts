// The scheduler: tasks queued per submitting agent in priority heaps with aging, picked
// by stride scheduling over agents' share weights (a much higher task may jump the fair
// pick), quota-checked by per-agent token buckets, run on the driver pool with their
// context writes staged, retried, and rolled back. See docs/scheduler.md.
import type { Agent, AgentRegistry } from '../agents/index.ts';
import type { CommittedWrite, ContextStore, Staging } from '../context/index.ts';
import type { CancelSignal } from '../drivers/runtime.ts';
import { Code, SyscallError, deadlineExceeded, failedPrecondition, invalidArgument, resourceExhausted } from '../base/errors.ts';
import { timeOrderedHex } from '../base/ids.ts';
import type { AuditEntry, AuditSink } from '../contract/index.ts';
import { arbitrate, type Candidate, type Decision } from './arbitrate.ts';
import { TokenBucket, type BucketState } from './bucket.ts';
import { WeightsSchema, type SchedulerConfig, type Weights } from './config.ts';
import { ReferenceHeap, type PriorityHeap } from './heap.ts';
import { baseScore, breakdown, urgencyFromDeadline, type Dimensions, type ScoreTerm } from './score.ts';
import { WasmHeap, heapModule } from './wasm-heap.ts';

export { arbitrate } from './arbitrate.ts';
export type { Decision, Ranked } from './arbitrate.ts';

/**
 * A running task's cancellation (rollback, shutdown): the flag and the one listener the
 * runtime registers, without an AbortController's weight (it is made for every task).
 */
class TaskSignal implements CancelSignal {
  aborted = false;
  private listener?: EventListenerObject;

  addEventListener(_type: 'abort', listener: EventListenerObject): void {
    this.listener = listener;
  }

  removeEventListener(_type: 'abort', listener: EventListenerObject): void {
    if (this.listener === listener) this.listener = undefined;
  }

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    const listener = this.listener;
    this.listener = undefined;
    listener?.handleEvent(new Event('abort'));
  }
}

/** What the scheduler needs of the driver runtime (kernel.drivers implements it). */
export interface TaskRunner {
  invoke(
    ref: string,
    input: Uint8Array,
    opts?: { staging?: Staging; timeoutMs?: number; signal?: CancelSignal; caller?: string; taskId?: string },
  ): Promise<{ output: Uint8Array; driver: string; durationMs: number }>;
  list(): { name: string; version: string; capabilities: string[] }[];
  has(ref: string): boolean;
  /** Calls it runs or holds at once: the scheduler keeps this many tasks running. */
  readonly capacity: number;
}

export const TASK_STATES = ['queued', 'assigned', 'running', 'succeeded', 'failed', 'rolled_back', 'cancelled'] as const;
export type TaskState = (typeof TASK_STATES)[number];
const FINISHED: ReadonlySet<TaskState> = new Set(['succeeded', 'failed', 'rolled_back', 'cancelled']);

/** A task as submitted (the proto's Task, decoded and validated). */
export interface TaskSpec {
  id: string;
  description: string;
  requirements: string[];
  metadata: Record<string, string>;
  deadline: number;
  priorityDimensions: Dimensions | null;
  payload: Uint8Array;
  maxRetries: number;
  /** An agent id, "driver:<name>[@version]", or "arbitrate"/"" (the kernel picks). */
  target: string;
}

/** A task's status: what TaskStatus answers and watchers receive. */
export interface TaskStatus {
  taskId: string;
  state: TaskState;
  agentId: string;
  handler: string;
  attempts: number;
  queuedAt: number;
  startedAt: number;
  finishedAt: number;
  error: string;
  output: Uint8Array;
  keysWritten: string[];
  score: number;
  /** From queued to the first start, in ms at sub-millisecond resolution (0 until started). */
  queueWaitMs: number;
}

interface TaskRecord {
  id: string;
  spec: TaskSpec;
  agentId: string;
  provider: 'agent' | 'driver';
  /** Agent id, or the driver reference to invoke. */
  handler: string;
  dims: Dimensions;
  base: number;
  state: TaskState;
  attempts: number;
  queuedAt: number;
  /** performance.now() at queueing, and the wait until the first start. */
  queuedHr: number;
  queueWaitMs: number;
  startedAt: number;
  finishedAt: number;
  error: string;
  output: Uint8Array;
  writes: CommittedWrite[];
  slot: number;
  controller?: TaskSignal;
  decisionId?: string;
}

interface AgentQueue {
  heap: PriorityHeap;
  reserved: number;
  /** Stride scheduling: advanced by 1/weight per dispatch; the lowest pass goes next. */
  pass: number;
  weight: number;
  bucket: TokenBucket;
}

export interface SchedulerDeps {
  config: SchedulerConfig;
  agents: AgentRegistry;
  /** The driver runtime, looked up at each use (it may be opened after the scheduler). */
  runner: () => TaskRunner | undefined;
  context: () => ContextStore | undefined;
  audit: () => AuditSink;
  /** Compiled heap module when config.heap is "wasm". */
  heapModule?: WebAssembly.Module;
  /** Milliseconds; Date.now by default (tests drive their own clock). */
  clock?: () => number;
  /** Where driver tasks go instead of this kernel's queue (tasks.distribution "federation"). */
  distributor?: TaskDistributor;
}

/** A queue elsewhere that driver tasks are committed to, and that knows every task's status (host/federation/work.ts). */
export interface TaskDistributor {
  /** Resolves once the task is durable on the queue: the commit is answered after. */
  submit(task: { id: string; spec: TaskSpec; agentId: string; handler: string; queuedAt: number }): Promise<void>;
  status(id: string): TaskStatus | undefined;
}

/** A task as the console's queue view shows it: its status, its score's terms and its agent's stride standing. */
export interface TaskListing {
  task: TaskStatus;
  scoreBreakdown: ScoreTerm[];
  /** 1 = the highest aged score among queued tasks; 0 when not queued. */
  rank: number;
  agentPass: number;
  shareWeight: number;
}

export interface CommitResult {
  taskId: string;
  state: TaskState;
  queuedAt: number;
  handler: string;
  decision?: Decision;
  /** A distributed task: settles once it is on the queue. */
  published?: Promise<void>;
}

export class Scheduler {
  private weights: Weights;
  private readonly cfg: SchedulerConfig;
  private readonly clock: () => number;
  private readonly epoch: number;
  private readonly records = new Map<string, TaskRecord>();
  private readonly finishedOrder: string[] = [];
  private readonly queues = new Map<string, AgentQueue>();
  private readonly slots: (TaskRecord | undefined)[] = [];
  private readonly freeSlots: number[] = [];
  private readonly watchers = new Map<string, Set<(s: TaskStatus) => void>>();
  /** Tasks queued or running per handler: the arbitration's load term. */
  private readonly load = new Map<string, number>();
  private queued = 0;
  private running = 0;
  private lastPass = 0;
  private pumpScheduled = false;
  private closed = false;
  private readonly unsubscribe: () => void;

  constructor(private readonly deps: SchedulerDeps) {
    this.cfg = deps.config;
    this.weights = deps.config.weights;
    this.clock = deps.clock ?? Date.now;
    this.epoch = this.clock();
    if (this.cfg.heap === 'wasm' && !deps.heapModule) throw new Error('scheduler.heap is "wasm" but no heap module was given');
    this.unsubscribe = deps.agents.onChange((a) => this.refreshAgent(a));
  }

  // ---------------------------------------------------------------- submission

  /** Ranks the candidates for a task without queueing it. */
  arbitrate(spec: TaskSpec, agentId: string): { decision: Decision; base: number; terms: ScoreTerm[] } {
    const agent = this.submitter(agentId);
    const dims = this.dimensions(spec, agent);
    const base = baseScore(dims, this.weights);
    return { decision: arbitrate(spec.requirements, base, this.candidates()), base, terms: breakdown(dims, this.weights) };
  }

  /** Checks quota and bounds, then queues the task (or assigns it to its agent); returns at once. */
  /**
   * Queues a task. `authorizeHandler` is asked once the handler is known (after
   * arbitration), so that running a task on a driver needs the same grant as invoking it.
   */
  commit(spec: TaskSpec, agentId: string, authorizeHandler?: (provider: 'agent' | 'driver', handler: string) => void): CommitResult {
    if (this.closed) throw new SyscallError(Code.UNAVAILABLE, 'the scheduler is shutting down');
    const agent = this.submitter(agentId);
    const now = this.clock();
    const id = spec.id || newTaskId();
    if (this.records.has(id)) throw failedPrecondition(`field 'task.id': a task with id '${id}' already exists; use a new id or leave it empty`);
    if (spec.deadline && spec.deadline <= now) {
      throw invalidArgument(`field 'task.deadline': ${new Date(spec.deadline).toISOString()} is in the past (now ${new Date(now).toISOString()})`);
    }
    const dims = this.dimensions(spec, agent);
    const base = baseScore(dims, this.weights);
    let decision: Decision | undefined;
    let provider: 'agent' | 'driver';
    let handler: string;
    const target = spec.target.trim();
    if (!target || target === 'arbitrate') {
      decision = arbitrate(spec.requirements, base, this.candidates());
      provider = decision.assigned.provider;
      handler = decision.assigned.id;
    } else if (target.startsWith('driver:')) {
      provider = 'driver';
      handler = target.slice('driver:'.length);
      const runner = this.deps.runner();
      if (!runner) throw failedPrecondition(`field 'task.target': '${target}' names a driver, but this kernel has no driver runtime`);
      // Distributed, a driver this kernel lacks may be loaded on a peer: the task waits on the queue for one.
      if (!runner.has(handler) && !this.deps.distributor) throw failedPrecondition(`field 'task.target': driver '${handler}' is not loaded; load it with sys_driver_load`);
      // Pin the version loaded now, so that load counts and status name one driver.
      if (!handler.includes('@')) handler = runner.list().filter((d) => d.name === handler).map((d) => `${d.name}@${d.version}`).pop() ?? handler;
    } else {
      provider = 'agent';
      handler = target;
      const a = this.deps.agents.get(target);
      if (!a) throw failedPrecondition(`field 'task.target': agent '${target}' is not registered`);
      if (a.status !== 'active') throw failedPrecondition(`field 'task.target': agent '${target}' is ${a.status}, not active`);
    }
    authorizeHandler?.(provider, handler);
    if (provider === 'driver' && this.queued >= this.cfg.queueBound) {
      throw resourceExhausted(`the task queue is full (${this.queued} of scheduler.queueBound ${this.cfg.queueBound}); retry later`, {
        queueFull: true,
        queued: this.queued,
        queueBound: this.cfg.queueBound,
      });
    }
    const q = this.queue(agent);
    if (!q.bucket.take(now)) {
      const bucket = q.bucket.state(now);
      throw resourceExhausted(
        `agent '${agent.agentId}' is over its quota (${bucket.tokens} of ${bucket.burst} tokens left, refilling at ${bucket.rate}/s; next token in ${bucket.refillInMs} ms)`,
        { throttled: true, agentId: agent.agentId, taskId: id, bucket },
      );
    }
    if (provider === 'driver' && this.deps.distributor) {
      return { taskId: id, state: 'queued', queuedAt: now, handler, decision, published: this.deps.distributor.submit({ id, spec, agentId: agent.agentId, handler, queuedAt: now }) };
    }
    const record: TaskRecord = {
      id,
      spec,
      agentId: agent.agentId,
      provider,
      handler,
      dims,
      base,
      state: 'queued',
      attempts: 0,
      queuedAt: now,
      queuedHr: performance.now(),
      queueWaitMs: 0,
      startedAt: 0,
      finishedAt: 0,
      error: '',
      output: new Uint8Array(0),
      writes: [],
      slot: -1,
      decisionId: decision?.decisionId,
    };
    this.records.set(id, record);
    this.event('task.queued', record, { handler, provider, score: base, decisionId: decision?.decisionId });
    if (provider === 'agent') {
      // The kernel does not run agents: the task waits, assigned, for its agent to report.
      this.addLoad(handler, 1);
      this.setState(record, 'assigned');
    } else {
      this.enqueue(record, q);
      this.schedulePump();
    }
    return { taskId: id, state: record.state, queuedAt: now, handler, decision };
  }

  // ---------------------------------------------------------------- status

  task(id: string): TaskStatus | undefined {
    const r = this.records.get(id);
    return r ? this.status(r) : this.deps.distributor?.status(id);
  }

  tasks(filter: { state?: TaskState; agentId?: string; handler?: string } = {}): TaskStatus[] {
    const out: TaskStatus[] = [];
    for (const r of this.records.values()) {
      if (filter.state && r.state !== filter.state) continue;
      if (filter.agentId && r.agentId !== filter.agentId) continue;
      if (filter.handler && r.handler !== filter.handler) continue;
      out.push(this.status(r));
    }
    return out;
  }

  /**
   * Tasks submitted by or handled by `agentId` (all without it): queued ones first, highest
   * aged score first (ties: earlier deadline, then earlier submission), then the rest newest first.
   */
  list(filter: { state?: TaskState; agentId?: string; limit: number }): TaskListing[] {
    const queued: TaskListing[] = [];
    const rest: TaskListing[] = [];
    const deadline = (l: TaskListing) => this.records.get(l.task.taskId)!.spec.deadline || Infinity;
    for (const r of this.records.values()) {
      if (filter.state && r.state !== filter.state) continue;
      if (filter.agentId && r.agentId !== filter.agentId && r.handler !== filter.agentId) continue;
      const task = this.status(r);
      const q = this.queues.get(r.agentId);
      const rate = this.cfg.agingPerSecond;
      const aging = r.state === 'queued' ? { rate, waitedSeconds: rate > 0 ? (task.score - r.base) / rate : 0 } : undefined;
      const listing = { task, scoreBreakdown: breakdown(r.dims, this.weights, aging), rank: 0, agentPass: q?.pass ?? 0, shareWeight: q?.weight ?? 0 };
      (r.state === 'queued' ? queued : rest).push(listing);
    }
    queued.sort((a, b) => b.task.score - a.task.score || deadline(a) - deadline(b) || a.task.queuedAt - b.task.queuedAt);
    queued.forEach((l, i) => (l.rank = i + 1));
    rest.sort((a, b) => b.task.queuedAt - a.task.queuedAt);
    return [...queued, ...rest].slice(0, filter.limit);
  }

  /** Calls `listener` with the task's status now and on every change; returns the unsubscribe. */
  watch(id: string, listener: (s: TaskStatus) => void): () => void {
    const r = this.records.get(id);
    if (!r) throw new SyscallError(Code.NOT_FOUND, `no task '${id}' (finished tasks are kept for the last scheduler.retainFinished)`);
    let set = this.watchers.get(id);
    if (!set) this.watchers.set(id, (set = new Set()));
    set.add(listener);
    listener(this.status(r));
    return () => {
      set.delete(listener);
      if (!set.size) this.watchers.delete(id);
    };
  }

  /** The outcome of a task assigned to an agent, reported by that agent. */
  report(id: string, reporter: string, outcome: { state: 'succeeded' | 'failed'; output?: Uint8Array; error?: string }): TaskStatus {
    const r = this.mustGet(id);
    if (r.provider !== 'agent') throw failedPrecondition(`task '${id}' runs on driver '${r.handler}'; only tasks assigned to an agent take reports`);
    if (reporter !== r.handler && reporter !== 'admin') throw new SyscallError(Code.PERMISSION_DENIED, `task '${id}' is assigned to agent '${r.handler}', not '${reporter}'`);
    if (r.state !== 'assigned') throw failedPrecondition(`task '${id}' is ${r.state}; only an assigned task takes a report`);
    r.attempts = 1;
    r.output = outcome.output ?? new Uint8Array(0);
    r.error = outcome.error ?? '';
    this.addLoad(r.handler, -1);
    this.finish(r, outcome.state, { reportedBy: reporter, error: r.error || undefined });
    return this.status(r);
  }

  // ---------------------------------------------------------------- rollback

  /**
   * Queued → removed; assigned or running → cancelled (a running driver call is aborted and
   * its staged writes discarded); succeeded → every key it wrote goes back to its value
   * before the task, in one transaction, unless a later write moved it (→ FAILED_PRECONDITION
   * naming the keys) and `force` is not set.
   */
  rollback(id: string, opts: { reason: string; force: boolean; author: string }): { state: string; keysRestored: string[] } {
    const r = this.mustGet(id);
    const why = { reason: opts.reason || undefined, by: opts.author };
    switch (r.state) {
      case 'queued':
        this.queues.get(r.agentId)?.heap.remove(r.slot);
        this.releaseSlot(r);
        this.queued--;
        this.addLoad(r.handler, -1);
        r.error = `removed from the queue${opts.reason ? `: ${opts.reason}` : ''}`;
        this.finish(r, 'cancelled', why);
        return { state: 'removed', keysRestored: [] };
      case 'assigned':
      case 'running':
        r.controller?.abort();
        this.addLoad(r.handler, -1);
        r.error = `cancelled${opts.reason ? `: ${opts.reason}` : ''}`;
        this.finish(r, 'cancelled', why);
        return { state: 'cancelled', keysRestored: [] };
      case 'succeeded': {
        const keys = this.compensate(r, opts);
        this.finish(r, 'rolled_back', { ...why, keysRestored: keys });
        return { state: 'rolled_back', keysRestored: keys };
      }
      default:
        throw failedPrecondition(`task '${id}' is ${r.state}; only a queued, running or succeeded task can be rolled back`);
    }
  }

  private compensate(r: TaskRecord, opts: { force: boolean; author: string }): string[] {
    if (!r.writes.length) return [];
    const context = this.deps.context();
    if (!context) throw failedPrecondition(`task '${r.id}' wrote context, but this kernel has no context store to roll it back in`);
    const head = (w: CommittedWrite, beforeVersion?: number) => context.versions(w.namespace, w.key, { limit: 1, beforeVersion }).versions[0];
    const moved = r.writes.filter((w) => head(w)?.version !== w.version);
    if (moved.length && !opts.force) {
      throw failedPrecondition(
        `cannot roll back task '${r.id}': ${moved.map((w) => `'${w.namespace}/${w.key}'`).join(', ')} changed since the task wrote ${moved.length > 1 ? 'them' : 'it'}; pass force to overwrite`,
        { conflicts: moved.map((w) => `${w.namespace}/${w.key}`) },
      );
    }
    // One staging area = one transaction for every compensating write.
    const staging = context.begin(`${r.id}:rollback`, opts.author);
    try {
      for (const w of r.writes) {
        const previous = w.previousVersion ? head(w, w.previousVersion + 1) : undefined;
        if (!previous || previous.deleted) {
          if (!head(w)?.deleted) staging.delete(w.namespace, w.key);
          continue;
        }
        const before = context.read(w.namespace, w.key, { version: w.previousVersion });
        staging.write(w.namespace, w.key, before.value, { metadata: { ...before.metadata, rollbackOf: r.id }, contentType: before.contentType });
      }
      staging.commit();
    } catch (e) {
      staging.discard();
      throw e;
    }
    return r.writes.map((w) => `${w.namespace}/${w.key}`);
  }

  // ---------------------------------------------------------------- configuration

  /** New dimension weights, applied to queued tasks at once (their enqueue times are kept). */
  reloadWeights(weights: unknown): Weights {
    const parsed = WeightsSchema.safeParse(weights);
    if (!parsed.success) throw invalidArgument(`scheduler.weights: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(all)'}: ${i.message}`).join('; ')}`);
    this.weights = parsed.data;
    for (const r of this.records.values()) {
      r.base = baseScore(r.dims, this.weights);
      if (r.state === 'queued') this.queues.get(r.agentId)!.heap.update(r.slot, r.base);
    }
    return this.weights;
  }

  currentWeights(): Weights {
    return { ...this.weights };
  }

  /** What the queue view explains its order by: weights, aging rate, preemption margin, counts. */
  standing() {
    return { weights: this.currentWeights(), agingPerSecond: this.cfg.agingPerSecond, preemptMargin: this.cfg.preemptMargin, queued: this.queued, running: this.running };
  }

  /** The agent's token bucket now (for explanations and the CLI). */
  bucket(agentId: string): BucketState | undefined {
    return this.queues.get(agentId)?.bucket.state(this.clock());
  }

  health() {
    return {
      status: 'ok' as const,
      details: {
        queued: String(this.queued),
        running: String(this.running),
        concurrency: String(this.concurrency()),
        queue_bound: String(this.cfg.queueBound),
        heap: this.cfg.heap,
        driver_runtime: String(!!this.deps.runner()),
      },
    };
  }

  /** Stops dispatching and cancels running tasks (their staged writes are discarded). */
  close(): void {
    this.closed = true;
    this.unsubscribe();
    for (const r of this.records.values()) if (r.state === 'running') r.controller?.abort();
  }

  // ---------------------------------------------------------------- dispatch

  private schedulePump(): void {
    if (this.pumpScheduled || this.closed) return;
    this.pumpScheduled = true;
    queueMicrotask(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    const limit = this.concurrency();
    while (!this.closed && this.running < limit && this.queued > 0) {
      const r = this.pick();
      this.start(r);
    }
  }

  private concurrency(): number {
    return this.cfg.concurrency || this.deps.runner()?.capacity || 1;
  }

  /** Stride pick over agents with queued work; a task beating it by preemptMargin goes first. */
  private pick(): TaskRecord {
    const t = (this.clock() - this.epoch) / 1000;
    let fair: AgentQueue | undefined;
    let fairId = '';
    let best: AgentQueue | undefined;
    let bestPriority = -Infinity;
    for (const [id, q] of this.queues) {
      if (!q.heap.size()) continue;
      q.heap.setNow(t);
      if (!fair || q.pass < fair.pass || (q.pass === fair.pass && id < fairId)) [fair, fairId] = [q, id];
      const p = q.heap.priority(q.heap.peek());
      if (p > bestPriority) [best, bestPriority] = [q, p];
    }
    const fairPriority = fair!.heap.priority(fair!.heap.peek());
    const q = bestPriority - fairPriority >= this.cfg.preemptMargin ? best! : fair!;
    const slot = q.heap.pop();
    q.pass += 1 / q.weight;
    this.lastPass = q.pass;
    this.queued--;
    const r = this.slots[slot]!;
    this.releaseSlot(r);
    return r;
  }

  private start(r: TaskRecord): void {
    const runner = this.deps.runner();
    const now = this.clock();
    const timeoutMs = Math.min(this.cfg.taskTimeoutMs, r.spec.deadline ? r.spec.deadline - now : Infinity);
    if (!runner || timeoutMs <= 0) {
      const e = !runner ? failedPrecondition('the driver runtime is not available') : deadlineExceeded(`task '${r.id}' missed its deadline while queued`);
      r.error = e.message;
      this.addLoad(r.handler, -1);
      this.finish(r, 'failed', { driver: r.handler, attempt: r.attempts, error: r.error, code: e.code });
      return;
    }
    if (r.attempts === 0) r.queueWaitMs = performance.now() - r.queuedHr;
    r.attempts++;
    r.startedAt = now;
    this.running++;
    this.setState(r, 'running');
    this.event('task.dispatched', r, { driver: r.handler, attempt: r.attempts, queueWaitMs: performance.now() - r.queuedHr });
    const staging = this.deps.context()?.begin(r.id, r.agentId);
    const controller = (r.controller = new TaskSignal());
    let result: Promise<{ output: Uint8Array; driver: string; durationMs: number }>;
    try {
      result = runner.invoke(r.handler, r.spec.payload, { staging, timeoutMs, signal: controller, caller: r.agentId, taskId: r.id });
    } catch (e) {
      result = Promise.reject(e);
    }
    result.then(
      (out) => this.settle(r, staging, undefined, true, out),
      (err) => this.settle(r, staging, err, !r.spec.deadline || r.spec.deadline > this.clock()),
    );
  }

  private settle(
    r: TaskRecord,
    staging: Staging | undefined,
    err: unknown,
    mayRetry: boolean,
    out?: { output: Uint8Array; driver: string; durationMs: number },
  ): void {
    this.running--;
    r.controller = undefined;
    if (r.state !== 'running') {
      // Cancelled (rollback, shutdown) while the driver ran: nothing of it is kept.
      staging?.discard();
      this.schedulePump();
      return;
    }
    if (out) {
      try {
        // A change the audit log cannot record is not made (docs/audit.md).
        const refusal = staging && this.deps.audit().refusal();
        if (refusal) throw new SyscallError(Code.UNAVAILABLE, `task '${r.id}': its writes are not committed: ${refusal}`);
        r.writes = staging?.commit() ?? [];
        r.output = out.output;
        this.addLoad(r.handler, -1);
        this.finish(r, 'succeeded', { driver: out.driver, attempt: r.attempts, durationMs: out.durationMs, keysWritten: r.writes.map((w) => `${w.namespace}/${w.key}`) });
        this.schedulePump();
        return;
      } catch (e) {
        err = e;
      }
    } else staging?.discard();
    r.error = err instanceof Error ? err.message : String(err);
    const code = err instanceof SyscallError ? err.code : Code.UNKNOWN;
    if (mayRetry && !this.closed && r.attempts <= r.spec.maxRetries) {
      this.event('task.retried', r, { driver: r.handler, attempt: r.attempts, error: r.error, code });
      this.enqueue(r, this.queues.get(r.agentId)!);
    } else {
      this.addLoad(r.handler, -1);
      this.finish(r, 'failed', { driver: r.handler, attempt: r.attempts, error: r.error, code });
    }
    this.schedulePump();
  }

  // ---------------------------------------------------------------- bookkeeping

  private enqueue(r: TaskRecord, q: AgentQueue): void {
    const slot = this.freeSlots.pop() ?? this.slots.length;
    if (slot === this.slots.length) this.slots.push(undefined);
    this.slots[slot] = r;
    r.slot = slot;
    if (slot >= q.reserved) {
      q.reserved = Math.max(64, 2 * q.reserved, slot + 1);
      q.heap.reserve(q.reserved);
    }
    if (!q.heap.size()) q.pass = Math.max(q.pass, this.minPass() ?? this.lastPass);
    q.heap.setNow((this.clock() - this.epoch) / 1000);
    q.heap.push(slot, r.base, r.spec.deadline || Infinity);
    this.queued++;
    if (r.attempts === 0) this.addLoad(r.handler, 1);
    this.setState(r, 'queued');
  }

  private minPass(): number | undefined {
    let min: number | undefined;
    for (const q of this.queues.values()) if (q.heap.size() && (min === undefined || q.pass < min)) min = q.pass;
    return min;
  }

  private releaseSlot(r: TaskRecord): void {
    this.slots[r.slot] = undefined;
    this.freeSlots.push(r.slot);
    r.slot = -1;
  }

  private queue(agent: Agent): AgentQueue {
    let q = this.queues.get(agent.agentId);
    if (!q) {
      const heap = this.cfg.heap === 'wasm' ? new WasmHeap(this.deps.heapModule!, 64, this.cfg.agingPerSecond) : new ReferenceHeap(64, this.cfg.agingPerSecond);
      q = { heap, reserved: 64, pass: 0, weight: agent.shareWeight, bucket: new TokenBucket(agent.quotaRate, agent.quotaBurst, this.clock()) };
      this.queues.set(agent.agentId, q);
    }
    return q;
  }

  private refreshAgent(a: Agent): void {
    const q = this.queues.get(a.agentId);
    if (!q) return;
    q.weight = a.shareWeight;
    q.bucket.resize(a.quotaRate, a.quotaBurst, this.clock());
  }

  private submitter(agentId: string): Agent {
    const agent = this.deps.agents.get(agentId);
    if (!agent) {
      // The admin (the operator, or the program embedding the kernel) has no quota.
      if (agentId === 'admin') return { agentId: 'admin', capabilities: [], claimedCapabilities: [], registeredBy: 'admin', ...this.cfg.agentDefaults, trust: 1, quotaRate: Infinity, quotaBurst: Infinity, status: 'active', groups: [], metadata: {}, registeredAt: this.epoch };
      throw failedPrecondition(`field 'task.agent_id': agent '${agentId}' is not registered; register it with sys_agent_register`);
    }
    if (agent.status === 'suspended') throw failedPrecondition(`field 'task.agent_id': agent '${agentId}' is suspended and may not submit tasks`);
    return agent;
  }

  /** The task's dimensions as scored: urgency from the deadline when not given; trust capped by the agent's. */
  private dimensions(spec: TaskSpec, agent: Agent): Dimensions {
    const d = spec.priorityDimensions ?? { urgency: 0, importance: 0, efficiency: 0, energy: 0, trust: 0 };
    const urgency = d.urgency === 0 && spec.deadline ? urgencyFromDeadline(spec.deadline, this.clock(), this.cfg.deadlineHorizonMs) : d.urgency;
    return { ...d, urgency, trust: d.trust > 0 ? Math.min(d.trust, agent.trust) : agent.trust };
  }

  private candidates(): Candidate[] {
    const agents: Candidate[] = this.deps.agents
      .list({ status: 'active' })
      .map((a) => ({ id: a.agentId, provider: 'agent', capabilities: a.capabilities, trust: a.trust, active: this.load.get(a.agentId) ?? 0 }));
    const drivers: Candidate[] = (this.deps.runner()?.list() ?? []).map((d) => {
      const id = `${d.name}@${d.version}`;
      return { id, provider: 'driver', capabilities: [d.name, ...d.capabilities], trust: this.cfg.driverTrust, active: this.load.get(id) ?? 0 };
    });
    return [...agents, ...drivers];
  }

  private addLoad(handler: string, delta: number): void {
    const n = (this.load.get(handler) ?? 0) + delta;
    if (n > 0) this.load.set(handler, n);
    else this.load.delete(handler);
  }

  private mustGet(id: string): TaskRecord {
    const r = this.records.get(id);
    if (!r) throw new SyscallError(Code.NOT_FOUND, `no task '${id}' (finished tasks are kept for the last scheduler.retainFinished)`);
    return r;
  }

  private finish(r: TaskRecord, state: TaskState, evidence: Record<string, unknown>): void {
    const first = !FINISHED.has(r.state);
    r.finishedAt = this.clock();
    this.setState(r, state);
    const event = { succeeded: 'task.succeeded', failed: 'task.failed', cancelled: 'task.cancelled', rolled_back: 'task.rolled_back' }[state as string];
    if (event) this.event(event, r, evidence, state === 'failed' ? 'error' : 'ok');
    if (!first) return;
    this.finishedOrder.push(r.id);
    while (this.finishedOrder.length > this.cfg.retainFinished) {
      const old = this.finishedOrder.shift()!;
      this.records.delete(old);
      this.watchers.delete(old);
    }
  }

  private setState(r: TaskRecord, state: TaskState): void {
    r.state = state;
    const set = this.watchers.get(r.id);
    if (!set) return;
    const s = this.status(r);
    for (const l of set) l(s);
  }

  private status(r: TaskRecord): TaskStatus {
    const q = r.state === 'queued' ? this.queues.get(r.agentId) : undefined;
    if (q) q.heap.setNow((this.clock() - this.epoch) / 1000);
    return {
      taskId: r.id,
      state: r.state,
      agentId: r.agentId,
      handler: r.provider === 'driver' ? `driver:${r.handler}` : r.handler,
      attempts: r.attempts,
      queuedAt: r.queuedAt,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
      error: r.error,
      output: r.output,
      keysWritten: r.writes.map((w) => `${w.namespace}/${w.key}`),
      score: q ? q.heap.priority(r.slot) : r.base,
      queueWaitMs: r.queueWaitMs,
    };
  }

  private event(syscall: string, r: TaskRecord, evidence: Record<string, unknown>, outcome: AuditEntry['outcome'] = 'ok'): void {
    this.deps.audit().record({
      time: this.clock(),
      caller: r.agentId,
      callerKind: r.agentId === 'admin' ? 'admin' : 'agent',
      syscall,
      door: 'kernel',
      target: `Task::${r.id}`,
      outcome,
      code: outcome === 'ok' ? Code.OK : ((evidence.code as number) ?? Code.UNKNOWN),
      message: typeof evidence.error === 'string' ? evidence.error : undefined,
      requestId: r.id,
      traceId: '',
      spanId: '',
      taskId: r.id,
      durationUs: 0,
      evidence,
    });
  }
}

/** A task id for a submission that names none: time-ordered, so its index grows at its end. */
export const newTaskId = () => `task-${timeOrderedHex(10)}`;

/** The scheduler as createKernel opens it: the heap module built (or loaded from build/) first. */
export async function createScheduler(deps: Omit<SchedulerDeps, 'heapModule'>): Promise<Scheduler> {
  const module = deps.config.heap === 'wasm' ? await heapModule() : undefined;
  return new Scheduler({ ...deps, heapModule: module });
}
