// A task's shapes: as submitted, as the scheduler keeps it, as callers see it; and what the
// scheduler needs of whatever runs tasks.
import type { CommittedWrite, Staging } from '../context/index.ts';
import type { CancelSignal } from '../drivers/runtime.ts';
import type { Dimensions } from './score.ts';
import type { TaskSignal } from './signal.ts';

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
export const FINISHED: ReadonlySet<TaskState> = new Set(['succeeded', 'failed', 'rolled_back', 'cancelled']);

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

export interface TaskRecord {
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
  /** Its place in the queues while queued, else -1. */
  slot: number;
  controller?: TaskSignal;
  decisionId?: string;
}

/** A task's life as the scheduler keeps it: what dispatch and rollback change of it. */
export interface Lifecycle {
  readonly closed: boolean;
  setState(r: TaskRecord, state: TaskState): void;
  finish(r: TaskRecord, state: TaskState, evidence: Record<string, unknown>): void;
  event(syscall: string, r: TaskRecord, evidence: Record<string, unknown>): void;
  addLoad(handler: string, delta: number): void;
  /** Back into its queue, for another attempt. */
  requeue(r: TaskRecord): void;
}
