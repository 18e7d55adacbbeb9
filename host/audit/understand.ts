// Understanding a question: the words become a typed query plan (an intent, the entities it
// names resolved against what the kernel knows and the caller may see, a time window and
// filters), or a question back when a name is not known.
//
//   1. names: agents, namespaces, drivers, syscalls and keys are looked up in the caller's
//      vocabulary, case- and separator-insensitively ("Agent B" is agent-b); a name that
//      only resembles one ("agnet-b") is never taken for it: the plan asks, listing the
//      nearest names (edit distance, @nlpjs/similarity);
//   2. the time window (window.ts, chrono-node);
//   3. the intent: an NLP.js neural classifier (@nlpjs/nlu, English stemmer and spell check)
//      trained, on the first question, on nl-train.json, whose phrasings hold placeholders
//      (xagent, xtime, ...) where the question's names and times were;
//   4. the plan: the intent's slots filled from the names; a "why" about one agent without
//      an agent becomes the question about all of them, and so on (INTENTS).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { findWindow, type Window } from './window.ts';

export const ENTITY_KINDS = ['agent', 'namespace', 'key', 'task', 'driver', 'syscall'] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

export interface Filters {
  outcome?: 'throttled' | 'denied' | 'failed';
  status?: 'active' | 'idle' | 'suspended';
  event?: 'loaded' | 'unloaded' | 'refused';
}

/** An intent: how its plan reads, the names it needs and uses, and where it goes when the names say otherwise. */
export interface IntentDef {
  says: string;
  uses: readonly EntityKind[];
  needs?: readonly EntityKind[];
  /** The intent when a needed name is missing ("why was xagent throttled" without an agent). */
  without?: string;
  /** The intent when the question names one of these (a task makes it about the task). */
  with?: Partial<Record<EntityKind, string>>;
}

const DEFS = {
  help: { says: 'what can be asked', uses: [] },
  why_throttled: { says: 'why {agent} was throttled', needs: ['agent'], without: 'throttled_agents', uses: [] },
  throttled_agents: { says: 'which agents were throttled', uses: [], with: { task: 'explain_task', agent: 'why_throttled' } },
  why_denied: { says: 'why {agent} was denied{ on namespace}', needs: ['agent'], without: 'denials', uses: ['namespace'], with: { task: 'explain_task' } },
  denials: { says: 'what was denied{ on namespace}', uses: ['namespace'], with: { task: 'explain_task', agent: 'why_denied' } },
  agent_activity: { says: 'what {agent} did{ (syscall)}', needs: ['agent'], without: 'active_agents', uses: ['syscall'] },
  active_agents: { says: 'which agents made calls', uses: [], with: { agent: 'agent_activity' } },
  who_wrote: { says: 'who wrote {key} in {namespace}', needs: ['key'], uses: ['namespace'] },
  namespace_changes: { says: 'what changed in namespace {namespace}', needs: ['namespace'], uses: [], with: { key: 'who_wrote' } },
  failed_tasks: { says: 'which tasks failed', uses: [], with: { task: 'explain_task' } },
  explain_task: { says: 'what happened to task {task}{ (outcome)}', needs: ['task'], uses: [] },
  count: { says: 'how many records{ of agent}{ of syscall}{ on namespace}{ (outcome)}', uses: ['agent', 'syscall', 'namespace', 'driver'] },
  driver_history: { says: 'the load history of driver {driver}', needs: ['driver'], without: 'driver_events', uses: [] },
  driver_events: { says: 'which drivers were {event}', uses: [], with: { driver: 'driver_history' } },
  list_drivers: { says: 'which drivers are loaded now', uses: [] },
  health: { says: 'the health of the kernel', uses: [] },
  slowest_syscalls: { says: 'the slowest syscalls{ of agent}', uses: ['agent', 'syscall'] },
  what_happened: { says: 'what was recorded{ of agent}', uses: ['agent'], with: { task: 'explain_task', namespace: 'namespace_changes' } },
  list_agents: { says: 'which agents are registered{ (status)}', uses: [] },
  list_namespaces: { says: 'which namespaces exist', uses: [] },
  policy_changes: { says: 'when the policy set changed', uses: [] },
  unknown: { says: 'a question outside what the audit log can answer', uses: [] },
} satisfies Record<string, IntentDef>;
export type Intent = keyof typeof DEFS;
/** What a question can ask, with the names each intent takes. */
export const INTENTS: Record<Intent, IntentDef> = DEFS;

