// Questions in plain English, answered from the audit log and the live kernel state. A
// question becomes a typed plan (understand.ts); the plan runs against the records and the
// live state the caller may read (scope.ts), and the answer starts with the plan it ran ("I
// read this as: why agent-b was throttled, last night (...)"). Every answer carries the
// records and the query behind it; a question that fits no intent gets the list of what can
// be asked, and a name that matches nothing the caller may see gets the nearest names and a
// question back, never a guess.
import { explain, stepsOf, type EvidenceRecord } from './explain.ts';
import type { AuditLog, AuditQuery } from './log.ts';
import type { AuditRecord } from './record.ts';
import { ALL, DRIVER_EVENTS, NAMESPACE_CHANGES, POLICY_UPDATE, type AuditScope } from './scope.ts';
import { ENTITY_KINDS, INTENTS, normalizeName, understand, type Intent, type QueryPlan, type Vocabulary } from './understand.ts';
import { describeWindow, formatTime, systemTimeZone, windowData } from './window.ts';

export interface HealthView {
  status: string;
  components?: Record<string, { status: string; details?: Record<string, string> }>;
}

/** The live kernel state the answers may read; each source is absent when its subsystem is. */
export interface LiveState {
  agents?(): { agentId: string; status: string }[];
  drivers?(): { name: string; version: string; calls?: number }[];
  namespaces?(): string[];
  /** Newest first. */
  versions?(namespace: string, key: string): { version: number; author: string; timestamp: number; deleted?: boolean }[];
  /** The detailed health report (components with details). */
  health?(): HealthView | Promise<HealthView>;
  /** The syscall names, for questions that name one. */
  syscalls?: readonly string[];
}

/** The plan as the response returns it (NlQueryResponse.interpretation). */
export interface Interpretation {
  intent: string;
  entities: { kind: string; value: string }[];
  window?: { since: number; until: number; text: string; timeZone: string; described: string };
  filters: Record<string, string>;
  unresolved: { kind: string; text: string; nearest: string[] }[];
  ignored: string[];
  confidence: number;
  summary: string;
}

export interface Answer {
  answer: string;
  evidence: EvidenceRecord[];
  queryRan: string;
  /** False when the question fits no intent or names something unknown: the answer asks back. */
  understood: boolean;
  intent: string;
  interpretation: Interpretation;
}

export interface AskOptions {
  now?: Date | number;
  /** What the caller may read; default everything (in-process, the admin). */
  scope?: AuditScope;
}

export const CAPABILITIES = [
  'why an agent was throttled or denied ("Why did agent-b get throttled last night?", "Why couldn\'t agent-c write to finance?")',
  'which agents were throttled or denied, and what was denied ("Which agents hit their rate limit today?")',
  'what happened to a task, why it failed, was denied or throttled ("Why did task b-sum-4 get throttled?")',
  'which tasks failed, and why ("Did any task fail today, and why?")',
  'what an agent did, and which agents were active ("What did agent-a do in the last hour?")',
  'who wrote a key ("Who wrote plans/today in team?") and what changed in a namespace',
  'how many calls, denials, throttles or failures ("How many calls did agent-a make today?")',
  'the slowest syscalls ("What are the slowest syscalls today?")',
  'what happened at a time ("What happened at 05:57?")',
  'driver history, loads and the loaded drivers ("When was the router driver last updated?")',
  'policy updates, the kernel\'s health, the registered agents and the namespaces',
];

const HELP = `I can answer questions about: ${CAPABILITIES.map((c, i) => `(${i + 1}) ${c}`).join('; ')}. Times are read in the kernel's time zone (nl.timeZone).`;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const lastStep = (r: AuditRecord): EvidenceRecord => stepsOf(r).at(-1)!;
const ev = (r: AuditRecord) => r.evidence as Record<string, any>;
/** Records a "what happened" or "activity" answer lists, at most. */
const SHOWN = 20;

