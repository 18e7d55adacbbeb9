// Explanations: the recorded causal chain behind a task, an action or a trace, built only
// from the audit records the caller may read and told back in one short paragraph. Steps go
// in causal order, each in its stage:
//   request -> authorization -> scheduling -> run -> outcome
// ordered by when each began (a submission's record is written when the call returns, after
// the kernel queued the task, so its start, not its end, places it); what did not cause the
// action (a later status check, an explanation asked for) is left out. The confidence is the
// share of the chain's links that are recorded: 1 only when every one is.
import { codeName, notFound } from '../base/errors.ts';
import type { AuditLog } from './log.ts';
import { storedCode, type AuditRecord } from './record.ts';
import { ALL, type AuditScope } from './scope.ts';

export interface EvidenceRecord {
  id: string;
  timestamp: number;
  kind: string;
  caller: string;
  syscall: string;
  outcome: string;
  summary: string;
  detailsJson: string;
}

export interface Explanation {
  explanation: string;
  reasoningChain: string[];
  evidence: string[];
  confidence: number;
  records: EvidenceRecord[];
}

type Stage = 'request' | 'authorization' | 'scheduling' | 'run' | 'outcome';
const STAGES: readonly Stage[] = ['request', 'authorization', 'scheduling', 'run', 'outcome'];

/** The stage of each kind of step; kinds not here caused nothing (observations). */
const STAGE: Record<string, Stage> = {
  arbitrated: 'request', submitted: 'request', rollback_requested: 'request',
  authorized: 'authorization', denied: 'authorization',
  throttled: 'scheduling', queued: 'scheduling', rejected: 'scheduling', arbitration_failed: 'scheduling',
  dispatched: 'run', retried: 'run',
  succeeded: 'outcome', failed: 'outcome', cancelled: 'outcome', rolled_back: 'outcome',
};
/** Calls that only look at a task: they are not part of what happened to it. */
const OBSERVATIONS = new Set(['sys_task_status', 'sys_explain_action', 'sys_trace_get', 'sys_nl_query']);

const TERMINAL: Record<string, string> = { succeeded: 'succeeded', failed: 'failed', cancelled: 'cancelled', rolled_back: 'rolled back', throttled: 'throttled', denied: 'denied', rejected: 'rejected' };

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
/** How times are printed: ISO UTC, or in a question's time zone. */
export type TimeFormat = (ms: number) => string;
const num = (v: unknown) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : String(v));
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))) : []);
const nameOf = (a: any): string => (typeof a === 'string' ? a : String(a?.agentId ?? a?.id ?? a?.name ?? a?.driver ?? a?.candidate ?? JSON.stringify(a)));
const policyNames = (p: unknown) => {
  const ps = list(p);
  return ps.length ? `polic${ps.length > 1 ? 'ies' : 'y'} ${ps.join(', ')}` : '';
};

export interface ExplainRequest {
  actionId?: string;
  taskId?: string;
  traceId?: string;
}