/** A name in the question that matched nothing the caller may see, with the nearest names. */
export interface Unresolved {
  kind: EntityKind;
  text: string;
  nearest: string[];
}

export interface QueryPlan {
  intent: Intent;
  entities: Partial<Record<EntityKind, string>>;
  window?: Window;
  filters: Filters;
  /** Names the question gave that matched nothing: the answer asks instead of guessing. */
  unresolved: Unresolved[];
  /** Names the question gave that this intent does not use ("agent agent-a"). */
  ignored: string[];
  /** The classifier's score for the intent (0-1). */
  confidence: number;
}

/** What the caller's questions may name. */
export interface Vocabulary {
  agents: readonly string[];
  namespaces: readonly string[];
  drivers: readonly string[];
  syscalls: readonly string[];
  /** The namespaces (among those the caller may see) that hold this key. */
  keyNamespaces(key: string): string[];
  /** True when a record the caller may see names this task. */
  taskExists(id: string): boolean;
}

/** Below this score the classifier's intent is not taken: the answer lists what can be asked. */
const MIN_SCORE = 0.55;
/** Words of one question compared with every known name, at most. */
const MAX_GUESSES = 12;

// ---------------------------------------------------------------- the classifier

interface NluNeural {
  train(corpus: { utterance: string; intent: string }[]): Promise<unknown>;
  process(utterance: string): Promise<{ classifications: { intent: string; score: number }[] }>;
}

const corpusFile = new URL('./nl-train.json', import.meta.url);
interface Classifier {
  nlu: NluNeural;
  /** The English stemmer the classifier uses, and the stems of its training phrasings. */
  stem(words: string[]): string[];
  stems: Set<string>;
}
let classifier: Promise<Classifier> | undefined;
let leven: ((a: string, b: string) => number) | undefined;

/** The phrasings the classifier learns from. */
export function trainingCorpus(): { utterance: string; intent: string }[] {
  const { intents } = JSON.parse(readFileSync(corpusFile, 'utf8')) as { intents: Record<string, string[]> };
  return Object.entries(intents).flatMap(([intent, utterances]) => utterances.map((utterance) => ({ utterance, intent })));
}

// NLP.js is CommonJS and loaded on the first question: a kernel nobody asks carries none of it.
const load = createRequire(import.meta.url);

/** The trained classifier, trained once per process on the first call (again on the next, if that failed). */
export function intentClassifier(): Promise<Classifier> {
  return (classifier ??= train().catch((e) => {
    classifier = undefined;
    throw e;
  }));
}