/** The plan in words: "why agent-b was throttled, last night (...)". */
function summarize(plan: QueryPlan): string {
  const value = (word: string) => (plan.entities as Record<string, string | undefined>)[word] ?? (plan.filters as Record<string, string | undefined>)[word];
  const said = INTENTS[plan.intent].says.replace(/\{([^}]*)\}/g, (_, inner: string) => {
    const word = inner.trim().replace(/^\(|\)$/g, '').split(' ').pop()!;
    const mention = plan.unresolved.find((u) => u.kind === word);
    const v = value(word) ?? (mention ? `'${mention.text}' (not known)` : undefined);
    if (inner.trim() === word) return v ?? `<${word}>`;
    if (!v) return '';
    return inner.includes('(') ? ` (${v})` : inner.replace(word, word === 'syscall' || word === 'outcome' ? v : `${word} ${v}`);
  });
  const window = plan.intent === 'help' || plan.intent === 'unknown' ? '' : `, ${describeWindow(plan.window)}`;
  const ignored = plan.ignored.length ? ` (not used for this question: ${plan.ignored.join(', ')})` : '';
  return `${said}${window}${ignored}`;
}

function interpretation(plan: QueryPlan): Interpretation {
  return {
    intent: plan.intent,
    entities: ENTITY_KINDS.filter((k) => plan.entities[k]).map((k) => ({ kind: k, value: plan.entities[k]! })),
    window: windowData(plan.window),
    filters: Object.fromEntries(Object.entries(plan.filters).filter(([, v]) => v)) as Record<string, string>,
    unresolved: plan.unresolved,
    ignored: plan.ignored,
    confidence: Math.round(plan.confidence * 1000) / 1000,
    summary: summarize(plan),
  };
}

export class QuestionAnswerer {
  private readonly timeZone: string;

  constructor(
    private readonly audit: AuditLog,
    private readonly live: LiveState,
    opts: { timeZone?: string } = {},
  ) {
    this.timeZone = opts.timeZone || systemTimeZone();
  }

  async ask(question: string, opts: AskOptions = {}): Promise<Answer> {
    const now = opts.now === undefined ? Date.now() : typeof opts.now === 'number' ? opts.now : opts.now.getTime();
    const scope = opts.scope ?? ALL;
    const plan = await understand(question, this.vocabulary(scope, question), now, this.timeZone);
    const read = interpretation(plan);
    const done = (answer: string, evidence: EvidenceRecord[], queryRan: string, understood = true): Answer => ({
      answer: `I read this as: ${read.summary}. ${answer}`,
      evidence,
      queryRan,
      understood,
      intent: plan.intent,
      interpretation: read,
    });
    if (plan.intent === 'unknown') return done(`I cannot answer that from the audit log. ${HELP}`, [], 'none', false);
    if (plan.intent === 'help') return done(HELP, [], 'none');
    if (plan.unresolved.length) return done(this.askBack(plan, scope), [], 'none', false);
    const needs = INTENTS[plan.intent].needs ?? [];
    const lacking = needs.filter((k) => !(plan.entities as Record<string, unknown>)[k]);
    if (lacking.length) return done(`Which ${lacking.join(' and ')}? Name ${lacking.length > 1 ? 'them' : 'it'} in the question.${this.known(lacking[0], scope)}`, [], 'none', false);
    const r = await this.run(plan, scope, now);
    return done(r.answer, r.evidence, r.queryRan);
  }

  // ---------------------------------------------------------------- what the caller may name

