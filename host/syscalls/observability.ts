// Explanations, traces, metrics and questions: thin handlers over host/audit and host/telemetry.
import { randomBytes } from 'node:crypto';
import { SpanKind } from '@opentelemetry/api';
import { z } from 'zod';
import { QuestionAnswerer, answersOf, codeOfStored, explain, explanationsOf, scopeOf, spansOf, storedCode, type Answer, type AuditScope, type Explanation, type FromNode, type LiveState } from '../audit/index.ts';
import type { AuditLog } from '../audit/index.ts';
import { LABEL_NAME, METRIC_NAME, type SpanRecord } from '../telemetry/index.ts';
import { Code, SyscallError, notFound, permissionDenied } from '../base/errors.ts';
import type { QuestionSyscall } from '../federation/index.ts';
import { permits } from './permits.ts';
import type { CallContext, SyscallDef } from './types.ts';


/** The live state questions may read, from whichever subsystems this kernel runs. */
function liveState(call: CallContext): LiveState {
  const s = call.services;
  return {
    agents: () => s.agents.list(),
    drivers: () => s.drivers.list(),
    namespaces: () => s.context.namespaces(),
    versions: (ns, key) => s.context.versions(ns, key).versions,
    health: () => s.health(),
    syscalls: s.table.map((r) => r.name),
  };
}

/** What the caller may read of the audit log (host/audit/scope.ts), as the policy engine says. */
function scopeFor(call: CallContext): Promise<AuditScope> {
  const audit = call.services.audit;
  return scopeOf(call.caller, (action, resource) => permits(call, action, resource), {
    agents: [...(call.services.agents.list().map((a) => a.agentId)), ...audit.knownNames('agent')],
    namespaces: [...(call.services.context.namespaces()), ...audit.knownNames('namespace')],
  });
}

/**
 * The same question to the other kernels of the federation, as this caller (each answers
 * from its own log, under its own policies); none when alone, or when this call is itself a
 * peer's question.
 */
function askPeers<T>(call: CallContext, syscall: QuestionSyscall, request: Record<string, unknown>): Promise<FromNode<T>[]> {
  const mesh = call.services.mesh;
  return mesh && call.door !== 'federation' ? mesh.ask<T>(syscall, request, call.caller) : Promise.resolve([]);
}

/** This kernel's own answer as one node's: NOT_FOUND is an answer too (a peer may have found it). */
async function own<T>(call: CallContext, answer: () => T | Promise<T>): Promise<FromNode<T>> {
  const node = call.services.mesh?.nodeId ?? '';
  try {
    return { node, result: await answer() };
  } catch (e) {
    if (!node || call.door === 'federation' || !(e instanceof SyscallError) || e.code !== Code.NOT_FOUND) throw e;
    return { node, error: { code: e.code, message: e.message } };
  }
}

const TRACE_ID = /^[0-9a-f]{32}$/;
const id = (name: string) => z.string().max(256, `${name} is at most 256 characters`).default('');

const ExplainSchema = z
  .object({ traceId: id('trace_id'), actionId: id('action_id'), taskId: id('task_id') })
  .refine((r) => r.traceId || r.actionId || r.taskId, { message: 'name what to explain: task_id, action_id (an audit record number or request id) or trace_id' });

export const explainAction: SyscallDef<z.infer<typeof ExplainSchema>> = {
  schema: ExplainSchema,
  action: 'explain_action',
  readOnly: () => true,
  resource: (req) => (req.taskId ? { type: 'Task', id: req.taskId } : { type: 'Trace', id: req.traceId || req.actionId }),
  handle: async (req, call) => {
    // An audit record number is one node's: only a task, request or trace id means the same everywhere.
    const local = /^#?\d+$/.test(req.actionId);
    const peers = local ? Promise.resolve([]) : askPeers<Explanation>(call, 'sys_explain_action', req);
    const mine = await own(call, async () => explain(call.services.audit, { taskId: req.taskId || undefined, actionId: req.actionId || undefined, traceId: req.traceId || undefined }, await scopeFor(call)));
    if (!call.services.mesh || call.door === 'federation') return mine.result!;
    const ex = explanationsOf([mine, ...(await peers)], Code.NOT_FOUND);
    if (!ex) throw notFound(`${mine.error!.message} (nor does any other node of the federation)`);
    call.evidence.records = ex.records.length;
    return ex;
  },
};

