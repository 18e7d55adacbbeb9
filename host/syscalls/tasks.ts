// Agents and tasks: thin handlers over the agent registry (host/agents) and the
// scheduler (host/scheduler).
import { z } from 'zod';
import { AGENT_ID as AGENT_ID_PATTERN, AGENT_ID_RULE, AGENT_STATUSES, RESERVED_AGENT_IDS, type Agent, type AgentStatus } from '../agents/index.ts';
import { TASK_STATES, newTaskId, type Decision, type TaskState } from '../scheduler/index.ts';
import { notFound, permissionDenied } from '../base/errors.ts';
import type { CallContext, SyscallDef } from './types.ts';

/** An agent id a registration or a new token may name. */
export const AGENT_ID = z
  .string()
  .regex(AGENT_ID_PATTERN, AGENT_ID_RULE)
  .refine((id) => !RESERVED_AGENT_IDS.includes(id), `${RESERVED_AGENT_IDS.map((id) => `'${id}'`).join(', ')} are the kernel's own principals, reserved: choose another agent id`);
const TASK_ID = z.string().regex(/^([A-Za-z0-9][A-Za-z0-9_.:-]{0,127})?$/, 'a task id is 1-128 of [A-Za-z0-9_.:-], starting with a letter or digit (or empty: the kernel picks one)');
const unit = z.number().min(0).max(1);

const TaskSchema = z.object({
  id: TASK_ID.default(''),
  description: z.string().max(4096).default(''),
  requirements: z.array(z.string().min(1).max(128)).max(64).default([]),
  metadata: z.record(z.string(), z.string()).default({}),
  deadline: z.number().int().min(0).default(0),
  agentId: z.string().default(''),
  priorityDimensions: z.object({ urgency: unit, importance: unit, efficiency: unit, energy: unit, trust: unit }).nullable().default(null),
  payload: z.instanceof(Uint8Array).default(new Uint8Array(0)),
  maxRetries: z.number().int().min(0).max(100).default(0),
  target: z.string().max(256).default(''),
});
type TaskInput = z.infer<typeof TaskSchema>;
const taskRequired = TaskSchema.nullable().transform((t, ctx) => {
  if (t) return t;
  ctx.addIssue({ code: 'custom', message: 'a task is required' });
  return z.NEVER;
});


/** The submitting agent: an agent submits as itself; the admin may name any agent. */
function submitter(call: CallContext, ...named: string[]): string {
  const id = named.find(Boolean) ?? '';
  if (call.caller.kind === 'admin') return id || 'admin';
  if (id && id !== call.caller.id) throw permissionDenied(`agent '${call.caller.id}' may not submit tasks as '${id}' (field 'task.agent_id')`);
  return call.caller.id;
}


function decisionEvidence(d: Decision) {
  return {
    decisionId: d.decisionId,
    assigned: d.assigned.id,
    provider: d.assigned.provider,
    confidence: d.confidence,
    alternatives: d.alternatives.map((a) => ({ id: a.id, provider: a.provider, score: a.score, reason: a.reasonNotSelected })),
  };
}

export const arbitrate: SyscallDef<{ task: TaskInput; policyId: string; context: Record<string, string> }> = {
  schema: z.object({ task: taskRequired, policyId: z.string().default(''), context: z.record(z.string(), z.string()).default({}) }),
  action: 'arbitrate',
  readOnly: () => true,
  resource: (req) => ({ type: 'Task', id: req.task.id || '*' }),
  handle: (req, call) => {
    const agentId = submitter(call, req.task.agentId);
    const { decision, base, terms } = call.services.scheduler.arbitrate(req.task, agentId);
    Object.assign(call.evidence, decisionEvidence(decision), { score: base });
    const ranked = (r: Decision['assigned']) => ({ score: r.score, confidence: r.confidence, breakdown: r.breakdown });
    return {
      result: {
        taskId: req.task.id,
        assignedAgent: decision.assigned.id,
        provider: decision.assigned.provider,
        confidence: decision.confidence,
        reasoning: decision.reasoning,
        metadata: { score: String(decision.assigned.score) },
        traceId: call.traceId,
        timestamp: Date.now(),
        alternatives: decision.alternatives.map((a) => ({ agentId: a.id, provider: a.provider, reasonNotSelected: a.reasonNotSelected, ...ranked(a) })),
        decisionId: decision.decisionId,
        taskScore: base,
        scoreBreakdown: terms,
      },
    };
  },
};

