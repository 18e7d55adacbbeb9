// Questions in plain English, answered deterministically from the audit log and the live
// kernel state: a question is matched to one intent by keyword rules, its entities (agents,
// tasks, drivers, namespaces, keys) against the names the kernel knows, its time expression
// through chrono-node. Every answer carries the records and the query behind it; a question
// that fits no intent gets the list of questions that can be answered, never a guess.
import { chrono } from './chrono.ts';
import { explain, stepsOf, type EvidenceRecord } from './explain.ts';
import type { AuditLog, AuditQuery } from './log.ts';
import type { AuditRecord } from './record.ts';

/** The live kernel state the answers may read; each source is absent when its subsystem is. */
export interface LiveState {
  agents?(): { agentId: string; status: string; trust?: number; capabilities?: string[] }[];
  drivers?(): { name: string; version: string; calls?: number; capabilities?: string[] }[];
  namespaces?(): string[];
  /** Newest first. */
  versions?(namespace: string, key: string): { version: number; author: string; timestamp: number; deleted?: boolean }[];
}

export interface Answer {
  answer: string;
  evidence: EvidenceRecord[];
  queryRan: string;
  understood: boolean;
  intent: string;
}

export const CAPABILITIES = [
  'why an agent was throttled or denied ("Why did agent-b get throttled last night?")',
  'why a task was denied, failed or what happened to it ("Why was task 42 denied?")',
  'what an agent did in a period ("What did agent-a do in the last hour?")',
  'who wrote a key ("Who wrote plans/today in namespace team?")',
  'what changed in a namespace ("What changed in namespace research since yesterday 3pm?")',
  'which tasks failed, and why ("Which tasks failed today and why?")',
  'which agents were throttled or denied in a period',
  'which agents are registered, active, idle or suspended ("Show me all active agents")',
  'which drivers are loaded, and which were loaded or refused in a period',
  'which namespaces exist',
];

const HELP = `I can answer questions about: ${CAPABILITIES.map((c, i) => `(${i + 1}) ${c}`).join('; ')}.`;

interface Range {
  since?: number;
  until?: number;
  text: string;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/:\d\d\.\d{3}Z$/, 'Z');
const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const lastStep = (r: AuditRecord): EvidenceRecord => stepsOf(r).at(-1)!;

/** Finds the time range a question names; none means "all recorded time". */
export function parseRange(q: string, now: Date): Range {
  const text = q.toLowerCase();
  const day = (offset: number, hour = 0) => {
    const d = new Date(now);
    d.setHours(hour, 0, 0, 0);
    d.setDate(d.getDate() + offset);
    return d.getTime();
  };
  const n = now.getTime();
  if (/\blast night\b/.test(text)) return { since: day(-1, 18), until: day(0, 6), text: 'last night' };
  if (/\btonight\b/.test(text)) return { since: day(0, 18), until: n, text: 'tonight' };
  const span = /\b(?:in|during|over|within|for)?\s*the\s+(?:last|past)\s+(\d+|an?|one|few)?\s*(minute|hour|day|week)s?\b/.exec(text);
  if (span) {
    const count = span[1] === undefined || /^(a|an|one)$/.test(span[1]) ? 1 : span[1] === 'few' ? 3 : Number(span[1]);
    const unit = { minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 604_800_000 }[span[2] as 'minute'];
    return { since: n - count * unit, until: n, text: span[0].trim() };
  }
  const results = chrono().parse(q, now);
  if (!results.length) return { text: '' };
  const first = results[0];
  const since = /\b(since|after|from)\s+$/.test(text.slice(0, first.index));
  const start = first.start.date();
  const dayOnly = !first.start.isCertain('hour');
  const startOfDay = new Date(start);
  startOfDay.setHours(0, 0, 0, 0);
  if (results.length > 1 && /\bbetween\b/.test(text)) return { since: start.getTime(), until: results[1].start.date().getTime(), text: `${first.text} .. ${results[1].text}` };
  if (first.end) return { since: start.getTime(), until: first.end.date().getTime(), text: first.text };
  if (/\b(this morning)\b/.test(first.text.toLowerCase())) return { since: day(0, 0), until: day(0, 12), text: first.text };
  if (/\b(last|past|this) (week|month|year)\b/.test(first.text.toLowerCase())) return { since: start.getTime(), until: n, text: first.text };
  if (since) return { since: dayOnly ? startOfDay.getTime() : start.getTime(), until: n, text: `since ${first.text}` };
  if (dayOnly) return { since: startOfDay.getTime(), until: Math.min(n, startOfDay.getTime() + 86_400_000 - 1), text: first.text };
  return { since: start.getTime(), until: n, text: `since ${first.text}` };
}