const tags = z
  .record(z.string().max(128), z.string().max(1024))
  .default({})
  .refine((t) => Object.keys(t).length <= 64, { message: 'at most 64 tags' });

const EmitTraceSchema = z.object({
  traceId: z.string().regex(/^([0-9a-f]{32})?$/, 'a trace id is 32 lowercase hex digits (empty: the call\'s own trace)').default(''),
  spanId: z.string().regex(/^([0-9a-f]{16})?$/, 'a span id is 16 lowercase hex digits (empty: one is made up)').default(''),
  parentSpanId: z.string().regex(/^([0-9a-f]{16})?$/, 'a span id is 16 lowercase hex digits').default(''),
  operation: z.string().min(1, 'operation names the span (e.g. "plan.search")').max(200),
  timestamp: z.number().int().min(0).default(0),
  duration: z.number().int().min(0).max(86_400_000, 'a span lasts at most a day (duration is in ms)').default(0),
  tags,
  status: z.enum(['', 'ok', 'error', 'OK', 'ERROR']).default(''),
});

export const emitTrace: SyscallDef<z.infer<typeof EmitTraceSchema>> = {
  schema: EmitTraceSchema,
  action: 'emit_trace',
  resource: (req, call) => ({ type: 'Trace', id: req.traceId || call.traceId }),
  handle: (req, call) => {
    const t = call.services.telemetry;
    const traceId = req.traceId || call.traceId;
    // An agent's span with no parent of its own hangs under this call's caller span.
    const span = {
      traceId,
      spanId: req.spanId || randomBytes(8).toString('hex'),
      parentSpanId: req.parentSpanId || (req.traceId ? '' : (call.parentSpanId ?? '')),
      operation: req.operation,
      timestamp: req.timestamp || Date.now(),
      duration: req.duration,
      tags: req.tags,
      status: (req.status || 'ok').toLowerCase(),
    };
    t.spans.add(span, call.caller.id);
    t.tracing.emit({ traceId, spanId: span.spanId, parentSpanId: span.parentSpanId, name: span.operation, startMs: span.timestamp, durationMs: span.duration, ok: span.status === 'ok', attributes: { ...span.tags, 'camos.agent': call.caller.id }, kind: SpanKind.INTERNAL });
    Object.assign(call.evidence, { traceId, spanId: span.spanId, operation: span.operation });
    return { traceId, spanId: span.spanId };
  },
};

const EmitMetricSchema = z.object({
  name: z.string().regex(METRIC_NAME, `a metric name matches ${METRIC_NAME.source} (e.g. "tasks_done_total")`),
  value: z.number().refine(Number.isFinite, 'value must be a finite number'),
  unit: z.string().max(32).default(''),
  tags: z.record(z.string().regex(LABEL_NAME, `a label name matches ${LABEL_NAME.source}`), z.string()).default({}),
  timestamp: z.number().int().min(0).default(0),
  type: z.enum(['', 'counter', 'gauge', 'histogram'], 'type is counter, gauge or histogram').default(''),
});

export const emitMetric: SyscallDef<z.infer<typeof EmitMetricSchema>> = {
  schema: EmitMetricSchema,
  action: 'emit_metric',
  readOnly: () => true,
  resource: (req) => ({ type: 'Metric', id: req.name }),
  handle: (req, call) => {
    const metricId = call.services.telemetry.metrics.emit(call.caller.id, { name: req.name, value: req.value, unit: req.unit, tags: req.tags, type: req.type || 'gauge' });
    call.evidence.metricId = metricId;
    return { metricId };
  },
};

const TraceGetSchema = z.object({ traceId: z.string().regex(TRACE_ID, 'a trace id is 32 lowercase hex digits') });

export const traceGet: SyscallDef<z.infer<typeof TraceGetSchema>> = {
  schema: TraceGetSchema,
  action: 'trace_get',
  readOnly: () => true,
  resource: (req) => ({ type: 'Trace', id: req.traceId }),
  handle: async (req, call) => {
    const peers = askPeers<{ spans: SpanRecord[] }>(call, 'sys_trace_get', req);
    const mine = { node: call.services.mesh?.nodeId ?? '', result: { spans: call.services.telemetry.spans.trace(req.traceId, await scopeFor(call)) } };
    const spans = call.door === 'federation' || !call.services.mesh ? mine.result.spans : spansOf([mine, ...(await peers)]);
    if (!spans.length) throw notFound(`no span of trace ${req.traceId} that you may read is recorded (spans older than the audit retention are pruned)`);
    call.evidence.spans = spans.length;
    return { spans };
  },
};