export const commitTask: SyscallDef<{ task: TaskInput; agentId: string }> = {
  schema: z.object({ task: taskRequired, agentId: z.string().default('') }),
  action: 'commit_task',
  resource: (req) => ({ type: 'Task', id: req.task.id || '*' }),
  handle: async (req, call) => {
    const agentId = submitter(call, req.task.agentId, req.agentId);
    // Named before anything can refuse it, so that a throttle's record names its task too.
    call.taskId = req.task.id || newTaskId();
    const out = call.services.scheduler.commit({ ...req.task, id: call.taskId }, agentId, (provider, handler) => {
      if (provider !== 'driver' || !call.services.policy) return;
      const d = call.services.policy.authorize({ principal: call.caller, action: 'driver_invoke', resource: { type: 'Driver', id: handler }, syscall: 'sys_commit_task', request: req });
      if (!d.allowed) throw permissionDenied(`a task on driver '${handler}' needs a driver_invoke grant: ${d.reason}`, { handler, policies: d.policies });
      call.evidence.driverPolicies = d.policies;
    });
    Object.assign(call.evidence, { taskId: out.taskId, agentId, handler: out.handler }, out.decision && decisionEvidence(out.decision));
    if (out.published) {
      await out.published;
      call.evidence.distributed = true;
    }
    return { taskId: out.taskId, commitId: call.requestId, commitTimestamp: out.queuedAt, state: out.state };
  },
};

/** An agent sees and acts on the tasks it submitted or was assigned; the admin on all. */
function ownTask(call: CallContext, taskId: string) {
  const t = call.services.scheduler.task(taskId);
  if (!t) throw notFound(`no task '${taskId}' (finished tasks are kept for the last scheduler.retainFinished)`);
  if (call.caller.kind !== 'admin' && t.agentId !== call.caller.id && t.handler !== call.caller.id) {
    throw permissionDenied(`task '${taskId}' belongs to agent '${t.agentId}', not '${call.caller.id}'`);
  }
  return t;
}

export const rollbackTask: SyscallDef<{ taskId: string; reason: string; force: boolean }> = {
  schema: z.object({ taskId: z.string().min(1, 'name the task to roll back'), reason: z.string().max(1024).default(''), force: z.boolean().default(false) }),
  action: 'rollback_task',
  resource: (req) => ({ type: 'Task', id: req.taskId }),
  handle: (req, call) => {
    ownTask(call, req.taskId);
    call.taskId = req.taskId;
    const out = call.services.scheduler.rollback(req.taskId, { reason: req.reason, force: req.force, author: call.caller.id });
    Object.assign(call.evidence, { taskId: req.taskId, state: out.state, keysRestored: out.keysRestored, force: req.force, reason: req.reason });
    return { taskId: req.taskId, state: out.state, keysRestored: out.keysRestored };
  },
};

type Report = { state: string; output: Uint8Array; error: string } | null;

export const taskStatus: SyscallDef<{ taskId: string; watch: boolean; report: Report }> = {
  schema: z.object({
    taskId: z.string().min(1, 'name the task'),
    watch: z.boolean().default(false),
    report: z
      .object({ state: z.enum(['succeeded', 'failed']), output: z.instanceof(Uint8Array).default(new Uint8Array(0)), error: z.string().max(4096).default('') })
      .nullable()
      .default(null),
  }),
  action: 'task_status',
  // A handler's report of its task's outcome changes the task; a status read does not.
  readOnly: (req) => !req.report,
  resource: (req) => ({ type: 'Task', id: req.taskId }),
  // Unary calls answer the current status; the Session door streams changes when watch is set.
  handle: (req, call) => {
    const t = ownTask(call, req.taskId);
    call.taskId = req.taskId;
    if (!req.report) return t;
    const s = call.services.scheduler.report(req.taskId, call.caller.id, req.report as { state: 'succeeded' | 'failed'; output: Uint8Array; error: string });
    Object.assign(call.evidence, { taskId: req.taskId, reported: req.report.state });
    return s;
  },
};

const STATUS = z.union([z.literal(''), z.enum(AGENT_STATUSES as [AgentStatus, ...AgentStatus[]])]);