/** Finds the records that belong to the request, widened along task and trace links, among those the scope lets through. */
export function linkedRecords(audit: AuditLog, req: ExplainRequest, scope: AuditScope = ALL): { records: AuditRecord[]; subject: string; task?: string } {
  const seen = new Map<number, AuditRecord>();
  const add = (rs: AuditRecord[]) => rs.forEach((r) => seen.set(r.seq, r));
  // A submission refused before its handler ran names the task only as its target.
  const ofTask = (t: string) => [...audit.query({ taskId: t, scope, limit: 1000 }).records, ...audit.query({ target: `Task::${t}`, scope, limit: 1000 }).records];
  let subject = '';
  let task = req.taskId;
  if (req.taskId) {
    add(ofTask(req.taskId));
    subject = `Task ${req.taskId}`;
  } else if (req.actionId) {
    const id = req.actionId.replace(/^#/, '');
    const action = audit.query(/^\d+$/.test(id) ? { seq: Number(id), scope, limit: 1 } : { requestId: id, scope, limit: 1 }).records[0];
    if (action) {
      add([action]);
      task = action.taskId ?? (action.target.startsWith('Task::') && action.target !== 'Task::*' ? action.target.slice(6) : undefined);
      if (task) add(ofTask(task));
      subject = task ? `Task ${task}` : `Action #${action.seq} (${action.syscall} by ${action.caller})`;
    }
  } else if (req.traceId) {
    add(audit.query({ traceId: req.traceId, scope, limit: 1000 }).records);
    subject = `Trace ${req.traceId}`;
  }
  // Widen once: the traces of the task's records, and the tasks of the trace's records.
  const first = [...seen.values()];
  for (const tr of new Set(first.map((r) => r.traceId).filter((t) => t && t !== req.traceId))) add(audit.query({ traceId: tr, scope, limit: 1000 }).records);
  for (const t of new Set(first.map((r) => r.taskId).filter((t): t is string => !!t && t !== task))) add(ofTask(t));
  return { records: [...seen.values()].sort((a, b) => a.seq - b.seq), subject, task };
}

/** When a record's action began: a syscall's record is written as it returns, so its start is its time less its duration. */
const began = (r: AuditRecord) => r.time - (r.door === 'kernel' ? 0 : r.durationUs / 1000);

export function explain(audit: AuditLog, req: ExplainRequest, scope: AuditScope = ALL, time: TimeFormat = iso): Explanation {
  const { records, subject, task } = linkedRecords(audit, req, scope);
  const what = req.taskId ? `task '${req.taskId}'` : req.actionId ? `action '${req.actionId}'` : `trace '${req.traceId}'`;
  const notRecorded = () => notFound(`no audit record you may read mentions ${what}; \`camos ask "which tasks failed today?"\` lists recent ones`);
  if (!records.length) throw notRecorded();
  const isTask = task !== undefined;
  const causes = isTask ? records.filter((r) => !OBSERVATIONS.has(r.syscall)) : records;
  const ordered = causes
    .flatMap((r) => stepsOf(r, time).map((s) => ({ s, r })))
    .filter(({ s }) => !isTask || s.kind in STAGE)
    .sort((a, b) => began(a.r) - began(b.r) || STAGES.indexOf(STAGE[a.s.kind]) - STAGES.indexOf(STAGE[b.s.kind]) || a.r.seq - b.r.seq);
  if (!ordered.length) throw notRecorded();
  const steps = ordered.map(({ s }) => s);
  const terminal = [...steps].reverse().find((s) => s.kind in TERMINAL);
  const last = records[records.length - 1];
  const outcome = terminal ? TERMINAL[terminal.kind] : isTask ? `not finished (last recorded step: ${steps[steps.length - 1].kind})` : `${last.outcome}${last.code !== 'ok' ? ` (code ${codeName(last.code)}${last.message ? `: ${last.message}` : ''})` : ''}`;
  const { confidence, missing } = isTask ? completeness(steps, terminal?.kind) : { confidence: 1, missing: [] as string[] };
  const ids = [...new Set(steps.map((s) => Number(s.id)))].sort((a, b) => a - b);
  const basis =
    confidence === 1
      ? `Every link of the chain is a recorded audit fact (record${ids.length > 1 ? `s #${ids.join(', #')}` : ` #${ids[0]}`}), so the confidence is 1.`
      : `Not every link is recorded (no record ${missing.map((m) => `of the ${m}`).join(', ')}${scope.all ? '' : ' among those you may read'}), so the confidence is ${num(confidence)}; what is told is still only recorded fact.`;
  return {
    explanation: `${subject}: ${steps.map((s) => s.summary).join('; ')}. Outcome: ${outcome}. ${basis}`,
    reasoningChain: ordered.map(({ s }, i) => `${i + 1}. ${STAGE[s.kind] ?? 'action'}: ${s.summary} (record #${s.id}, ${time(s.timestamp)})`),
    evidence: causes.map((r) => `#${r.seq} ${iso(r.time)} ${r.syscall} by ${r.caller} -> ${r.outcome}${r.policies?.length ? ` policies=${r.policies.join(',')}` : ''} ${JSON.stringify(r.evidence)}`),
    confidence,
    records: steps,
  };
}

/**
 * The links a task's chain needs, by how it ended: a refusal at authorization ends there, a
 * throttle at scheduling; anything else runs to an outcome. Unfinished, the outcome is missing.
 */
function completeness(steps: EvidenceRecord[], end: string | undefined): { confidence: number; missing: string[] } {
  const stagesHad = new Set(steps.map((s) => STAGE[s.kind]));
  const needed: Stage[] = end === 'denied' ? ['request', 'authorization'] : end === 'throttled' || end === 'rejected' ? ['request', 'authorization', 'scheduling'] : end === 'cancelled' ? ['request', 'authorization', 'scheduling', 'outcome'] : [...STAGES];
  const missing = needed.filter((s) => !stagesHad.has(s));
  return { confidence: Math.round(((needed.length - missing.length) / needed.length) * 100) / 100, missing: missing.map((m) => (m === 'request' ? 'submission' : m)) };
}

/** One record becomes one or two steps of the chain (a submission is also an authorization). */
export function stepsOf(r: AuditRecord, time: TimeFormat = iso): EvidenceRecord[] {
  const e = r.evidence as Record<string, any>;
  const step = (kind: string, summary: string): EvidenceRecord => ({
    id: String(r.seq),
    timestamp: r.time,
    kind,
    caller: r.caller,
    syscall: r.syscall,
    outcome: r.outcome,
    summary,
    detailsJson: JSON.stringify({ target: r.target, code: storedCode(r.code), message: r.message, policies: r.policies, taskId: r.taskId, traceId: r.traceId, evidence: e }),
  });
  const policies = policyNames(r.policies);
  const driverGrant = e.handler && policyNames(e.driverPolicies) ? `; running it on driver ${e.handler} by ${policyNames(e.driverPolicies)}` : '';
  const authorized = `authorized by ${policies || 'no determining policy recorded'}${driverGrant}`;
  // A denial's message is the policy engine's reason: the forbidding policies, or the default deny.
  const denial = `${r.message ?? (policies ? `forbidden by ${policies}` : 'no reason recorded')}`;
  const driver = e.driver ? ` on driver ${e.driver}` : '';
  const attempt = e.attempt !== undefined ? ` (attempt ${e.attempt})` : '';
  const error = e.error ?? r.message;
  const keys = list(e.keysWritten);
  switch (r.syscall) {
    case 'sys_commit_task':
      if (r.outcome === 'denied') return [step('submitted', `${r.caller} submitted it at ${time(r.time)}`), step('denied', `it was denied: ${denial}`)];
      if (e.throttled) {
        const b = e.bucket ?? {};
        return [
          step('submitted', `${r.caller} submitted it at ${time(r.time)}`),
          step('authorized', authorized),
          step('throttled', `it was throttled: ${r.caller}'s token bucket held ${num(b.tokens)} of ${num(b.burst)} tokens (refill rate ${num(b.rate)}/s, next token in ${num(b.refillInMs)} ms)`),
        ];
      }
      if (r.outcome !== 'ok') return [step('submitted', `${r.caller} submitted it at ${time(r.time)}`), step('rejected', `the submission failed: ${r.message ?? 'no message'}`)];
      return [step('submitted', `${r.caller} submitted it at ${time(r.time)}`), step('authorized', authorized)];
    case 'sys_arbitrate': {
      if (r.outcome !== 'ok') return [step('arbitration_failed', `arbitration failed: ${r.message ?? ''}`)];
      const alts = Array.isArray(e.alternatives) ? e.alternatives : [];
      const ranked = alts.map((a: any) => `${nameOf(a)}${a?.score !== undefined ? ` ${num(a.score)}` : ''}`).join(', ');
      return [step('arbitrated', `${r.caller} asked for an arbitration, which assigned it to ${nameOf(e.assigned ?? 'nobody')}${e.confidence !== undefined ? ` (confidence ${num(e.confidence)})` : ''}${ranked ? `; ranked alternatives: ${ranked}` : ''}`)];
    }
    case 'sys_rollback_task':
      return [step('rollback_requested', `${r.caller} asked for a rollback${r.outcome === 'ok' ? '' : ` (${r.outcome}: ${r.message ?? ''})`}`)];
    case 'task.queued':
      return [step('queued', `it was queued${e.score !== undefined ? ` with score ${num(e.score)}` : ''}${e.breakdown ? ` (${Object.entries(e.breakdown).map(([k, v]) => `${k} ${num(v)}`).join(', ')})` : ''}`)];
    case 'task.dispatched':
      return [step('dispatched', `it ran${driver}${attempt}`)];
    case 'task.succeeded':
      return [step('succeeded', `it succeeded${driver}${keys.length ? ` and wrote ${keys.join(', ')}` : ''}`)];
    case 'task.failed':
      return [step('failed', `it failed${driver}${attempt}: ${error ?? 'no error recorded'}`)];
    case 'task.retried':
      return [step('retried', `it was retried${attempt}${error ? ` after: ${error}` : ''}`)];
    case 'task.cancelled':
      return [step('cancelled', `it was cancelled${error ? `: ${error}` : ''}`)];
    case 'task.rolled_back':
      return [step('rolled_back', `its effects were rolled back${keys.length ? ` (${keys.join(', ')})` : ''}`)];
  }
  if (r.syscall.startsWith('driver.')) {
    const change = e.previous ? ` (after ${e.previous})` : list(e.remaining).length ? ` (${list(e.remaining).join(', ')} still loaded)` : '';
    return [step(r.syscall.replace('.', '_'), `driver ${e.driver ?? r.target} ${r.syscall.slice(7)}${change}${error ? `: ${error}` : ''}`)];
  }
  const action = r.syscall.replace(/^sys_/, '');
  if (r.outcome === 'denied') return [step('denied', `${r.caller}'s ${action} on ${r.target} was denied: ${denial}`)];
  return [step(action, `${r.caller} called ${r.syscall} on ${r.target || 'the kernel'}: ${r.outcome}${r.outcome !== 'ok' && r.message ? ` (${r.message})` : ''}`)];
}