  /** The names a question may use; `question`, when given, to look only for namespaces it mentions. */
  private vocabulary(scope: AuditScope, question = ''): Vocabulary {
    const agents = scope.all || scope.agentList ? [...new Set([...(this.live.agents?.().map((a) => a.agentId) ?? []), ...this.audit.knownNames('agent')])] : scope.callers;
    const known = [...new Set([...(this.live.namespaces?.() ?? []), ...this.audit.knownNames('namespace')])];
    // An agent names the namespaces it may read, and those it (or an agent it may audit)
    // made calls on, "why couldn't I write to finance?": looked up only when the question
    // has the name in it.
    const asked = normalizeName(question);
    const namespaces = scope.all ? known : known.filter((ns) => scope.namespaces.includes(ns) || (asked.includes(normalizeName(ns)) && this.audit.touched(scope.callers, `Namespace::${ns}`)));
    const drivers = scope.driverEvents ? [...new Set([...(this.live.drivers?.().map((d) => d.name) ?? []), ...this.audit.knownNames('driver').map((d) => d.replace(/@.*$/, ''))])] : [];
    return {
      agents,
      namespaces,
      drivers,
      syscalls: this.live.syscalls ?? [],
      keyNamespaces: (key) => namespaces.filter((ns) => this.versionsOf(ns, key, scope)?.length || this.audit.writesOf(ns, key, 1, scope).records.length),
      taskExists: (id) => this.audit.query({ taskId: id, scope, limit: 1 }).records.length > 0 || this.audit.query({ target: `Task::${id}`, scope, limit: 1 }).records.length > 0,
    };
  }

  private known(kind: string, scope: AuditScope): string {
    const v = this.vocabulary(scope);
    const names = kind === 'agent' ? v.agents : kind === 'namespace' ? v.namespaces : kind === 'driver' ? v.drivers : [];
    return names.length ? ` Known ${kind}s: ${[...names].sort().join(', ')}.` : '';
  }

  private askBack(plan: QueryPlan, scope: AuditScope): string {
    return plan.unresolved
      .map((u) => {
        const where = scope.all ? '' : ' among what you may see';
        const near = u.nearest.length ? ` Did you mean ${u.nearest.map((n) => `'${n}'`).join(' or ')}? Ask again with the exact name.` : u.kind === 'task' ? ' Task ids are the ones `camos ask "which tasks failed today?"` or your submissions returned.' : this.known(u.kind, scope);
        return `I know no ${u.kind} '${u.text}'${where}.${near}`;
      })
      .join(' ');
  }

  /**
   * A key's live versions, newest first, when the caller may read its namespace (which shows
   * them anyway); a namespace it only made calls on ("why couldn't I write to finance?")
   * shows it nothing of what others wrote there.
   */
  private versionsOf(ns: string, key: string, scope: AuditScope) {
    if (!scope.all && !scope.namespaces.includes(ns)) return undefined;
    try {
      return this.live.versions?.(ns, key);
    } catch {
      return undefined;
    }
  }

  // ---------------------------------------------------------------- running a plan

  private q(plan: QueryPlan, scope: AuditScope, more: AuditQuery): AuditQuery {
    return { since: plan.window?.since, until: plan.window ? plan.window.until - 1 : undefined, scope, ...more };
  }