export const agentRegister: SyscallDef<{
  agentId: string;
  capabilities: string[];
  metadata: Record<string, string>;
  trust?: number;
  shareWeight?: number;
  quotaRate?: number;
  quotaBurst?: number;
  groups: string[];
  status: '' | AgentStatus;
}> = {
  schema: z.object({
    agentId: AGENT_ID,
    capabilities: z.array(z.string().min(1).max(128)).max(256).default([]),
    metadata: z.record(z.string(), z.string()).default({}),
    trust: unit.optional(),
    shareWeight: z.number().positive().max(1000).optional(),
    quotaRate: z.number().positive().optional(),
    quotaBurst: z.number().min(1).optional(),
    groups: z.array(z.string().min(1).max(128)).max(64).default([]),
    status: STATUS.default(''),
  }),
  action: 'agent_register',
  resource: (req) => ({ type: 'Agent', id: req.agentId }),
  handle: (req, call) => {
    const registry = call.services.agents;
    const existed = !!registry.get(req.agentId);
    let a: Agent;
    if (call.caller.kind === 'admin') a = registry.register({ ...req, status: req.status || undefined });
    else {
      if (req.agentId !== call.caller.id) throw permissionDenied(`agent '${call.caller.id}' may register only itself, not '${req.agentId}'`);
      // What policies and the scheduler go by is the admin's to set; an agent's capabilities are claims.
      const privileged: string[] = (['trust', 'shareWeight', 'quotaRate', 'quotaBurst'] as const).filter((f) => req[f] !== undefined);
      if (req.groups.length) privileged.push('groups');
      if (req.status) privileged.push('status');
      if (privileged.length) throw permissionDenied(`only the admin may set ${privileged.map((f) => f.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)).join(', ')}`);
      a = registry.claim({ agentId: req.agentId, capabilities: req.capabilities, metadata: req.metadata });
    }
    Object.assign(call.evidence, {
      agentId: a.agentId, created: !existed, registeredBy: a.registeredBy, capabilities: a.capabilities.length, claimedCapabilities: a.claimedCapabilities.length,
      trust: a.trust, shareWeight: a.shareWeight, quotaRate: a.quotaRate, quotaBurst: a.quotaBurst, status: a.status,
    });
    return { agentId: a.agentId };
  },
};

export const agentList: SyscallDef<{ status: '' | AgentStatus }> = {
  schema: z.object({ status: STATUS.default('') }),
  action: 'agent_list',
  readOnly: () => true,
  resource: () => ({ type: 'Agent', id: '*' }),
  handle: (req, call) => {
    const s = call.services.scheduler;
    const counts = new Map<string, Record<string, number>>();
    for (const t of s?.tasks() ?? []) {
      const c = counts.get(t.agentId) ?? {};
      c[t.state] = (c[t.state] ?? 0) + 1;
      counts.set(t.agentId, c);
    }
    return {
      agents: call.services.agents
        .list({ status: req.status || undefined })
        .map((a) => {
          const c = counts.get(a.agentId) ?? {};
          return { ...a, bucketTokens: s?.bucket(a.agentId)?.tokens ?? a.quotaBurst, tasksQueued: c.queued ?? 0, tasksRunning: (c.running ?? 0) + (c.assigned ?? 0), tasksFailed: c.failed ?? 0 };
        }),
    };
  },
};

export const taskList: SyscallDef<{ state: '' | TaskState; agentId: string; limit: number }> = {
  schema: z.object({
    state: z.union([z.literal(''), z.enum(TASK_STATES)], `state is one of ${TASK_STATES.join(', ')} (or empty: every state)`).default(''),
    agentId: z.union([z.literal(''), AGENT_ID]).default(''),
    limit: z.number().int().min(0).max(1000, 'limit is at most 1000').default(0),
  }),
  action: 'task_list',
  readOnly: () => true,
  resource: () => ({ type: 'Task', id: '*' }),
  // An agent sees the tasks it submitted or handles (as with sys_task_status); the admin all.
  handle: (req, call) => {
    if (call.caller.kind !== 'admin' && req.agentId && req.agentId !== call.caller.id) throw permissionDenied(`agent '${call.caller.id}' may list only its own tasks, not agent '${req.agentId}''s`);
    const agentId = call.caller.kind === 'admin' ? req.agentId : call.caller.id;
    const s = call.services.scheduler;
    const tasks = s.list({ state: req.state || undefined, agentId: agentId || undefined, limit: req.limit || 100 });
    const { weights, agingPerSecond, preemptMargin, queued, running } = s.standing();
    call.evidence.returned = tasks.length;
    return { tasks, queued, running, weights, agingPerSecond, preemptMargin };
  },
};