async function train(): Promise<Classifier> {
  const { containerBootstrap } = load('@nlpjs/core');
  const { LangEn } = load('@nlpjs/lang-en-min');
  const { NluNeural } = load('@nlpjs/nlu');
  const container = await containerBootstrap();
  container.use(LangEn);
  const nlu = new NluNeural({ locale: 'en', log: false, useNoneFeature: true, spellCheck: true, spellCheckDistance: 1 }, container) as NluNeural;
  const corpus = trainingCorpus();
  await nlu.train(corpus);
  const stemmer = container.get('stemmer-en') as { stem(tokens: string[]): string[] };
  const stem = (words: string[]) => stemmer.stem(words.map((w) => w.toLowerCase()));
  return { nlu, stem, stems: new Set(stem(corpus.flatMap((c) => c.utterance.split(/[^a-z0-9']+/i).filter(Boolean)))) };
}

function distance(a: string, b: string): number {
  leven ??= load('@nlpjs/similarity').leven as (a: string, b: string) => number;
  return leven(a, b);
}

// ---------------------------------------------------------------- names

/** "Agent-B", "agent b", "agent_b" all give "agentb". */
export const normalizeName = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

interface Token {
  text: string;
  start: number;
  end: number;
}

/** Words with their places; punctuation around a word (and "'s") is not part of it. */
function tokenize(q: string): Token[] {
  const out: Token[] = [];
  for (const m of q.matchAll(/\S+/g)) {
    const raw = m[0];
    const lead = /^[("'`[]*/.exec(raw)![0].length;
    const core = raw.slice(lead).replace(/(['’]s)?[)"'`\]?!.,;:]*$/i, '');
    if (core) out.push({ text: core, start: m.index! + lead, end: m.index! + lead + core.length });
  }
  return out;
}

/** A found name: resolved to `value`, or not (then `nearest` lists what the caller may have meant). */
interface Mention {
  kind: EntityKind;
  start: number;
  end: number;
  text: string;
  value?: string;
  namespace?: string;
  nearest: string[];
  /** A syscall named in plain words ("health check") keeps its words for the classifier. */
  plain?: boolean;
}

/** Words that are never names, though they resemble some ("agents" is one letter from agent-a). */
let englishWords: Set<string> | undefined;
function isWord(w: string): boolean {
  englishWords ??= new Set(
    [...trainingCorpus().flatMap((c) => c.utterance.toLowerCase().split(/[^a-z']+/)), ...STOPWORDS, ...Object.values(SYNONYMS).flat().flatMap((s) => s.split(' '))]
      .map(normalizeName)
      .filter(Boolean),
  );
  return englishWords.has(normalizeName(w));
}
const LITTLE = 'a an the of in on at to from for by with and or is are was were be been being do does did has have had any all me my i you it its this that these those there their them they what which who whom whose why how when where'.split(' ');
const LITTLE_WORDS = new Set(LITTLE);
const STOPWORDS = [...LITTLE, ...'last past since until between before after around about namespace namespaces agent agents task tasks driver drivers key keys syscall syscalls call calls today yesterday night evening morning afternoon hour hours minute minutes week kernel log audit record records version versions'.split(' ')];

/**
 * False when the question names nothing the kernel knows and none of its words but the
 * little ones was ever seen in training: the classifier's score means nothing there ("what
 * is the meaning of life" scored 0.87 for slowest_syscalls).
 */
function onTopic(classified: string, c: Classifier): boolean {
  const words = classified.split(/[^a-z0-9']+/).filter(Boolean);
  if (words.some((w) => Object.values(PLACEHOLDER).includes(w))) return true;
  const content = words.filter((w) => !LITTLE_WORDS.has(w));
  return !content.length || c.stem(content).some((s) => c.stems.has(s));
}

/** The nearest of `names` to `text`, at most `max` edits away, closest first. */
function nearest(text: string, names: readonly string[], max = 3): string[] {
  const t = normalizeName(text);
  return names
    .filter((n) => Math.abs(normalizeName(n).length - t.length) <= max)
    .map((n) => ({ n, d: distance(t, normalizeName(n)) }))
    .filter((x) => x.d <= max)
    .sort((a, b) => a.d - b.d || a.n.localeCompare(b.n))
    .slice(0, 5)
    .map((x) => x.n);
}

/** Every way of spelling a syscall the question might use: sys_context_write, context_write, "context writes". */
function syscallSpellings(name: string): string[] {
  const bare = name.replace(/^sys_/, '');
  return bare.includes('_') ? [name, bare, `${bare}s`] : [name];
}

/** Finds the names in the question: longest first, each word in at most one name. */
function findMentions(q: string, tokens: Token[], v: Vocabulary): Mention[] {
  const taken = new Set<number>();
  const mentions: Mention[] = [];
  const free = (i: number, n: number) => [...Array(n).keys()].every((k) => !taken.has(i + k));
  const take = (i: number, n: number, m: Omit<Mention, 'start' | 'end' | 'text'>) => {
    for (let k = 0; k < n; k++) taken.add(i + k);
    mentions.push({ ...m, start: tokens[i].start, end: tokens[i + n - 1].end, text: q.slice(tokens[i].start, tokens[i + n - 1].end) });
  };
  const word = (i: number) => tokens[i]?.text.toLowerCase() ?? '';
  const near = (i: number, w: RegExp) => w.test(word(i - 1)) || w.test(word(i + 1)) || w.test(word(i - 2));

  // Keys: a path ("plans/today", "team/plans/today") or the word after "key".
  tokens.forEach((t, i) => {
    const isPath = /^[^/\s]+\/[^\s]+$/.test(t.text) && !/^[\d/]+$/.test(t.text);
    if (!isPath && !/^keys?$/.test(word(i - 1))) return;
    const explicit = tokens.map((x) => v.namespaces.find((n) => normalizeName(n) === normalizeName(x.text))).find(Boolean);
    const resolveIn = (key: string, only?: string) => {
      for (const k of new Set([key, key.toLowerCase()])) {
        const found = v.keyNamespaces(k).filter((n) => !only || n === only);
        if (found.length === 1) return { key: k, namespace: found[0] };
        if (found.length > 1) return { key: k, namespace: explicit && found.includes(explicit) ? explicit : undefined, choices: found };
      }
      return undefined;
    };
    const slash = t.text.indexOf('/');
    const ns = slash > 0 ? v.namespaces.find((n) => normalizeName(n) === normalizeName(t.text.slice(0, slash))) : undefined;
    const hit = (ns && resolveIn(t.text.slice(slash + 1), ns)) || resolveIn(t.text, explicit);
    if (hit?.namespace) take(i, 1, { kind: 'key', value: hit.key, namespace: hit.namespace, nearest: [] });
    else if (hit) take(i, 1, { kind: 'key', nearest: (hit.choices ?? []).map((n) => `${n}/${hit.key}`) });
    else take(i, 1, { kind: 'key', nearest: [] });
  });

  // Known names, longest spans first: "agent b" before "agent".
  const names = new Map<string, [EntityKind, string][]>();
  const add = (kind: EntityKind, value: string, spelling = value) => {
    const key = normalizeName(spelling);
    if (key) names.set(key, [...(names.get(key) ?? []), [kind, value]]);
  };
  v.agents.forEach((a) => add('agent', a));
  v.namespaces.forEach((n) => add('namespace', n));
  v.drivers.forEach((d) => add('driver', d));
  v.syscalls.forEach((s) => syscallSpellings(s).forEach((sp) => add('syscall', s, sp)));
  for (let n = 3; n >= 1; n--) {
    for (let i = 0; i + n <= tokens.length; i++) {
      if (!free(i, n)) continue;
      let hits = names.get(normalizeName(tokens.slice(i, i + n).map((t) => t.text).join(''))) ?? [];
      // An agent's own namespace has its name: the word "namespace" beside it says which.
      if (hits.length > 1) hits = hits.filter(([k]) => (near(i, /^namespace$/) || near(i + n - 1, /^namespace$/) ? k === 'namespace' : k !== 'namespace'));
      if (hits.length) take(i, n, { kind: hits[0][0], value: hits[0][1], nearest: [], plain: hits[0][0] === 'syscall' && n > 1 });
    }
  }
  // Driver refs with a version: "router@1.1.0".
  tokens.forEach((t, i) => {
    const at = t.text.indexOf('@');
    const d = at > 0 ? v.drivers.find((x) => normalizeName(x) === normalizeName(t.text.slice(0, at))) : undefined;
    if (d && free(i, 1)) take(i, 1, { kind: 'driver', value: d, nearest: [] });
  });

  // Tasks: the word after "task" (with a digit, a dash or known), "#43", or a known id with a digit or a dash.
  tokens.forEach((t, i) => {
    if (!free(i, 1)) return;
    const id = t.text.replace(/^#/, '');
    const afterTask = /^tasks?$/.test(word(i - 1)) || t.text.startsWith('#');
    const idLike = /[\d_.-]/.test(id) && /^[A-Za-z0-9][\w.:-]*$/.test(id);
    if (!idLike && !(afterTask && v.taskExists(id))) return;
    if (v.taskExists(id)) take(i, 1, { kind: 'task', value: id, nearest: [] });
    else if (afterTask) take(i, 1, { kind: 'task', nearest: [] });
  });

  // Names not known: "agent-d", "agent x", a word beside "driver" or "namespace", or a word
  // that is a few letters from a known name and is no English word ("agnet-b", "reserch").
  let guesses = 0;
  tokens.forEach((t, i) => {
    // A bound on the work a long question of made-up words can cause.
    if (!free(i, 1) || isWord(t.text) || /^\d+$/.test(t.text) || ++guesses > MAX_GUESSES) return;
    const idLike = /[\d_.@-]/.test(t.text);
    const guess = (kind: EntityKind, known: readonly string[], cue: boolean) => {
      const close = nearest(t.text, known, 2);
      if ((cue && (idLike || t.text.length <= 2)) || close.length) {
        take(i, 1, { kind, nearest: nearest(t.text, known) });
        return true;
      }
      return false;
    };
    // The word beside a name says its kind first: "namespace agent-x" is a namespace.
    (near(i, /^namespaces?$/) && guess('namespace', v.namespaces, true)) ||
      (near(i, /^drivers?$/) && guess('driver', v.drivers, true)) ||
      (/^agent[-_.]?[a-z0-9]/i.test(t.text) && guess('agent', v.agents, true)) ||
      guess('agent', v.agents, /^agent$/.test(word(i - 1))) ||
      guess('driver', v.drivers, false) ||
      guess('namespace', v.namespaces, false);
  });
  return mentions.sort((a, b) => a.start - b.start);
}

// ---------------------------------------------------------------- filters

/** Words for each filter value, matched on whole words; the first listed wins. */
const SYNONYMS: Record<string, string[]> = {
  'outcome:throttled': ['throttled', 'throttle', 'throttles', 'throttling', 'rate limited', 'rate limit', 'rate limits', 'ratelimited', 'quota', 'slowed down', 'out of tokens'],
  'outcome:denied': ['denied', 'deny', 'denials', 'denial', 'refused', 'refusals', 'rejected', 'blocked', 'forbidden', 'not allowed', 'permission', 'access violations', 'access violation', "couldn't", 'could not', "can't", 'cannot'],
  'outcome:failed': ['failed', 'fail', 'fails', 'failure', 'failures', 'crashed', 'crash', 'errored', 'errors', 'error', 'broken', 'broke'],
  'status:active': ['active'],
  'status:idle': ['idle'],
  'status:suspended': ['suspended'],
  'event:refused': ['refused', 'rejected'],
  'event:unloaded': ['unloaded', 'removed'],
  'event:loaded': ['loaded', 'load', 'loads', 'updated', 'swapped', 'upgraded'],
};

function findFilters(text: string): Filters {
  const words = ` ${text.toLowerCase().replace(/[-_]/g, ' ').replace(/[^a-z' ]/g, ' ').replace(/\s+/g, ' ')} `;
  const out: Record<string, string> = {};
  for (const [key, phrases] of Object.entries(SYNONYMS)) {
    const [filter, value] = key.split(':');
    if (!out[filter] && phrases.some((p) => words.includes(` ${p} `))) out[filter] = value;
  }
  return out as Filters;
}

// ---------------------------------------------------------------- the plan

const PLACEHOLDER: Record<EntityKind | 'time', string> = { agent: 'xagent', namespace: 'xnamespace', key: 'xkey', task: 'xtask', driver: 'xdriver', syscall: 'xsyscall', time: 'xtime' };

/** Reads a question as a plan, against the caller's vocabulary, at `now` in time zone `tz`. */
export async function understand(question: string, v: Vocabulary, now: number, tz: string): Promise<QueryPlan> {
  const q = question.trim().replace(/\s+/g, ' ');
  const tokens = tokenize(q);
  const mentions = findMentions(q, tokens, v);
  // Keys are blanked before the times are read: "plans/today" is not a day.
  const blanked = mentions.filter((m) => m.kind === 'key').reduce((s, m) => s.slice(0, m.start) + ' '.repeat(m.end - m.start) + s.slice(m.end), q);
  const found = findWindow(blanked, now, tz);
  const inWindow = (m: Mention) => found && m.start < found.end && m.end > found.start;
  const named = mentions.filter((m) => !inWindow(m));
  const spans = [...named.filter((m) => !m.plain).map((m) => ({ start: m.start, end: m.end, word: PLACEHOLDER[m.kind] })), ...(found ? [{ start: found.start, end: found.end, word: PLACEHOLDER.time }] : [])].sort((a, b) => b.start - a.start);
  let classified = q;
  for (const s of spans) classified = `${classified.slice(0, s.start)} ${s.word} ${classified.slice(s.end)}`;
  classified = classified.replace(/\s+/g, ' ').trim().toLowerCase();

  const c = await intentClassifier();
  const { classifications } = await c.nlu.process(classified);
  const top = classifications[0];
  const filters = findFilters(q.replace(/\S*\/\S*/g, ' '));
  let intent: Intent = top && top.intent !== 'None' && top.score >= MIN_SCORE && top.intent in INTENTS && onTopic(classified, c) ? (top.intent as Intent) : 'unknown';

  const given = new Map<EntityKind, Mention>();
  for (const m of named) if (!given.has(m.kind)) given.set(m.kind, m);
  // The names the question gives refine the intent: a task makes it about that task, ...
  for (let hops = 0; hops < 3; hops++) {
    const def = INTENTS[intent];
    const to = ENTITY_KINDS.map((k) => (given.has(k) ? def.with?.[k] : undefined)).find(Boolean);
    const missing = def.needs?.some((k) => !given.has(k));
    const next = (to ?? (missing ? def.without : undefined)) as Intent | undefined;
    if (!next) break;
    intent = next;
  }
  const def = INTENTS[intent];
  const slots = new Set<EntityKind>([...(def.needs ?? []), ...def.uses]);
  const entities: QueryPlan['entities'] = {};
  const unresolved: Unresolved[] = [];
  const ignored: string[] = [];
  for (const m of named) {
    if (!slots.has(m.kind)) {
      if (m.value) ignored.push(`${m.kind} ${m.value}`);
      continue;
    }
    if (m.value) {
      entities[m.kind] ??= m.value;
      if (m.kind === 'key' && m.namespace) entities.namespace = m.namespace;
    } else unresolved.push({ kind: m.kind, text: m.text, nearest: m.nearest });
  }
  // A key given with its namespace ("team/plans/today") names the namespace too.
  if (intent === 'who_wrote' && given.get('namespace')?.value && !entities.namespace) entities.namespace = given.get('namespace')!.value;
  const kept: Filters = {};
  if (intent === 'explain_task' || intent === 'count') kept.outcome = filters.outcome;
  if (intent === 'list_agents') kept.status = filters.status;
  if (intent === 'driver_events') kept.event = filters.event ?? 'loaded';
  for (const k of Object.keys(kept) as (keyof Filters)[]) if (!kept[k]) delete kept[k];
  const window = intent === 'unknown' || intent === 'help' ? undefined : found?.window;
  return { intent, entities, window, filters: kept, unresolved, ignored, confidence: top?.score ?? 0 };
}