const NlQuerySchema = z.object({ query: z.string().trim().min(1, 'ask a question, e.g. "Which tasks failed today and why?"').max(1000) });

export const nlQuery: SyscallDef<z.infer<typeof NlQuerySchema>> = {
  schema: NlQuerySchema,
  action: 'nl_query',
  readOnly: () => true,
  resource: () => ({ type: 'Kernel', id: 'audit' }),
  handle: async (req, call) => {
    const peers = askPeers<Answer>(call, 'sys_nl_query', req);
    const answerer = new QuestionAnswerer(call.services.audit, liveState(call), { timeZone: call.services.config.nl.timeZone });
    const mine = await answerer.ask(req.query, { scope: await scopeFor(call) });
    const answer = call.services.mesh && call.door !== 'federation' ? answersOf({ node: call.services.mesh.nodeId, result: mine }, await peers) : mine;
    Object.assign(call.evidence, { intent: answer.intent, understood: answer.understood, evidenceRecords: answer.evidence.length });
    return answer;
  },
};

const AuditQuerySchema = z.object({
  caller: z.string().max(128).default(''),
  syscalls: z.array(z.string().min(1).max(64)).max(64).default([]),
  outcome: z.enum(['', 'ok', 'denied', 'error'], 'outcome is ok, denied or error (or empty: any)').default(''),
  code: z.number().int().min(0).max(16).default(0),
  since: z.number().int().min(0).default(0),
  until: z.number().int().min(0).default(0),
  taskId: z.string().max(128).default(''),
  targetPrefix: z.string().max(1024).default(''),
  limit: z.number().int().min(0).max(1000, 'limit is at most 1000').default(0),
  beforeSeq: z.number().int().min(0).default(0),
  verify: z.boolean().default(false),
});

export const auditQuery: SyscallDef<z.infer<typeof AuditQuerySchema>> = {
  schema: AuditQuerySchema,
  action: 'audit_query',
  readOnly: () => true,
  resource: () => ({ type: 'Kernel', id: 'audit' }),
  handle: async (req, call) => {
    // The records a caller may read, as for questions and explanations (host/audit/scope.ts).
    const scope = await scopeFor(call);
    if (!scope.all && req.caller && !scope.callers.includes(req.caller)) throw permissionDenied(`${call.caller.id} may not read the audit records of '${req.caller}' (that needs an audit_read grant on Agent::"${req.caller}")`);
    if (!scope.all && req.verify) throw permissionDenied('only the admin (or an audit_read grant on Kernel::"audit") may verify the audit chain: it reads every record');
    const log = call.services.audit;
    const limit = req.limit || 100;
    const found = log.query({
      scope,
      caller: req.caller || undefined,
      syscalls: req.syscalls,
      outcome: req.outcome || undefined,
      code: req.code ? codeOfStored(req.code) : undefined,
      since: req.since || undefined,
      until: req.until || undefined,
      taskId: req.taskId || undefined,
      targetPrefix: req.targetPrefix || undefined,
      beforeSeq: req.beforeSeq || undefined,
      limit: limit + 1,
      order: 'desc',
    });
    call.evidence.returned = Math.min(found.records.length, limit);
    const records = found.records.slice(0, limit).map((r) => ({
      seq: r.seq,
      time: r.time,
      caller: r.caller,
      syscall: r.syscall,
      door: r.door,
      target: r.target,
      outcome: r.outcome,
      code: storedCode(r.code),
      message: r.message ?? '',
      policies: r.policies ?? [],
      taskId: r.taskId ?? '',
      traceId: r.traceId,
      durationUs: r.durationUs,
      evidenceJson: JSON.stringify(r.evidence),
    }));
    return { records, hasMore: found.records.length > limit, queryRan: found.sql, chain: req.verify ? chainStatus(call, log) : null };
  },
};

function chainStatus(call: CallContext, log: AuditLog) {
  const keys = call.services.keys;
  const trustedKeys = keys ? new Map(keys.list().flatMap((k) => (keys.publicKey(k.keyId) ? [[k.keyId, keys.publicKey(k.keyId)!] as const] : []))) : undefined;
  const report = log.verify({ trustedKeys });
  call.evidence.chainOk = report.ok;
  return { ok: report.ok, records: report.records, firstSeq: report.firstSeq, lastSeq: report.lastSeq, checkpoints: report.checkpoints, signedThrough: report.signedThrough, summary: report.summary };
}
