// The policy engine: Cedar decides every syscall (it is the kernel's authorizer), answers
// policy questions, and keeps the policy set versioned in the data directory. Decisions
// that cannot depend on the call's context are cached until the policy set or an entity
// changes.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Config } from '../config/index.ts';
import { failedPrecondition, invalidArgument, notFound } from '../base/errors.ts';
import type { AuthorizationDecision, AuthorizationQuery, Authorizer, ComponentHealth, Principal, Resource } from '../contract/index.ts';
import { ACTIONS, SCHEMA_TEXT, compile, evaluate, evaluateWithoutContext, resourceTypesOf, type CedarValue, type CompiledPolicySet, type EntityUid, type Evaluation } from './cedar.ts';
import { entitiesFor, externalParents, principalUid, type Directory } from './entities.ts';
import { PolicyStore, type PolicyVersionInfo, type StoredPolicySet } from './store.ts';
import { fromRoot } from '../base/root.ts';

export type { PolicyVersionInfo, StoredPolicySet } from './store.ts';
export { SCHEMA_TEXT } from './cedar.ts';

export const DEFAULT_POLICY_FILE = fromRoot('policies', 'default.cedar');

/** Context attributes that change from call to call (see the schema's CallContext). */
const PER_CALL = ['hour'];

export interface PolicyQuery {
  /** A principal, or text: "agent-b", "admin", "anonymous", 'Agent::"agent-b"'. */
  principal: Principal | string;
  /** An action (a syscall name with or without "sys_"). */
  action: string;
  /** A resource, or text: 'Namespace::"finance"', or a bare id typed by the action. */
  resource: Resource | string;
  /** Cedar context; `hour` defaults to the current UTC hour. */
  context?: Record<string, string | number | boolean>;
  /** A policy-set version (3, "3", "v3") or policy id; default the current set. */
  version?: number | string;
}

export interface PolicyAnswer {
  allowed: boolean;
  reason: string;
  determiningPolicies: string[];
  errors: string[];
  version: number;
  policyId: string;
}

export interface PolicyUpdate {
  text: string;
  author: string;
  policyId?: string;
  metadata?: Record<string, string>;
}

interface Active {
  stored: StoredPolicySet;
  set: CompiledPolicySet;
}

/** A cache entry for a decision that depends on the call's context: evaluated every time. */
const PER_CALL_DECISION = null;

export class PolicyEngine implements Authorizer {
  private readonly store: PolicyStore;
  private readonly directory: Directory;
  private readonly cacheSize: number;
  private readonly clock: () => number;
  private active: Active;
  /** Older versions compiled for queries that name them. */
  private readonly compiledVersions = new Map<number, CompiledPolicySet>();
  private readonly cache = new Map<string, AuthorizationDecision | typeof PER_CALL_DECISION>();
  private counters = { hits: 0, misses: 0, invalidations: 0 };

  constructor(opts: { dataDir: string; directory: Directory; cacheSize: number; initialFile?: string | URL; clock?: () => number }) {
    this.store = new PolicyStore(opts.dataDir);
    this.directory = opts.directory;
    this.cacheSize = opts.cacheSize;
    this.clock = opts.clock ?? Date.now;
    const latest = this.store.latest();
    if (latest) this.active = { stored: latest, set: compile(latest.text) };
    else {
      // First start: the shipped default set (or the configured one) becomes version 1.
      const text = readFileSync(opts.initialFile ?? DEFAULT_POLICY_FILE, 'utf8');
      const set = compile(text);
      const source = opts.initialFile ? String(opts.initialFile) : 'policies/default.cedar';
      this.active = { stored: this.store.append({ policyId: 'default', text, author: 'kernel', timestamp: Date.now(), metadata: { source } }), set };
    }
  }

