// The scheduler: tasks queued per submitting agent in priority heaps with aging, picked
// by stride scheduling over agents' share weights (a much higher task may jump the fair
// pick), quota-checked by per-agent token buckets, run on the driver pool with their
// context writes staged, retried, and rolled back. See docs/scheduler.md.
//
// This file takes submissions, answers status and keeps each task's life (its record, its
// watchers, its audit events); each other job has a file: queueing (queues.ts), running
// (dispatch.ts), undoing (rollback.ts), cancelling a running task (signal.ts).
import type { Agent, AgentRegistry } from '../agents/index.ts';
import type { ContextStore } from '../context/index.ts';
import { failedPrecondition, invalidArgument, notFound, permissionDenied, resourceExhausted, unavailable, type ErrorCode } from '../base/errors.ts';
import { timeOrderedHex } from '../base/ids.ts';
import type { AuditEntry, AuditSink } from '../contract/index.ts';
import { arbitrate, type Candidate, type Decision } from './arbitrate.ts';
import type { BucketState } from './bucket.ts';
import { WeightsSchema, type SchedulerConfig, type Weights } from './config.ts';
import { Dispatcher } from './dispatch.ts';
import { Queues } from './queues.ts';
import { rollback, type RollbackOptions } from './rollback.ts';
import { baseScore, breakdown, urgencyFromDeadline, type Dimensions, type ScoreTerm } from './score.ts';
import { FINISHED, type Lifecycle, type TaskRecord, type TaskRunner, type TaskSpec, type TaskState, type TaskStatus } from './task.ts';
import { heapModule } from './wasm-heap.ts';

export { arbitrate } from './arbitrate.ts';
export type { Decision, Ranked } from './arbitrate.ts';
export { TASK_STATES, type TaskRunner, type TaskSpec, type TaskState, type TaskStatus } from './task.ts';

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
  private readonly queues: Queues;
  private readonly dispatcher: Dispatcher;
  private readonly watchers = new Map<string, Set<(s: TaskStatus) => void>>();
  /** Tasks queued or running per handler: the arbitration's load term. */
  private readonly load = new Map<string, number>();
  private closed = false;
  /** What dispatch and rollback change of a task's life. */
  private readonly life: Lifecycle;
  private readonly unsubscribe: () => void;

  constructor(private readonly deps: SchedulerDeps) {
    this.cfg = deps.config;
    this.weights = deps.config.weights;
    this.clock = deps.clock ?? Date.now;
    this.epoch = this.clock();
    if (this.cfg.heap === 'wasm' && !deps.heapModule) throw new Error('scheduler.heap is "wasm" but no heap module was given');
    this.queues = new Queues(this.cfg, { heapModule: deps.heapModule, clock: this.clock, epoch: this.epoch });
    const self = this;
    this.life = {
      get closed() {
        return self.closed;
      },
      setState: (r, state) => this.setState(r, state),
      finish: (r, state, evidence) => this.finish(r, state, evidence),
      event: (syscall, r, evidence) => this.event(syscall, r, evidence),
      addLoad: (handler, delta) => this.addLoad(handler, delta),
      requeue: (r) => this.enqueue(r),
    };
    this.dispatcher = new Dispatcher(this.cfg, this.queues, this.life, { runner: deps.runner, context: deps.context, audit: deps.audit, clock: this.clock });
    this.unsubscribe = deps.agents.onChange((a) => this.queues.refresh(a));
  }

  // ---------------------------------------------------------------- submission

  /** Ranks the candidates for a task without queueing it. */
  arbitrate(spec: TaskSpec, agentId: string): { decision: Decision; base: number; terms: ScoreTerm[] } {
    const agent = this.submitter(agentId);
    const dims = this.dimensions(spec, agent);
    const base = baseScore(dims, this.weights);
    return { decision: arbitrate(spec.requirements, base, this.candidates()), base, terms: breakdown(dims, this.weights) };
  }

  /**
   * Checks quota and bounds, then queues the task (or assigns it to its agent); returns at once. `authorizeHandler` is asked once the handler is known (after
   * arbitration), so that running a task on a driver needs the same grant as invoking it.
   */
  commit(spec: TaskSpec, agentId: string, authorizeHandler?: (provider: 'agent' | 'driver', handler: string) => void): CommitResult {
    if (this.closed) throw unavailable('the scheduler is shutting down');
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
    if (provider === 'driver' && this.queues.size >= this.cfg.queueBound) {
      throw resourceExhausted(`the task queue is full (${this.queues.size} of scheduler.queueBound ${this.cfg.queueBound}); retry later`, {
        queueFull: true,
        queued: this.queues.size,
        queueBound: this.cfg.queueBound,
      });
    }
    const q = this.queues.of(agent);
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
      this.enqueue(record);
      this.dispatcher.schedule();
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
    if (!r) throw notFound(`no task '${id}' (finished tasks are kept for the last scheduler.retainFinished)`);
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
    if (reporter !== r.handler && reporter !== 'admin') throw permissionDenied(`task '${id}' is assigned to agent '${r.handler}', not '${reporter}'`);
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
   * Queued → removed; assigned or running → cancelled; succeeded → every key it wrote goes
   * back to its value before the task, unless a later write moved it (→ FAILED_PRECONDITION
   * naming the keys) and `force` is not set (rollback.ts).
   */
  rollback(id: string, opts: RollbackOptions): { state: string; keysRestored: string[] } {
    return rollback(this.mustGet(id), opts, { queues: this.queues, life: this.life, context: this.deps.context });
  }

  // ---------------------------------------------------------------- configuration

  /** New dimension weights, applied to queued tasks at once (their enqueue times are kept). */
  reloadWeights(weights: unknown): Weights {
    const parsed = WeightsSchema.safeParse(weights);
    if (!parsed.success) throw invalidArgument(`scheduler.weights: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(all)'}: ${i.message}`).join('; ')}`);
    this.weights = parsed.data;
    for (const r of this.records.values()) {
      r.base = baseScore(r.dims, this.weights);
      if (r.state === 'queued') this.queues.rescore(r);
    }
    return this.weights;
  }

  currentWeights(): Weights {
    return { ...this.weights };
  }

  /** What the queue view explains its order by: weights, aging rate, preemption margin, counts. */
  standing() {
    return { weights: this.currentWeights(), agingPerSecond: this.cfg.agingPerSecond, preemptMargin: this.cfg.preemptMargin, queued: this.queues.size, running: this.dispatcher.running };
  }

  /** The agent's token bucket now (for explanations and the CLI). */
  bucket(agentId: string): BucketState | undefined {
    return this.queues.get(agentId)?.bucket.state(this.clock());
  }

  health() {
    return {
      status: 'ok' as const,
      details: {
        queued: String(this.queues.size),
        running: String(this.dispatcher.running),
        concurrency: String(this.dispatcher.concurrency()),
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

  // ---------------------------------------------------------------- a task's life

  /** Into its agent's queue (first submission or a retry). */
  private enqueue(r: TaskRecord): void {
    this.queues.push(r, this.queues.get(r.agentId)!);
    if (r.attempts === 0) this.addLoad(r.handler, 1);
    this.setState(r, 'queued');
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
    if (!r) throw notFound(`no task '${id}' (finished tasks are kept for the last scheduler.retainFinished)`);
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
      score: r.state === 'queued' ? this.queues.score(r) : r.base,
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
      code: outcome === 'ok' ? 'ok' : ((evidence.code as ErrorCode | undefined) ?? 'unknown'),
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