  private async run(plan: QueryPlan, scope: AuditScope, now: number): Promise<{ answer: string; evidence: EvidenceRecord[]; queryRan: string }> {
    const { entities: e } = plan;
    const within = describeWindow(plan.window);
    const tz = this.timeZone;
    const at = (t: number) => formatTime(t, tz);
    const reply = (answer: string, records: AuditRecord[], queryRan: string) => ({ answer, evidence: records.slice(0, 50).map(lastStep), queryRan });
    const none = scope.all ? '' : ' among the records you may read';

    switch (plan.intent as Exclude<Intent, 'help' | 'unknown'>) {
      case 'why_throttled': {
        const res = this.audit.query(this.q(plan, scope, { caller: e.agent, syscalls: ['sys_commit_task'], code: 'resource_exhausted', order: 'desc', limit: 50 }));
        if (!res.records.length) return reply(`No record${none} shows ${e.agent} being throttled ${within}.`, [], res.sql);
        const latest = res.records[0];
        const b = ev(latest).bucket ?? {};
        const tasks = [...new Set(res.records.map((r) => r.taskId ?? ev(r).taskId).filter(Boolean))].reverse();
        return reply(
          `${e.agent} was throttled ${plural(res.records.length, 'time')} ${within}${res.records.length === 50 ? ' (the latest 50 shown)' : ''}${tasks.length ? `, refusing task${tasks.length > 1 ? 's' : ''} ${tasks.join(', ')}` : ''}. ` +
            `Each time its token bucket was empty: the latest, at ${at(latest.time)}${latest.taskId ? ` for task ${latest.taskId}` : ''}, held ${b.tokens ?? '?'} of ${b.burst ?? '?'} tokens (refilling at ${b.rate ?? '?'}/s, next token in ${b.refillInMs ?? '?'} ms).${latest.message ? ` The kernel said: "${latest.message}".` : ''}`,
          res.records,
          res.sql,
        );
      }
      case 'throttled_agents':
        return this.whoWas(plan, scope, { syscalls: ['sys_commit_task'], code: 'resource_exhausted' }, 'throttled');
      case 'why_denied': {
        const res = this.audit.query(this.q(plan, scope, { caller: e.agent, outcome: 'denied', target: e.namespace ? `Namespace::${e.namespace}` : undefined, order: 'desc', limit: 50 }));
        const on = e.namespace ? ` on namespace ${e.namespace}` : '';
        if (!res.records.length) return reply(`No record${none} shows ${e.agent} being denied${on} ${within}.`, [], res.sql);
        const latest = res.records[0];
        const reasons = [...new Set(res.records.map((r) => `${r.syscall.replace(/^sys_/, '')} on ${r.target}: ${r.message ?? (r.policies?.length ? `forbidden by ${r.policies.join(', ')}` : 'no reason recorded')}`))];
        return reply(
          `${e.agent} was denied ${plural(res.records.length, 'time')}${on} ${within}. The latest, at ${at(latest.time)}: ${reasons[0]}.${reasons.length > 1 ? ` Other denials: ${reasons.slice(1, 5).join('; ')}.` : ''}`,
          res.records,
          res.sql,
        );
      }
      case 'denials':
        return this.whoWas(plan, scope, { outcome: 'denied', target: e.namespace ? `Namespace::${e.namespace}` : undefined }, e.namespace ? `denied on namespace ${e.namespace}` : 'denied');
      case 'agent_activity': {
        const res = this.audit.query(this.q(plan, scope, { caller: e.agent, syscalls: e.syscall ? [e.syscall] : undefined, order: 'desc', limit: 1000 }));
        const calls = res.records.filter((r) => r.door !== 'kernel');
        const events = res.records.filter((r) => r.door === 'kernel');
        if (!res.records.length) return reply(`${e.agent} made no recorded call${none} ${within}.`, [], res.sql);
        const failed = calls.filter((r) => r.outcome !== 'ok');
        return reply(
          `${e.agent} made ${plural(calls.length, 'call')} ${within}${res.records.length === 1000 ? ' (the latest 1000 records read)' : ''}${calls.length ? `: ${tally(calls)}` : ''}` +
            `${failed.length ? `; ${failed.length} did not succeed (${failed.slice(0, 5).map((r) => `${r.syscall} ${r.outcome}`).join(', ')})` : ''}` +
            `${events.length ? `; its tasks had ${plural(events.length, 'kernel event')} (${tally(events)})` : ''}.`,
          res.records,
          res.sql,
        );
      }
      case 'active_agents': {
        const res = this.audit.summarize(this.q(plan, scope, { limit: 1000 }), 'caller');
        const agents = res.groups.filter((g) => !['kernel', 'admin', 'anonymous'].includes(g.key));
        if (!agents.length) return reply(`No agent made a recorded call${none} ${within}.`, [], res.sql);
        return reply(`${plural(agents.length, 'agent was', 'agents were')} active ${within}: ${agents.map((g) => `${g.key} (${plural(g.count, 'record')})`).join(', ')}.`, [], res.sql);
      }
      case 'who_wrote': {
        const ns = e.namespace!;
        const key = e.key!;
        const res = this.audit.writesOf(ns, key, 100, scope);
        const live = this.versionsOf(ns, key, scope);
        if (live?.length) {
          const latest = live[0];
          return reply(`${ns}/${key} was last written by ${latest.author} (version ${latest.version} at ${at(latest.timestamp)}); all writers: ${[...new Set(live.map((v) => v.author))].join(', ')}.`, res.records, `kernel.context.versions('${ns}', '${key}'); ${res.sql}`);
        }
        if (!res.records.length) return reply(`No recorded write of ${key} in namespace ${ns}${none}.`, [], res.sql);
        const writer = (r: AuditRecord) => (r.syscall === 'task.succeeded' ? `task ${r.taskId ?? '?'}${ev(r).driver ? ` on ${ev(r).driver}` : ''}` : r.caller);
        const latest = res.records[0];
        return reply(`${ns}/${key} was last written by ${writer(latest)} at ${at(latest.time)}${ev(latest).version !== undefined ? ` (version ${ev(latest).version})` : ''}; ${plural(res.records.length, 'recorded write')} by ${[...new Set(res.records.map(writer))].join(', ')}.`, res.records, res.sql);
      }
      case 'namespace_changes': {
        const ns = e.namespace!;
        const res = this.audit.query(this.q(plan, scope, { target: `Namespace::${ns}`, syscalls: NAMESPACE_CHANGES, outcome: 'ok', order: 'asc', limit: 1000 }));
        const tasks = this.audit.query(this.q(plan, scope, { syscalls: ['task.succeeded', 'task.rolled_back'], order: 'asc', limit: 1000 }));
        const byTasks = tasks.records.filter((r) => list(ev(r).keysWritten).some((k) => k.startsWith(`${ns}/`)));
        const all = [...res.records, ...byTasks].sort((a, b) => a.time - b.time || a.seq - b.seq);
        const sql = `${res.sql}; ${tasks.sql} -- filtered to keys in '${ns}'`;
        if (!all.length) return reply(`Nothing changed in namespace ${ns}${none} ${within}.`, [], sql);
        const line = (r: AuditRecord) => {
          if (r.syscall === 'task.succeeded') return `task ${r.taskId} wrote ${list(ev(r).keysWritten).filter((k) => k.startsWith(`${ns}/`)).map((k) => k.slice(ns.length + 1)).join(', ')} at ${at(r.time)}`;
          if (r.syscall === 'task.rolled_back') return `task ${r.taskId} was rolled back at ${at(r.time)}`;
          const verb = { sys_context_write: 'wrote', sys_context_delete: 'deleted', sys_context_restore: 'restored', sys_context_snapshot: 'snapshotted' }[r.syscall];
          return `${r.caller} ${verb} ${ev(r).key ?? ev(r).snapshotId ?? ns}${ev(r).version !== undefined ? ` (v${ev(r).version})` : ''} at ${at(r.time)}`;
        };
        return reply(`${plural(all.length, 'change')} in namespace ${ns} ${within}: ${all.map(line).join('; ')}.`, all, sql);
      }
      case 'failed_tasks': {
        const res = this.audit.query(this.q(plan, scope, { syscalls: ['task.failed'], order: 'desc', limit: 500 }));
        if (!res.records.length) return reply(`No task failed${none} ${within}.`, [], res.sql);
        // A task may fail several attempts: report its latest failure.
        const byTask = new Map<string, AuditRecord>();
        for (const r of res.records) if (!byTask.has(r.taskId ?? r.target)) byTask.set(r.taskId ?? r.target, r);
        const lines = [...byTask].map(([t, r]) => `task ${t} (${r.caller}${ev(r).driver ? `, driver ${ev(r).driver}` : ''}: ${ev(r).error ?? r.message ?? 'no error recorded'})`);
        return reply(`${plural(byTask.size, 'task')} failed ${within}: ${lines.join('; ')}.`, [...byTask.values()], res.sql);
      }
      case 'explain_task': {
        const queryRan = `SELECT * FROM records WHERE (task_id = '${e.task}' OR target = 'Task::${e.task}')${scope.all ? '' : ' AND <your scope>'}, then the records sharing their trace ids`;
        let ex;
        try {
          ex = explain(this.audit, { taskId: e.task }, scope, at);
        } catch {
          return { answer: `No record${none} shows what happened to task ${e.task} (only calls that looked at it).`, evidence: [], queryRan };
        }
        const want = plan.filters.outcome;
        if (want) {
          const hits = ex.records.filter((s) => s.kind === want || (want === 'denied' && s.kind === 'rejected'));
          if (!hits.length) return { answer: `Task ${e.task} was not ${want}. ${ex.explanation}`, evidence: ex.records, queryRan };
          const last = hits[hits.length - 1];
          return { answer: `Task ${e.task} was ${want} at ${at(last.timestamp)}: ${last.summary}. ${ex.explanation}`, evidence: ex.records, queryRan };
        }
        return { answer: ex.explanation, evidence: ex.records, queryRan };
      }
      case 'count': {
        const o = plan.filters.outcome;
        const filter: AuditQuery = {
          caller: e.agent,
          syscalls: o === 'failed' ? ['task.failed'] : o === 'throttled' ? ['sys_commit_task'] : e.syscall ? [e.syscall] : undefined,
          code: o === 'throttled' ? 'resource_exhausted' : undefined,
          outcome: o === 'denied' ? 'denied' : undefined,
          target: e.namespace ? `Namespace::${e.namespace}` : undefined,
          targetPrefix: e.driver ? `Driver::${e.driver}` : undefined,
        };
        const res = this.audit.summarize(this.q(plan, scope, filter));
        const n = res.groups[0]?.count ?? 0;
        const what = o === 'failed' ? 'task failure' : o === 'throttled' ? 'throttled submission' : o === 'denied' ? 'denial' : e.syscall ? `${e.syscall} record` : 'record';
        const whose = [e.agent ? `of ${e.agent}` : '', e.namespace ? `on namespace ${e.namespace}` : '', e.driver ? `on driver ${e.driver}` : ''].filter(Boolean).join(' ');
        return reply(`${plural(n, what)}${whose ? ` ${whose}` : ''}${none} ${within}.`, [], res.sql);
      }
      case 'driver_history': {
        const res = this.audit.query(this.q(plan, scope, { targetPrefix: `Driver::${e.driver}@`, syscalls: DRIVER_EVENTS, order: 'asc', limit: 1000 }));
        const loaded = this.live.drivers?.().filter((d) => d.name === e.driver).map((d) => `${d.name}@${d.version}`) ?? [];
        const now = loaded.length ? ` Loaded now: ${loaded.join(', ')}.` : ' No version of it is loaded now.';
        if (!res.records.length) return reply(`No load of driver ${e.driver} is recorded${none} ${within}.${now}`, [], `${res.sql}; kernel.drivers.list()`);
        const line = (r: AuditRecord) => {
          const x = ev(r);
          const ref = x.driver ?? r.target.slice(8);
          if (r.syscall === 'driver.loaded') return x.previous ? `updated from ${x.previous} to ${ref} at ${at(r.time)}` : `${ref} loaded at ${at(r.time)}`;
          if (r.syscall === 'driver.unloaded') return `${ref} unloaded at ${at(r.time)}${list(x.remaining).length ? ` (${list(x.remaining).join(', ')} still loaded)` : ''}`;
          return `${ref} refused at ${at(r.time)}${r.message ? ` (${r.message})` : ''}`;
        };
        const updates = res.records.filter((r) => r.syscall === 'driver.loaded');
        const lastUpdate = updates.at(-1);
        return reply(
          `Driver ${e.driver}${lastUpdate ? ` was last ${ev(lastUpdate).previous ? 'updated' : 'loaded'} at ${at(lastUpdate.time)} (${ev(lastUpdate).previous ? `${ev(lastUpdate).previous} to ` : ''}${ev(lastUpdate).driver ?? lastUpdate.target.slice(8)})` : ' has no recorded load'}. Its history ${within}: ${res.records.map(line).join('; ')}.${now}`,
          res.records,
          `${res.sql}; kernel.drivers.list()`,
        );
      }
      case 'driver_events': {
        const kind = `driver.${plan.filters.event ?? 'loaded'}`;
        const res = this.audit.query(this.q(plan, scope, { syscalls: [kind], order: 'asc', limit: 500 }));
        const verb = kind.slice(7);
        if (!res.records.length) return reply(`No driver was ${verb}${none} ${within}.`, [], res.sql);
        const names = res.records.map((r) => `${ev(r).driver ?? r.target.slice(8)} at ${at(r.time)}${ev(r).previous ? ` (replacing ${ev(r).previous})` : ''}${verb === 'refused' && r.message ? ` (${r.message})` : ''}`);
        return reply(`${plural(res.records.length, `driver was ${verb}`, `drivers were ${verb}`)} ${within}: ${names.join(', ')}.`, res.records, res.sql);
      }
      case 'list_drivers': {
        if (!scope.driverEvents) return reply('You may not see the driver catalogue (it needs a driver_list grant).', [], 'policy: driver_list');
        if (!this.live.drivers) return reply('The driver runtime is not running in this kernel, so no driver is loaded.', [], 'kernel.drivers.list()');
        const ds = this.live.drivers();
        const names = ds.map((d) => `${d.name}@${d.version}${d.calls !== undefined ? ` (${plural(d.calls, 'call')})` : ''}`);
        return reply(ds.length ? `${plural(ds.length, 'driver is', 'drivers are')} loaded: ${names.join(', ')}.` : 'No driver is loaded.', [], 'kernel.drivers.list()');
      }
      case 'health': {
        if (!this.live.health) return reply('This kernel reports no health here.', [], 'kernel.health()');
        const h = await this.live.health();
        if (!scope.healthDetails) return reply(`The kernel is ${h.status}. (Its components' details need a health_detail grant.)`, [], 'kernel.healthSummary()');
        const parts = Object.entries(h.components ?? {}).map(([name, c]) => `${name} ${c.status}${c.status !== 'ok' && c.details ? ` (${Object.entries(c.details).map(([k, v]) => `${k} ${v}`).join(', ')})` : ''}`);
        const bad = Object.entries(h.components ?? {}).filter(([, c]) => c.status !== 'ok').map(([n]) => n);
        return reply(`The kernel is ${h.status}${bad.length ? `; not ok: ${bad.join(', ')}` : ''}. Components: ${parts.join('; ')}.`, [], 'kernel.health()');
      }
      case 'slowest_syscalls': {
        const res = this.audit.summarize(this.q(plan, scope, { caller: e.agent, syscalls: e.syscall ? [e.syscall] : undefined, limit: 1000 }), 'syscall');
        const calls = res.groups.filter((g) => g.key.startsWith('sys_')).sort((a, b) => b.avgUs - a.avgUs).slice(0, 5);
        if (!calls.length) return reply(`No syscall is recorded${none} ${within}.`, [], res.sql);
        const ms = (us: number) => `${(us / 1000).toFixed(us < 10_000 ? 2 : 0)} ms`;
        return reply(`The slowest syscalls${e.agent ? ` of ${e.agent}` : ''} ${within}, by mean duration: ${calls.map((g) => `${g.key} ${ms(g.avgUs)} mean, ${ms(g.maxUs)} max (${plural(g.count, 'call')})`).join('; ')}.`, [], res.sql);
      }
      case 'what_happened': {
        const res = this.audit.query(this.q(plan, scope, { caller: e.agent, order: plan.window ? 'asc' : 'desc', limit: 500 }));
        if (!res.records.length) return reply(`Nothing is recorded${none} ${within}.`, [], res.sql);
        const shown = plan.window ? res.records : [...res.records].reverse();
        const lines = shown.slice(0, SHOWN).map((r) => `${at(r.time)} ${happened(r)}`);
        return reply(`${plural(res.records.length, 'record')}${res.records.length === 500 ? ' (at least)' : ''} ${within}${res.records.length > SHOWN ? `, the first ${SHOWN}` : ''}: ${lines.join('; ')}.`, shown, res.sql);
      }
      case 'list_agents': {
        const status = plan.filters.status;
        const queryRan = `kernel.agents.list(${status ? `{ status: '${status}' }` : ''})`;
        if (!this.live.agents) return reply('The agent registry is not running in this kernel.', [], queryRan);
        const all = this.live.agents().filter((a) => scope.all || scope.agentList || scope.callers.includes(a.agentId));
        const picked = status ? all.filter((a) => a.status === status) : all;
        const names = picked.map((a) => (status ? a.agentId : `${a.agentId} (${a.status})`)).sort();
        const what = status ? `${status} ` : 'registered ';
        const limited = scope.all || scope.agentList ? '' : ' (you may see only yourself and the agents whose records you may read; the full list needs an agent_list grant)';
        return reply(`${picked.length ? `${plural(picked.length, `${what}agent`)}: ${names.join(', ')}` : `No ${what}agent`}${limited}.`, [], queryRan);
      }
      case 'list_namespaces': {
        const ns = scope.all ? this.live.namespaces?.() : scope.namespaces;
        if (!ns) return reply('The context store is not running in this kernel.', [], 'kernel.context.namespaces()');
        const limited = scope.all ? '' : ' you may read';
        return reply(ns.length ? `${plural(ns.length, `namespace${limited}`, `namespaces${limited}`)}: ${[...ns].sort().join(', ')}.` : `No namespace${limited} holds any key yet.`, [], 'kernel.context.namespaces()');
      }
      case 'policy_changes': {
        const res = this.audit.query(this.q(plan, scope, { syscalls: [POLICY_UPDATE], outcome: 'ok', order: 'asc', limit: 500 }));
        if (!res.records.length) return reply(`No policy update is recorded${none} ${within}.`, [], res.sql);
        const lines = res.records.map((r) => `${r.caller} set version ${ev(r).policyVersion ?? '?'}${ev(r).policyId ? ` ('${ev(r).policyId}')` : ''}${ev(r).previousVersion ? ` over version ${ev(r).previousVersion}` : ''} at ${at(r.time)}`);
        return reply(`The policy set was updated ${plural(res.records.length, 'time')} ${within}; the last: ${lines.at(-1)}.${lines.length > 1 ? ` Before: ${lines.slice(0, -1).join('; ')}.` : ''}`, res.records, res.sql);
      }
    }
  }