  /** The authorize stage: one Cedar decision per call, cached where the context cannot matter. */
  authorize(q: AuthorizationQuery): AuthorizationDecision {
    const key = `${q.principal.kind}\u001f${q.principal.id}\u001f${q.action}\u001f${q.resource.type}\u001f${q.resource.id}\u001f${externalParents(q.resource, this.directory)}`;
    const hit = this.cache.get(key);
    if (hit) {
      this.counters.hits++;
      return hit;
    }
    this.counters.misses++;
    const { set, stored } = this.active;
    const request = this.request(principalUid(q.principal), q.action, { type: q.resource.type, id: q.resource.id }, {});
    const decide = (e: Evaluation) => this.decision(e, request, stored.version);
    if (hit === PER_CALL_DECISION) return decide(evaluate(set, request));
    if (set.contextActions.has(q.action)) {
      // Some policy reads the context: cache the decision only if it holds for any context.
      const settled = evaluateWithoutContext(set, request, PER_CALL);
      if (!settled) {
        this.remember(key, PER_CALL_DECISION);
        return decide(evaluate(set, request));
      }
      return this.remember(key, decide(settled));
    }
    return this.remember(key, decide(evaluate(set, request)));
  }

  /** Answers a policy question (never from the cache), against the current or a named version. */
  query(q: PolicyQuery): PolicyAnswer {
    const action = parseAction(q.action);
    const principal = typeof q.principal === 'string' ? parsePrincipal(q.principal) : principalUid(q.principal);
    const resource = typeof q.resource === 'string' ? parseResource(q.resource, action) : { type: q.resource.type, id: q.resource.id };
    const { stored, set } = this.resolve(q.version);
    const request = this.request(principal, action, resource, q.context ?? {});
    const result = evaluate(set, request);
    return {
      allowed: result.allowed,
      reason: this.decision(result, request, stored.version).reason,
      determiningPolicies: result.policies,
      errors: result.errors,
      version: stored.version,
      policyId: stored.policyId,
    };
  }

  /**
   * Validates a new policy set, stores it as the next version and swaps it in. Refuses a
   * set under which the admin could no longer update policies (it would lock everyone out).
   */
  update(u: PolicyUpdate): { stored: StoredPolicySet; warnings: string[] } {
    const set = this.validate(u.text);
    const stored = this.store.append({ policyId: u.policyId, text: u.text, author: u.author, timestamp: Date.now(), metadata: u.metadata ?? {} });
    this.active = { stored, set };
    this.invalidate();
    return { stored, warnings: set.warnings };
  }

  /**
   * What sys_policy_update calls: `update`, or in a federated kernel the next version
   * numbered by the federation (`share`), stored here once the federation took it.
   */
  async commit(u: PolicyUpdate): Promise<{ stored: StoredPolicySet; warnings: string[] }> {
    if (!this.publish) return this.update(u);
    const set = this.validate(u.text);
    const version = this.active.stored.version + 1; // the active set is the newest
    const stored: StoredPolicySet = { version, policyId: u.policyId || `v${version}`, text: u.text, author: u.author, timestamp: Date.now(), metadata: u.metadata ?? {} };
    await this.publish(stored);
    this.adopt(stored, set);
    return { stored, warnings: set.warnings };
  }

  private publish?: (next: StoredPolicySet) => Promise<void>;

  /** From now on a version is numbered by `publish`, which throws when another kernel took that number. */
  share(publish: (next: StoredPolicySet) => Promise<void>): void {
    this.publish = publish;
  }

  /**
   * A version numbered by the federation (a peer's, or ours read back): stored under its
   * number, in force when it is the newest. 'conflict' when this kernel holds another set
   * under that number (made before it joined the federation).
   */
  adopt(stored: StoredPolicySet, set = this.validate(stored.text)): 'applied' | 'unchanged' | 'conflict' {
    if (!this.store.put(stored)) {
      const mine = this.store.get(stored.version)!;
      return mine.text === stored.text && mine.policyId === stored.policyId ? 'unchanged' : 'conflict';
    }
    if (stored.version > this.active.stored.version) {
      this.active = { stored, set };
      this.invalidate();
    }
    return 'applied';
  }

