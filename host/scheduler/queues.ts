// Queueing: a priority heap with aging per submitting agent, and which task goes next:
// stride scheduling over agents' share weights, unless a task beats the fair pick by
// scheduler.preemptMargin. Tasks sit in slots, the heaps' handles for them.
import type { Agent } from '../agents/index.ts';
import { TokenBucket } from './bucket.ts';
import type { SchedulerConfig } from './config.ts';
import { ReferenceHeap, type PriorityHeap } from './heap.ts';
import type { TaskRecord } from './task.ts';
import { WasmHeap } from './wasm-heap.ts';

export interface AgentQueue {
  heap: PriorityHeap;
  reserved: number;
  /** Stride scheduling: advanced by 1/weight per dispatch; the lowest pass goes next. */
  pass: number;
  weight: number;
  bucket: TokenBucket;
}

export class Queues {
  private readonly byAgent = new Map<string, AgentQueue>();
  private readonly slots: (TaskRecord | undefined)[] = [];
  private readonly freeSlots: number[] = [];
  private lastPass = 0;
  /** Tasks queued, over all agents. */
  size = 0;

  constructor(
    private readonly cfg: SchedulerConfig,
    private readonly opts: { heapModule?: WebAssembly.Module; clock: () => number; epoch: number },
  ) {}

  /** The agent's queue, made on its first task. */
  of(agent: Agent): AgentQueue {
    let q = this.byAgent.get(agent.agentId);
    if (!q) {
      const heap = this.cfg.heap === 'wasm' ? new WasmHeap(this.opts.heapModule!, 64, this.cfg.agingPerSecond) : new ReferenceHeap(64, this.cfg.agingPerSecond);
      q = { heap, reserved: 64, pass: 0, weight: agent.shareWeight, bucket: new TokenBucket(agent.quotaRate, agent.quotaBurst, this.opts.clock()) };
      this.byAgent.set(agent.agentId, q);
    }
    return q;
  }

  get(agentId: string): AgentQueue | undefined {
    return this.byAgent.get(agentId);
  }

  /** An agent's new share weight and quota. */
  refresh(a: Agent): void {
    const q = this.byAgent.get(a.agentId);
    if (!q) return;
    q.weight = a.shareWeight;
    q.bucket.resize(a.quotaRate, a.quotaBurst, this.opts.clock());
  }

  push(r: TaskRecord, q: AgentQueue): void {
    const slot = this.freeSlots.pop() ?? this.slots.length;
    if (slot === this.slots.length) this.slots.push(undefined);
    this.slots[slot] = r;
    r.slot = slot;
    if (slot >= q.reserved) {
      q.reserved = Math.max(64, 2 * q.reserved, slot + 1);
      q.heap.reserve(q.reserved);
    }
    if (!q.heap.size()) q.pass = Math.max(q.pass, this.minPass() ?? this.lastPass);
    q.heap.setNow(this.seconds());
    q.heap.push(slot, r.base, r.spec.deadline || Infinity);
    this.size++;
  }

  /** Stride pick over agents with queued work; a task beating it by preemptMargin goes first. Only while size > 0. */
  pick(): TaskRecord {
    const t = this.seconds();
    let fair: AgentQueue | undefined;
    let fairId = '';
    let best: AgentQueue | undefined;
    let bestPriority = -Infinity;
    for (const [id, q] of this.byAgent) {
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
    this.size--;
    const r = this.slots[slot]!;
    this.release(r);
    return r;
  }

  /** Takes a queued task out (rolled back before it ran). */
  remove(r: TaskRecord): void {
    this.byAgent.get(r.agentId)?.heap.remove(r.slot);
    this.release(r);
    this.size--;
  }

  /** A queued task's new base score (the weights changed). */
  rescore(r: TaskRecord): void {
    this.byAgent.get(r.agentId)!.heap.update(r.slot, r.base);
  }

  /** A queued task's aged score now. */
  score(r: TaskRecord): number {
    const q = this.byAgent.get(r.agentId)!;
    q.heap.setNow(this.seconds());
    return q.heap.priority(r.slot);
  }

  private seconds(): number {
    return (this.opts.clock() - this.opts.epoch) / 1000;
  }

  private minPass(): number | undefined {
    let min: number | undefined;
    for (const q of this.byAgent.values()) if (q.heap.size() && (min === undefined || q.pass < min)) min = q.pass;
    return min;
  }

  private release(r: TaskRecord): void {
    this.slots[r.slot] = undefined;
    this.freeSlots.push(r.slot);
    r.slot = -1;
  }
}