  /** Agents counted by how often a filter matched them, most first. */
  private whoWas(plan: QueryPlan, scope: AuditScope, filter: AuditQuery, what: string) {
    const res = this.audit.query(this.q(plan, scope, { ...filter, order: 'desc', limit: 500 }));
    const within = describeWindow(plan.window);
    if (!res.records.length) return { answer: `No agent was ${what}${scope.all ? '' : ' among the records you may read'} ${within}.`, evidence: [], queryRan: res.sql };
    const counts = new Map<string, number>();
    for (const r of res.records) counts.set(r.caller, (counts.get(r.caller) ?? 0) + 1);
    const who = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([a, n]) => `${a} (${plural(n, 'time')})`).join(', ');
    return { answer: `${plural(counts.size, 'agent was', 'agents were')} ${what} ${within}: ${who}.`, evidence: res.records.slice(0, 50).map(lastStep), queryRan: res.sql };
  }
}

/** One record in a line: who did what to what, and how it ended. */
function happened(r: AuditRecord): string {
  const how = ev(r).throttled ? 'throttled' : r.outcome === 'ok' ? 'ok' : `${r.outcome}${r.message ? ` (${r.message})` : ''}`;
  return `${r.caller} ${r.syscall}${r.target ? ` ${r.target}` : ''}: ${how}`;
}

function tally(rs: AuditRecord[]): string {
  const counts = new Map<string, number>();
  for (const r of rs) counts.set(r.syscall, (counts.get(r.syscall) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([s, n]) => `${n} ${s}`).join(', ');
}

const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