  /** A policy set as it would be put in force: compiled, and leaving the admin able to change it again. */
  private validate(text: string): CompiledPolicySet {
    const set = compile(text);
    const admin = this.request({ type: 'Admin', id: 'admin' }, 'policy_update', { type: 'Policy', id: 'current' }, {});
    if (!evaluate(set, admin).allowed) {
      throw failedPrecondition('the new policy set does not permit the admin to update policies (Admin::"admin", policy_update); keep a policy such as `permit (principal is Admin, action, resource);` so that it can be changed again');
    }
    return set;
  }

  /** The current policy set, or a stored version. */
  get(version?: number): StoredPolicySet {
    if (!version) return this.active.stored;
    const stored = this.store.get(version);
    if (!stored) throw notFound(`policy set version ${version} does not exist; versions are 1..${this.active.stored.version} (\`camos policy history\`)`);
    return stored;
  }

  history(): PolicyVersionInfo[] {
    return this.store.history();
  }

  version(): number {
    return this.active.stored.version;
  }

  /** Forgets every cached decision: call it when a policy or an entity (agent, group, trust) changes. */
  invalidate(): void {
    this.cache.clear();
    this.counters.invalidations++;
  }

  stats() {
    return { ...this.counters, cached: this.cache.size };
  }

  health(): ComponentHealth {
    const { stored, set } = this.active;
    return {
      status: 'ok',
      details: {
        version: String(stored.version),
        policy_id: stored.policyId,
        policies: String(set.policies.size),
        cached_decisions: String(this.cache.size),
        cache_hits: String(this.counters.hits),
        cache_misses: String(this.counters.misses),
      },
    };
  }

  close(): void {
    this.store.close();
  }

  private remember<T extends AuthorizationDecision | typeof PER_CALL_DECISION>(key: string, d: T): T {
    if (this.cache.size >= this.cacheSize) this.cache.clear();
    if (this.cacheSize > 0) this.cache.set(key, d);
    return d;
  }

  private request(principal: EntityUid, action: string, resource: EntityUid, context: Record<string, string | number | boolean>) {
    return {
      principal,
      action,
      resource,
      context: { hour: new Date(this.clock()).getUTCHours(), ...toCedarContext(context) },
      entities: entitiesFor(principal, resource, this.directory),
    };
  }

  private decision(e: Evaluation, r: { principal: EntityUid; action: string; resource: EntityUid }, version: number): AuthorizationDecision {
    const named = e.policies.map((p) => `"${p}"`).join(', ');
    const plural = e.policies.length === 1 ? 'policy' : 'policies';
    let reason: string;
    if (e.allowed) reason = `permitted by ${plural} ${named}`;
    else if (e.policies.length) reason = `forbidden by ${plural} ${named}`;
    else reason = `no policy permits ${uid(r.principal)} to ${r.action} on ${uid(r.resource)} (policy set v${version} denies by default)`;
    if (e.errors.length) reason += `; ${e.errors.length === 1 ? 'a policy' : `${e.errors.length} policies`} failed to evaluate: ${e.errors.join('; ')}`;
    return Object.freeze({ allowed: e.allowed, reason, policies: e.policies });
  }

  private resolve(version: number | string | undefined): Active {
    if (version === undefined || version === '' || version === 0) return this.active;
    const n = typeof version === 'number' ? version : /^v?\d+$/.test(version) ? Number(version.replace(/^v/, '')) : undefined;
    const stored = n !== undefined ? this.store.get(n) : this.store.byPolicyId(version as string);
    if (!stored) throw notFound(`no policy set version or policy id '${version}'; \`camos policy history\` lists them`);
    if (stored.version === this.active.stored.version) return this.active;
    let set = this.compiledVersions.get(stored.version);
    if (!set) {
      set = compile(stored.text);
      this.compiledVersions.set(stored.version, set);
    }
    return { stored, set };
  }
}

