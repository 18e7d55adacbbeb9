// The agent registry: who may submit and handle tasks, with their capabilities, trust,
// share weight and quota. Persisted in <data-dir>/agents.db (SQLite, WAL); read from an
// in-memory copy on the hot path.
//
// What policies and the scheduler rely on (capabilities, trust, groups, status, whether
// the admin registered the agent) is set by the admin only. An agent registering itself
// records claims beside them (`claimedCapabilities`), which the admin may read and grant
// but which nothing trusts.
import { join } from 'node:path';
import Database from 'better-sqlite3';

/** What an agent id may be. */
export const AGENT_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
export const AGENT_ID_RULE = 'an agent id is 1-128 of [A-Za-z0-9_.:-], starting with a letter or digit';
/**
 * The kernel's own principals (the admin token, callers without a token, the kernel in its
 * records): an agent by one of these names would be merged with them in records and answers.
 */
export const RESERVED_AGENT_IDS: readonly string[] = ['admin', 'anonymous', 'kernel'];

export type AgentStatus = 'active' | 'idle' | 'suspended';
export const AGENT_STATUSES: readonly AgentStatus[] = ['active', 'idle', 'suspended'];

/** Who made the record: the admin, or the agent itself (its claims only, nothing trusted). */
export type RegisteredBy = 'admin' | 'self';

export interface Agent {
  agentId: string;
  /** Granted by the admin: what policies and the scheduler go by. */
  capabilities: string[];
  /** What the agent says of itself; never what a policy or the scheduler reads. */
  claimedCapabilities: string[];
  registeredBy: RegisteredBy;
  /** In [0, 1]. */
  trust: number;
  /** Relative share of dispatched work under contention. */
  shareWeight: number;
  /** Token bucket: tasks per second and burst size. */
  quotaRate: number;
  quotaBurst: number;
  status: AgentStatus;
  groups: string[];
  metadata: Record<string, string>;
  registeredAt: number;
}

export interface AgentDefaults {
  trust: number;
  shareWeight: number;
  quotaRate: number;
  quotaBurst: number;
}

/** What the admin's registration sets; absent numbers keep the agent's current value (or the default). */
export interface AgentRegistration {
  agentId: string;
  capabilities: string[];
  metadata?: Record<string, string>;
  trust?: number;
  shareWeight?: number;
  quotaRate?: number;
  quotaBurst?: number;
  groups?: string[];
  status?: AgentStatus;
}

/** What an agent may say of itself. */
export interface AgentClaim {
  agentId: string;
  capabilities: string[];
  metadata?: Record<string, string>;
}

type Listener = (agent: Agent, previous: Agent | undefined) => void;

export class AgentRegistry {
  private readonly db: Database.Database;
  private readonly agents = new Map<string, Agent>();
  private readonly listeners = new Set<Listener>();
  private readonly upsert: Database.Statement;

