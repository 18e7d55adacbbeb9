// Explanations: the recorded causal chain behind a task, an action or a trace, built only
// from audit records (submitted -> arbitrated -> authorized -> throttled or queued -> ran
// on a driver -> keys written -> outcome) and told back in one short paragraph.
import { notFound } from '../syscalls/errors.ts';
import type { AuditLog } from './log.ts';
import type { AuditRecord } from './record.ts';

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

const TERMINAL: Record<string, string> = { succeeded: 'succeeded', failed: 'failed', cancelled: 'cancelled', rolled_back: 'rolled back', throttled: 'throttled', denied: 'denied', rejected: 'rejected' };

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const num = (v: unknown) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : String(v));
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))) : []);
const nameOf = (a: any): string => (typeof a === 'string' ? a : String(a?.agentId ?? a?.id ?? a?.name ?? a?.driver ?? a?.candidate ?? JSON.stringify(a)));

/** Finds the records that belong to the request, widened along task and trace links. */
export function linkedRecords(audit: AuditLog, req: { actionId?: string; taskId?: string; traceId?: string }): { records: AuditRecord[]; subject: string } {
  const seen = new Map<number, AuditRecord>();
  const add = (rs: AuditRecord[]) => rs.forEach((r) => seen.set(r.seq, r));
  let subject = '';
  if (req.taskId) {
    add(audit.query({ taskId: req.taskId, limit: 1000 }).records);
    subject = `Task ${req.taskId}`;
  } else if (req.actionId) {
    const id = req.actionId.replace(/^#/, '');
    const action = /^\d+$/.test(id) ? audit.get(Number(id)) : audit.query({ requestId: id, limit: 1 }).records[0];
    if (action) {
      add([action]);
      if (action.taskId) add(audit.query({ taskId: action.taskId, limit: 1000 }).records);
      subject = action.taskId ? `Task ${action.taskId}` : `Action #${action.seq} (${action.syscall} by ${action.caller})`;
    }
  } else if (req.traceId) {
    add(audit.query({ traceId: req.traceId, limit: 1000 }).records);
    subject = `Trace ${req.traceId}`;
  }
  // Widen once: the traces of the task's records, and the tasks of the trace's records.
  const first = [...seen.values()];
  for (const tr of new Set(first.map((r) => r.traceId).filter((t) => t && t !== req.traceId))) add(audit.query({ traceId: tr, limit: 1000 }).records);
  for (const t of new Set(first.map((r) => r.taskId).filter((t): t is string => !!t && t !== req.taskId))) add(audit.query({ taskId: t, limit: 1000 }).records);
  return { records: [...seen.values()].sort((a, b) => a.seq - b.seq), subject };
}

export function explain(audit: AuditLog, req: { actionId?: string; taskId?: string; traceId?: string }): Explanation {
  const { records, subject } = linkedRecords(audit, req);
  if (!records.length) {
    const what = req.taskId ? `task '${req.taskId}'` : req.actionId ? `action '${req.actionId}'` : `trace '${req.traceId}'`;
    throw notFound(`no audit record mentions ${what}; \`camos ask "which tasks failed today?"\` lists recent ones`);
  }
  const steps = records.flatMap(stepsOf);
  const terminal = [...steps].reverse().find((s) => s.kind in TERMINAL);
  const isTask = records.some((r) => r.taskId);
  const last = records[records.length - 1];
  const outcome = terminal ? TERMINAL[terminal.kind] : isTask ? `not finished (last recorded step: ${steps[steps.length - 1].kind})` : `${last.outcome}${last.code ? ` (code ${last.code}${last.message ? `: ${last.message}` : ''})` : ''}`;
  const explanation =
    `${subject}: ${steps.map((s) => s.summary).join('; ')}. Outcome: ${outcome}. ` +
    `Every step is a recorded audit fact (record${records.length > 1 ? `s #${records[0].seq}-#${records[records.length - 1].seq}` : ` #${records[0].seq}`}), so the confidence is 1: nothing here is inferred.`;
  return {
    explanation,
    reasoningChain: steps.map((s, i) => `${i + 1}. ${s.kind}: ${s.summary} (record #${s.id}, ${iso(s.timestamp)})`),
    evidence: records.map((r) => `#${r.seq} ${iso(r.time)} ${r.syscall} by ${r.caller} -> ${r.outcome}${r.policies?.length ? ` policies=${r.policies.join(',')}` : ''} ${JSON.stringify(r.evidence)}`),
    confidence: 1,
    records: steps,
  };
}

/** One record becomes one or two steps of the chain (a submission is also an authorization). */
export function stepsOf(r: AuditRecord): EvidenceRecord[] {
  const e = r.evidence as Record<string, any>;
  const step = (kind: string, summary: string): EvidenceRecord => ({
    id: String(r.seq),
    timestamp: r.time,
    kind,
    caller: r.caller,
    syscall: r.syscall,
    outcome: r.outcome,
    summary,
    detailsJson: JSON.stringify({ target: r.target, code: r.code, message: r.message, policies: r.policies, taskId: r.taskId, traceId: r.traceId, evidence: e }),
  });
  const policies = r.policies?.length ? `polic${r.policies.length > 1 ? 'ies' : 'y'} ${r.policies.join(', ')}` : 'no determining policy recorded';
  const driver = e.driver ? ` on driver ${e.driver}` : '';
  const attempt = e.attempt !== undefined ? ` (attempt ${e.attempt})` : '';
  const error = e.error ?? r.message;
  const keys = list(e.keysWritten);
  switch (r.syscall) {
    case 'sys_commit_task':
      if (r.outcome === 'denied') return [step('denied', `${r.caller}'s submission was denied by ${policies}${r.message ? `: ${r.message}` : ''}`)];
      if (e.throttled) {
        const b = e.bucket ?? {};
        return [
          step('submitted', `${r.caller} submitted it at ${iso(r.time)}`),
          step('throttled', `it was throttled: ${r.caller}'s token bucket held ${num(b.tokens)} of ${num(b.burst)} tokens (refill rate ${num(b.rate)}/s, next token in ${num(b.refillInMs)} ms)`),
        ];
      }
      if (r.outcome !== 'ok') return [step('rejected', `${r.caller}'s submission failed: ${r.message ?? 'no message'}`)];
      return [step('submitted', `${r.caller} submitted it at ${iso(r.time)}`), step('authorized', `authorized by ${policies}`)];
    case 'sys_arbitrate': {
      if (r.outcome !== 'ok') return [step('arbitration_failed', `arbitration failed: ${r.message ?? ''}`)];
      const alts = Array.isArray(e.alternatives) ? e.alternatives : [];
      const ranked = alts.map((a: any) => `${nameOf(a)}${a?.score !== undefined ? ` ${num(a.score)}` : ''}`).join(', ');
      return [step('arbitrated', `arbitration assigned it to ${nameOf(e.assigned ?? 'nobody')}${e.confidence !== undefined ? ` (confidence ${num(e.confidence)})` : ''}${ranked ? `; ranked alternatives: ${ranked}` : ''}`)];
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
  if (r.syscall.startsWith('driver.')) return [step(r.syscall.replace('.', '_'), `driver ${e.driver ?? r.target} ${r.syscall.slice(7)}${error ? `: ${error}` : ''}`)];
  const action = r.syscall.replace(/^sys_/, '');
  if (r.outcome === 'denied') return [step('denied', `${r.caller}'s ${action} on ${r.target} was denied by ${policies}`)];
  return [step(action, `${r.caller} called ${r.syscall} on ${r.target || 'the kernel'}: ${r.outcome}${r.outcome !== 'ok' && r.message ? ` (${r.message})` : ''}`)];
}
