// What the work queue and the questions need of the kernel, and what the syscalls see of
// the questions: types only, so that a kernel without federation loads no NATS code for them.
import type { FromNode } from '../audit/nodes.ts';
import type { ContextStore } from '../context/index.ts';
import type { AuditSink, Principal } from '../contract/index.ts';
import type { TaskRunner } from '../scheduler/index.ts';

/** The kernel as a peer's task or question reaches it (given once createKernel has opened everything). */
export interface MeshHost {
  /** Runs a syscall in this kernel's own pipeline, as `principal`, through the federation door. */
  dispatch(name: string, request: Record<string, unknown>, principal: Principal): Promise<unknown>;
  runner(): TaskRunner | undefined;
  context(): ContextStore;
  audit(): AuditSink;
  /** scheduler.taskTimeoutMs: the longest a task taken from the queue runs. */
  taskTimeoutMs: number;
}

/** The syscalls a question across the mesh may be. */
export const QUESTION_SYSCALLS = ['sys_explain_action', 'sys_nl_query', 'sys_trace_get'] as const;
export type QuestionSyscall = (typeof QUESTION_SYSCALLS)[number];

/** One peer's answer: the result its own pipeline gave, or the error it answered. */
export type NodeAnswer<T = unknown> = FromNode<T>;

export interface MeshQuestions {
  readonly nodeId: string;
  /** Asks every peer the same question as `principal`; their answers (not this kernel's own), within the federation's question timeout. */
  ask<T>(syscall: QuestionSyscall, request: Record<string, unknown>, principal: Principal): Promise<NodeAnswer<T>[]>;
}