  constructor(
    dataDir: string,
    private readonly defaults: AgentDefaults,
  ) {
    this.db = new Database(join(dataDir, 'agents.db'));
    this.db.pragma('journal_mode = WAL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS agents (
      agent_id TEXT PRIMARY KEY, capabilities TEXT NOT NULL, trust REAL NOT NULL, share_weight REAL NOT NULL,
      quota_rate REAL NOT NULL, quota_burst REAL NOT NULL, status TEXT NOT NULL, groups_json TEXT NOT NULL,
      metadata TEXT NOT NULL, registered_at INTEGER NOT NULL, updated_at INTEGER NOT NULL)`);
    // Added with claims; a row from before holds no claims and was taken as the admin's.
    const columns = new Set((this.db.pragma('table_info(agents)') as { name: string }[]).map((c) => c.name));
    if (!columns.has('claimed_capabilities')) this.db.exec(`ALTER TABLE agents ADD COLUMN claimed_capabilities TEXT NOT NULL DEFAULT '[]'`);
    if (!columns.has('registered_by')) this.db.exec(`ALTER TABLE agents ADD COLUMN registered_by TEXT NOT NULL DEFAULT 'admin'`);
    this.upsert = this.db.prepare(`INSERT INTO agents (agent_id, capabilities, trust, share_weight, quota_rate, quota_burst, status, groups_json,
      metadata, registered_at, updated_at, claimed_capabilities, registered_by)
      VALUES (@agentId, @capabilities, @trust, @shareWeight, @quotaRate, @quotaBurst, @status, @groups, @metadata, @registeredAt, @updatedAt,
      @claimedCapabilities, @registeredBy)
      ON CONFLICT(agent_id) DO UPDATE SET capabilities = excluded.capabilities, trust = excluded.trust,
      share_weight = excluded.share_weight, quota_rate = excluded.quota_rate, quota_burst = excluded.quota_burst,
      status = excluded.status, groups_json = excluded.groups_json, metadata = excluded.metadata, updated_at = excluded.updated_at,
      claimed_capabilities = excluded.claimed_capabilities, registered_by = excluded.registered_by`);
    for (const r of this.db.prepare('SELECT * FROM agents').all() as Record<string, never>[]) {
      this.agents.set(r.agent_id, {
        agentId: r.agent_id,
        capabilities: JSON.parse(r.capabilities),
        claimedCapabilities: JSON.parse(r.claimed_capabilities),
        registeredBy: r.registered_by,
        trust: r.trust,
        shareWeight: r.share_weight,
        quotaRate: r.quota_rate,
        quotaBurst: r.quota_burst,
        status: r.status,
        groups: JSON.parse(r.groups_json),
        metadata: JSON.parse(r.metadata),
        registeredAt: r.registered_at,
      });
    }
  }

  get(id: string): Agent | undefined {
    return this.agents.get(id);
  }

  list(filter: { status?: AgentStatus } = {}): Agent[] {
    return [...this.agents.values()].filter((a) => !filter.status || a.status === filter.status).sort((a, b) => a.agentId.localeCompare(b.agentId));
  }

  /** The admin registers an agent, or updates it when it exists (registeredAt and the agent's claims are kept). */
  register(r: AgentRegistration): Agent {
    const base = this.agents.get(r.agentId) ?? this.fresh();
    return this.store({
      ...base,
      agentId: r.agentId,
      capabilities: sorted(r.capabilities),
      registeredBy: 'admin',
      trust: r.trust ?? base.trust,
      shareWeight: r.shareWeight ?? base.shareWeight,
      quotaRate: r.quotaRate ?? base.quotaRate,
      quotaBurst: r.quotaBurst ?? base.quotaBurst,
      status: r.status ?? base.status,
      groups: r.groups ?? base.groups,
      metadata: r.metadata ?? base.metadata,
    });
  }

  /**
   * An agent registers itself: its claims and metadata are recorded, and a new record takes
   * the defaults with no granted capabilities; nothing a policy reads changes.
   */
  claim(c: AgentClaim): Agent {
    const base = this.agents.get(c.agentId) ?? { ...this.fresh(), agentId: c.agentId, registeredBy: 'self' as const };
    return this.store({ ...base, claimedCapabilities: sorted(c.capabilities), metadata: c.metadata ?? base.metadata });
  }

  /** A peer kernel's record of an agent, as it is there (the federation's state, host/federation/state.ts). */
  adopt(agent: Agent): Agent {
    return this.store({ ...agent, capabilities: sorted(agent.capabilities), claimedCapabilities: sorted(agent.claimedCapabilities) });
  }

  private fresh(): Omit<Agent, 'agentId' | 'registeredBy'> {
    return { ...this.defaults, capabilities: [], claimedCapabilities: [], groups: [], metadata: {}, status: 'active', registeredAt: Date.now() };
  }

  private store(agent: Agent): Agent {
    const previous = this.agents.get(agent.agentId);
    this.upsert.run({
      ...agent,
      capabilities: JSON.stringify(agent.capabilities),
      claimedCapabilities: JSON.stringify(agent.claimedCapabilities),
      groups: JSON.stringify(agent.groups),
      metadata: JSON.stringify(agent.metadata),
      updatedAt: Date.now(),
    });
    this.agents.set(agent.agentId, agent);
    for (const l of this.listeners) l(agent, previous);
    return agent;
  }

  /** Called after every registration or change (the scheduler refreshes buckets and weights). */
  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  health() {
    const counts = Object.fromEntries(AGENT_STATUSES.map((s) => [s, 0])) as Record<AgentStatus, number>;
    for (const a of this.agents.values()) counts[a.status]++;
    return { status: 'ok' as const, details: { agents: String(this.agents.size), ...Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, String(v)])) } };
  }

  close(): void {
    this.db.close();
  }
}

const sorted = (xs: string[]) => [...new Set(xs)].sort();