const describeRange = (r: Range) => (r.since === undefined ? 'in the whole audit log' : `${r.text} (${iso(r.since)} to ${iso(r.until ?? Date.now())})`);

/** Word n-grams of the question, joined without separators: "agent b" and "Agent-B" both give "agentb". */
function grams(q: string): Set<string> {
  const words = q.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  const out = new Set<string>();
  for (let i = 0; i < words.length; i++) for (let j = i + 1; j <= Math.min(words.length, i + 4); j++) out.add(words.slice(i, j).join(''));
  return out;
}

/** The longest known name the question mentions. */
function match(q: string, names: Iterable<string>): string | undefined {
  const g = grams(q);
  let best: string | undefined;
  for (const name of names) {
    const n = norm(name);
    if (n && g.has(n) && (!best || n.length > norm(best).length)) best = name;
  }
  return best;
}

export class QuestionAnswerer {
  constructor(
    private readonly audit: AuditLog,
    private readonly live: LiveState,
  ) {}

  ask(question: string, now = new Date()): Answer {
    const q = question.trim().replace(/\s+/g, ' ');
    const text = q.toLowerCase();
    const range = parseRange(q, now);
    const agents = new Set([...(this.live.agents?.().map((a) => a.agentId) ?? []), ...this.audit.knownNames('agent')]);
    const agent = match(q, agents);
    const task = /\btask\b\s*(?:#|number|no\.?|id)?\s*([a-z0-9][\w.:-]*)/i.exec(q)?.[1]?.replace(/[.:-]+$/, '');
    const mentionsTaskId = task !== undefined && !/^(failed|failures?|that|which|was|were|did|has|is|are|and|in|of|by|for|ran|run|today|yesterday)$/i.test(task);
    const unknownAgent = !agent ? /\bagent[\s_-]+([a-z0-9]+(?:[_-][a-z0-9]+)*)\b/i.exec(q)?.[0] : undefined;

    if (/^(help|\?|what can (you|i) (do|ask|answer)|what questions)/.test(text)) return this.reply('help', HELP, [], 'none', true);

    // Questions about one task: explained from its recorded chain.
    if (mentionsTaskId && /\b(why|what happened|explain|how did|status|what became|tell me about)\b/.test(text)) return this.aboutTask(task!, text);

    if (/\bthrottl/.test(text)) {
      if (agent) return this.whyAgent('why_throttled', agent, range, { caller: agent, syscalls: ['sys_commit_task'], code: 8 }, 'throttled');
      if (unknownAgent) return this.unknown('why_throttled', unknownAgent, agents);
      return this.whoAgents('throttled_agents', range, { syscalls: ['sys_commit_task'], code: 8 }, 'throttled');
    }
    if (/\b(denied|refused|rejected|forbidden|not allowed|blocked)\b/.test(text) && !/\bdriver/.test(text)) {
      if (agent) return this.whyAgent('why_denied', agent, range, { caller: agent, outcome: 'denied' }, 'denied');
      if (unknownAgent) return this.unknown('why_denied', unknownAgent, agents);
      return this.whoAgents('denied_agents', range, { outcome: 'denied' }, 'denied');
    }
    if (/\b(fail|failed|fails|failing|failures?|errored|crashed)\b/.test(text) && (/\btasks?\b|\bwhat\b|\bwhich\b/.test(text))) return this.failedTasks(range);

    if (/\bdrivers?\b/.test(text)) {
      if (range.since !== undefined || /\b(refused|rejected|unloaded)\b/.test(text)) return this.driverEvents(text, range);
      if (/\b(loaded|load|which|what|list|show|available|installed|running|are there)\b/.test(text)) return this.listDrivers();
    }

    const key = /\b(?:wrote|write|writes|written|changed|modified|updated|set|created)\s+(?:the\s+)?(?:key\s+)?['"`]?([a-z0-9][\w.-]*(?:\/[\w.-]+)+|[a-z0-9][\w.-]*)['"`]?/i.exec(q)?.[1];
    const nsWord = /\bnamespace\s+['"`]?([a-z0-9][\w.-]*)/i.exec(q)?.[1];
    const namespaces = new Set([...(this.live.namespaces?.() ?? []), ...this.audit.knownNames('namespace')]);
    if (/\b(who|which agents?|what agents?)\b/.test(text) && key && /\b(wrote|write|written|changed|modified|updated|set|created)\b/.test(text)) {
      return this.whoWrote(key, nsWord, namespaces);
    }
    const namespace = nsWord ?? (/\b(in|to|of)\b/.test(text) ? match(q, namespaces) : undefined);
    if (namespace && /\b(chang|happen|writ|wrote|modif|updat|new|delet|restor)\w*/.test(text)) return this.namespaceChanges(namespace, namespaces, range);
    if (/\bnamespaces\b/.test(text) || (/\bnamespace\b/.test(text) && /\b(which|what|list|show)\b/.test(text) && !namespace)) return this.listNamespaces();

    if (/\bagents\b/.test(text) || (/\b(who|which)\b.*\b(active|idle|suspended|registered|online)\b/.test(text) && !agent)) {
      return this.listAgents(text);
    }
    if (agent && /\b(do|did|doing|done|activity|actions?|calls?|happened|up to|been)\b/.test(text)) return this.activity(agent, range);
    if (unknownAgent && /\b(do|did|doing|done|activity|actions?|calls?)\b/.test(text)) return this.unknown('agent_activity', unknownAgent, agents);

    return this.reply('unknown', `I cannot answer that question from the audit log. ${HELP}`, [], 'none', false);
  }

  private reply(intent: string, answer: string, evidence: EvidenceRecord[], queryRan: string, understood = true): Answer {
    return { answer, evidence, queryRan, understood, intent };
  }

  private unknown(intent: string, mention: string, known: Set<string>): Answer {
    return this.reply(intent, `No agent named '${mention}' appears in the audit log or the agent registry. Known agents: ${[...known].sort().join(', ') || 'none'}.`, [], 'names(kind=agent) + kernel.agents.list()');
  }

  private run(q: AuditQuery) {
    return this.audit.query(q);
  }

  private aboutTask(task: string, text: string): Answer {
    const intent = /\bdenied|refused|rejected\b/.test(text) ? 'why_task_denied' : /\bfail/.test(text) ? 'why_task_failed' : /\bthrottl/.test(text) ? 'why_task_throttled' : 'explain_task';
    const queryRan = `SELECT * FROM records WHERE task_id = '${task.replace(/'/g, "''")}' (and the records sharing their trace ids)`;
    let ex;
    try {
      ex = explain(this.audit, { taskId: task });
    } catch {
      return this.reply(intent, `No audit record mentions task ${task}.`, [], queryRan);
    }
    const want = { why_task_denied: 'denied', why_task_failed: 'failed', why_task_throttled: 'throttled' }[intent as 'why_task_denied'];
    if (want) {
      const hits = ex.records.filter((s) => s.kind === want || (want === 'denied' && s.kind === 'rejected'));
      const verb = want === 'failed' ? 'fail' : `get ${want}`;
      if (!hits.length) return this.reply(intent, `Task ${task} did not ${verb}. ${ex.explanation}`, ex.records, queryRan);
      const last = hits[hits.length - 1];
      return this.reply(intent, `Task ${task} ${want === 'failed' ? 'failed' : `was ${want}`} at ${iso(last.timestamp)}: ${last.summary}. ${ex.explanation}`, ex.records, queryRan);
    }
    return this.reply(intent, ex.explanation, ex.records, queryRan);
  }

  private whyAgent(intent: string, agent: string, range: Range, q: AuditQuery, what: string): Answer {
    const res = this.run({ ...q, since: range.since, until: range.until, order: 'desc', limit: 50 });
    if (!res.records.length) return this.reply(intent, `No record shows ${agent} being ${what} ${describeRange(range)}.`, [], res.sql);
    const latest = res.records[0];
    const reason = lastStep(latest).summary;
    const policies = latest.policies?.length ? ` Determining policies: ${latest.policies.join(', ')}.` : '';
    const msg = latest.message ? ` The kernel said: "${latest.message}".` : '';
    return this.reply(
      intent,
      `${agent} was ${what} ${plural(res.records.length, 'time')} ${describeRange(range)}${res.records.length === 50 ? ' (showing the latest 50)' : ''}. The latest, at ${iso(latest.time)} on ${latest.syscall}${latest.taskId ? ` for task ${latest.taskId}` : ''}: ${reason}.${policies}${msg}`,
      res.records.map(lastStep),
      res.sql,
    );
  }

  private whoAgents(intent: string, range: Range, q: AuditQuery, what: string): Answer {
    const res = this.run({ ...q, since: range.since, until: range.until, order: 'desc', limit: 500 });
    if (!res.records.length) return this.reply(intent, `No agent was ${what} ${describeRange(range)}.`, [], res.sql);
    const counts = new Map<string, number>();
    for (const r of res.records) counts.set(r.caller, (counts.get(r.caller) ?? 0) + 1);
    const who = [...counts].sort((a, b) => b[1] - a[1]).map(([a, n]) => `${a} (${plural(n, 'time')})`).join(', ');
    return this.reply(intent, `${plural(counts.size, 'agent was', 'agents were')} ${what} ${describeRange(range)}: ${who}.`, res.records.slice(0, 50).map(lastStep), res.sql);
  }

  private failedTasks(range: Range): Answer {
    const res = this.run({ syscalls: ['task.failed'], since: range.since, until: range.until, order: 'desc', limit: 500 });
    if (!res.records.length) return this.reply('failed_tasks', `No task failed ${describeRange(range)}.`, [], res.sql);
    // A task may fail several attempts: report its latest failure.
    const byTask = new Map<string, AuditRecord>();
    for (const r of res.records) if (!byTask.has(r.taskId ?? r.target)) byTask.set(r.taskId ?? r.target, r);
    const lines = [...byTask].map(([t, r]) => `task ${t} (${r.caller === 'kernel' ? '' : `${r.caller}, `}${(r.evidence as any).driver ? `driver ${(r.evidence as any).driver}: ` : ''}${(r.evidence as any).error ?? r.message ?? 'no error recorded'})`);
    return this.reply('failed_tasks', `${plural(byTask.size, 'task')} failed ${describeRange(range)}: ${lines.join('; ')}.`, [...byTask.values()].map(lastStep), res.sql);
  }

  private listDrivers(): Answer {
    if (!this.live.drivers) return this.reply('list_drivers', 'The driver runtime is not running in this kernel, so no driver is loaded.', [], 'kernel.drivers.list()');
    const ds = this.live.drivers();
    const names = ds.map((d) => `${d.name}@${d.version}${d.calls !== undefined ? ` (${plural(d.calls, 'call')})` : ''}`);
    return this.reply('list_drivers', ds.length ? `${plural(ds.length, 'driver is', 'drivers are')} loaded: ${names.join(', ')}.` : 'No driver is loaded.', [], 'kernel.drivers.list()');
  }

  private driverEvents(text: string, range: Range): Answer {
    const kinds = /\brefused|rejected\b/.test(text) ? ['driver.refused'] : /\bunloaded\b/.test(text) ? ['driver.unloaded'] : ['driver.loaded'];
    const res = this.run({ syscalls: kinds, since: range.since, until: range.until, order: 'asc', limit: 500 });
    const verb = kinds[0].slice(7);
    if (!res.records.length) return this.reply('driver_events', `No driver was ${verb} ${describeRange(range)}.`, [], res.sql);
    const names = res.records.map((r) => `${(r.evidence as any).driver ?? r.target.replace(/^Driver::/, '')} at ${iso(r.time)}${verb === 'refused' && ((r.evidence as any).error ?? r.message) ? ` (${(r.evidence as any).error ?? r.message})` : ''}`);
    return this.reply('driver_events', `${plural(res.records.length, 'driver was', 'drivers were')} ${verb} ${describeRange(range)}: ${names.join(', ')}.`, res.records.map(lastStep), res.sql);
  }

  private listNamespaces(): Answer {
    const ns = this.live.namespaces?.();
    if (!ns) return this.reply('list_namespaces', 'The context store is not running in this kernel.', [], 'kernel.context.namespaces()');
    return this.reply('list_namespaces', ns.length ? `${plural(ns.length, 'namespace')}: ${[...ns].sort().join(', ')}.` : 'No namespace holds any key yet.', [], 'kernel.context.namespaces()');
  }

  private listAgents(text: string): Answer {
    const status = /\bactive\b/.test(text) ? 'active' : /\bidle\b/.test(text) ? 'idle' : /\bsuspended\b/.test(text) ? 'suspended' : undefined;
    const queryRan = `kernel.agents.list(${status ? `{ status: '${status}' }` : ''})`;
    if (!this.live.agents) return this.reply('list_agents', 'The agent registry is not running in this kernel.', [], queryRan);
    const all = this.live.agents();
    const picked = status ? all.filter((a) => a.status === status) : all;
    const names = picked.map((a) => (status ? a.agentId : `${a.agentId} (${a.status})`)).sort();
    const what = status ? `${status} ` : 'registered ';
    return this.reply('list_agents', picked.length ? `${plural(picked.length, `${what}agent`)}: ${names.join(', ')}.` : `No ${what}agent.`, [], queryRan);
  }

  private whoWrote(keyText: string, nsWord: string | undefined, namespaces: Set<string>): Answer {
    let ns = nsWord;
    let key = keyText;
    if (!ns) {
      const slash = key.indexOf('/');
      if (slash > 0 && namespaces.has(key.slice(0, slash))) [ns, key] = [key.slice(0, slash), key.slice(slash + 1)];
    }
    if (!ns) return this.reply('who_wrote', `Which namespace holds '${key}'? Ask "Who wrote ${key} in namespace <name>?"; namespaces: ${[...namespaces].sort().join(', ') || 'none'}.`, [], 'none');
    const res = this.audit.writesOf(ns, key);
    const all = res.records.sort((a, b) => b.time - a.time);
    const sql = res.sql;
    const live = this.safeVersions(ns, key);
    if (live?.length) {
      const authors = [...new Set(live.map((v) => v.author))];
      const latest = live[0];
      return this.reply('who_wrote', `${ns}/${key} was last written by ${latest.author} (version ${latest.version} at ${iso(latest.timestamp)}); all writers: ${authors.join(', ')}.`, all.map(lastStep), `kernel.context.versions('${ns}', '${key}'); ${sql}`);
    }
    if (!all.length) return this.reply('who_wrote', `No recorded write of ${key} in namespace ${ns}.`, [], sql);
    const writer = (r: AuditRecord) => (r.syscall === 'task.succeeded' ? `task ${r.taskId ?? '?'}${(r.evidence as any).driver ? ` on ${(r.evidence as any).driver}` : ''}` : r.caller);
    const latest = all[0];
    const authors = [...new Set(all.map(writer))];
    return this.reply(
      'who_wrote',
      `${ns}/${key} was last written by ${writer(latest)} at ${iso(latest.time)}${(latest.evidence as any).version !== undefined ? ` (version ${(latest.evidence as any).version})` : ''}; ${plural(all.length, 'recorded write')} by ${authors.join(', ')}.`,
      all.map(lastStep),
      sql,
    );
  }

  private safeVersions(ns: string, key: string) {
    try {
      return this.live.versions?.(ns, key);
    } catch {
      return undefined;
    }
  }

  private namespaceChanges(namespace: string, namespaces: Set<string>, range: Range): Answer {
    const ns = [...namespaces].find((n) => norm(n) === norm(namespace)) ?? namespace;
    const res = this.run({ target: `Namespace::${ns}`, syscalls: ['sys_context_write', 'sys_context_delete', 'sys_context_restore', 'sys_context_snapshot'], outcome: 'ok', since: range.since, until: range.until, order: 'asc', limit: 1000 });
    const tasks = this.run({ syscalls: ['task.succeeded', 'task.rolled_back'], since: range.since, until: range.until, order: 'asc', limit: 1000 });
    const byTasks = tasks.records.filter((r) => Array.isArray((r.evidence as any).keysWritten) && (r.evidence as any).keysWritten.some((k: string) => k.startsWith(`${ns}/`)));
    const all = [...res.records, ...byTasks].sort((a, b) => a.time - b.time);
    const sql = `${res.sql}; ${tasks.sql} -- filtered to keys in '${ns}'`;
    if (!all.length) return this.reply('namespace_changes', `Nothing changed in namespace ${ns} ${describeRange(range)}.`, [], sql);
    const line = (r: AuditRecord) => {
      const e = r.evidence as any;
      if (r.syscall === 'task.succeeded') return `task ${r.taskId} wrote ${e.keysWritten.filter((k: string) => k.startsWith(`${ns}/`)).map((k: string) => k.slice(ns.length + 1)).join(', ')}`;
      if (r.syscall === 'task.rolled_back') return `task ${r.taskId} was rolled back`;
      const verb = { sys_context_write: 'wrote', sys_context_delete: 'deleted', sys_context_restore: 'restored', sys_context_snapshot: 'snapshotted' }[r.syscall];
      return `${r.caller} ${verb} ${e.key ?? e.snapshotId ?? ns}${e.version !== undefined ? ` (v${e.version})` : ''}`;
    };
    return this.reply('namespace_changes', `${plural(all.length, 'change')} in namespace ${ns} ${describeRange(range)}: ${all.map(line).join('; ')}.`, all.map(lastStep), sql);
  }

  private activity(agent: string, range: Range): Answer {
    const res = this.run({ caller: agent, since: range.since, until: range.until, order: 'desc', limit: 1000 });
    // The scheduler records its task events under the task's agent: count them apart from calls.
    const calls = res.records.filter((r) => r.door !== 'kernel');
    const events = res.records.filter((r) => r.door === 'kernel');
    if (!calls.length && !events.length) return this.reply('agent_activity', `${agent} made no recorded call ${describeRange(range)}.`, [], res.sql);
    const tally = (rs: AuditRecord[]) => {
      const counts = new Map<string, number>();
      for (const r of rs) counts.set(r.syscall, (counts.get(r.syscall) ?? 0) + 1);
      return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([s, n]) => `${n} ${s}`).join(', ');
    };
    const failed = calls.filter((r) => r.outcome !== 'ok');
    return this.reply(
      'agent_activity',
      `${agent} made ${plural(calls.length, 'call')} ${describeRange(range)}${res.records.length === 1000 ? ' (latest 1000 records shown)' : ''}${calls.length ? `: ${tally(calls)}` : ''}` +
        `${failed.length ? `; ${failed.length} did not succeed (${failed.slice(0, 5).map((r) => `${r.syscall} ${r.outcome}`).join(', ')})` : ''}` +
        `${events.length ? `; its tasks had ${plural(events.length, 'kernel event')} (${tally(events)})` : ''}.`,
      res.records.slice(0, 50).map(lastStep),
      res.sql,
    );
  }
}