/** Opens the policy engine over <data-dir>/policy.db; `directory` answers what it asks of agents and tasks. */
export function openPolicyEngine(deps: { dataDir: string; config: Config['policy']; directory: Directory }): PolicyEngine {
  return new PolicyEngine({
    dataDir: deps.dataDir,
    directory: deps.directory,
    cacheSize: deps.config.cacheSize,
    initialFile: deps.config.initialFile ? resolve(deps.config.initialFile) : undefined,
  });
}

export type { Directory } from './entities.ts';

const uid = (e: EntityUid) => `${e.type}::${JSON.stringify(e.id)}`;

const ENTITY = /^([A-Za-z_][A-Za-z0-9_]*)::(?:"((?:[^"\\]|\\.)*)"|(.+))$/;

/** Type::"id" (the id a JSON string body) or Type::id; `field` names the request field in an error. */
function parseEntity(text: string, field: string): EntityUid | undefined {
  const m = ENTITY.exec(text.trim());
  if (!m) return undefined;
  if (m[2] === undefined) return { type: m[1], id: m[3] };
  let id: string | undefined;
  try {
    id = JSON.parse(`"${m[2]}"`);
  } catch {
    // falls through to the refusal
  }
  if (id === undefined || !id.isWellFormed()) throw invalidArgument(`field '${field}': the quoted id in ${JSON.stringify(text)} is not a valid JSON string (a bad escape, a stray quote or a lone surrogate)`);
  return { type: m[1], id };
}

export function parsePrincipal(text: string): EntityUid {
  const t = text.trim();
  if (!t) throw invalidArgument("field 'principal': name a principal, e.g. agent-b, admin, anonymous or Agent::\"agent-b\"");
  const e = parseEntity(t, 'principal');
  if (e) {
    if (!['Agent', 'Admin', 'Anonymous'].includes(e.type)) throw invalidArgument(`field 'principal': '${e.type}' is not a principal type (Agent, Admin, Anonymous)`);
    return e;
  }
  if (t === 'admin') return { type: 'Admin', id: 'admin' };
  if (t === 'anonymous') return { type: 'Anonymous', id: 'anonymous' };
  return { type: 'Agent', id: t };
}

export function parseAction(text: string): string {
  const t = text.trim();
  const e = parseEntity(t, 'action');
  const action = (e && e.type === 'Action' ? e.id : t).replace(/^sys_/, '');
  if (action === 'tmp_sign') return 'tpm_sign';
  if (!ACTIONS.includes(action)) throw invalidArgument(`field 'action': unknown action '${text}'; actions are the syscall names without "sys_": ${ACTIONS.join(', ')}`);
  return action;
}

export function parseResource(text: string, action: string): EntityUid {
  const t = text.trim();
  const e = parseEntity(t, 'resource');
  if (e) return e;
  const types = resourceTypesOf(action);
  if (!t) throw invalidArgument(`field 'resource': name a resource, e.g. ${types[0] ?? 'Namespace'}::"<id>"`);
  return { type: types[0], id: t };
}

/** Cedar context from strings: "true"/"false" are booleans, integers are Longs, the rest strings. */
function toCedarContext(context: Record<string, string | number | boolean>): Record<string, CedarValue> {
  const out: Record<string, CedarValue> = {};
  for (const [k, v] of Object.entries(context)) {
    if (typeof v !== 'string') out[k] = v;
    else if (v === 'true' || v === 'false') out[k] = v === 'true';
    else if (/^-?\d{1,15}$/.test(v)) out[k] = Number(v);
    else out[k] = v;
  }
  return out;
}

/** "agent-b context_write finance" (also "may agent-b context_write on finance?"). */
export function parseQueryText(text: string): { principal: string; action: string; resource: string } {
  const words = text
    .trim()
    .replace(/\?+$/, '')
    .split(/\s+/)
    .filter((w) => w && !/^(can|may|is|allowed|to|on|in|the)$/i.test(w));
  if (words.length !== 3) {
    throw invalidArgument(`field 'query': expected "<principal> <action> <resource>" such as "agent-b context_write finance", got ${JSON.stringify(text)}`);
  }
  return { principal: words[0], action: words[1], resource: words[2] };
}
