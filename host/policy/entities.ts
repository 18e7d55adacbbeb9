// Turns camos principals and resources into Cedar entities, with the facts policies read:
// an agent's registration by the admin, who owns a namespace or a task, which driver a version is of.
import type { Principal, Resource } from '../contract/index.ts';
import type { EntityJson, EntityUid } from './cedar.ts';

/** What the policy engine asks of the rest of the kernel about entities. */
export interface Directory {
  agent(id: string): AgentFacts | undefined;
  /** The agents a task belongs to, once the scheduler knows it: its submitter and the agent handling it. */
  taskAgents(taskId: string): string[];
}

/** What the admin set of an agent: an agent's claims about itself are not among them. */
export interface AgentFacts {
  capabilities: string[];
  trust: number;
  groups: string[];
  status: string;
  registeredBy: 'admin' | 'self';
}

export function principalUid(p: Principal): EntityUid {
  if (p.kind === 'admin') return { type: 'Admin', id: p.id };
  if (p.kind === 'anonymous') return { type: 'Anonymous', id: p.id };
  return { type: 'Agent', id: p.id };
}

/** The agent that owns a namespace: its name, or the part before the first "." (namespaces cannot hold "/"). */
export const namespaceOwner = (namespace: string): string => {
  const dot = namespace.indexOf('.');
  return dot < 0 ? namespace : namespace.slice(0, dot);
};

/** The driver a resource id names: "router@1.2.0" is a version of "router". */
const driverName = (id: string): string => {
  const at = id.lastIndexOf('@');
  return at > 0 ? id.slice(0, at) : id;
};

/**
 * The resource's parents as far as they come from outside the policy engine (task
 * owners): part of the decision cache key, since no one tells the engine when they change.
 */
export const externalParents = (r: Resource, dir: Directory): string => (r.type === 'Task' ? dir.taskAgents(r.id).join(',') : '');

function agentEntity(id: string, dir: Directory): EntityJson {
  const a = dir.agent(id);
  const groups = a?.groups ?? [];
  return {
    uid: { type: 'Agent', id },
    attrs: {
      capabilities: a?.capabilities ?? [],
      trust: { __extn: { fn: 'decimal', arg: clampTrust(a?.trust ?? 0).toFixed(4) } },
      groups,
      status: a?.status ?? '',
      registered: a?.registeredBy === 'admin',
    },
    parents: groups.map((g) => ({ type: 'Group', id: g })),
  };
}

const clampTrust = (t: number) => (Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0);

/** The entities a request needs: principal, resource and their parents. */
export function entitiesFor(principal: EntityUid, resource: EntityUid, dir: Directory): EntityJson[] {
  const out = new Map<string, EntityJson>();
  const add = (e: EntityJson) => {
    const uid = e.uid as EntityUid;
    const key = `${uid.type}::${uid.id}`;
    if (!out.has(key)) out.set(key, e);
  };
  const bare = (type: string, id: string, parents: EntityUid[] = []): EntityJson => ({ uid: { type, id }, attrs: {}, parents });

  for (const uid of [principal, resource]) {
    switch (uid.type) {
      case 'Agent': {
        const e = agentEntity(uid.id, dir);
        add(e);
        for (const g of e.parents as EntityUid[]) add(bare('Group', g.id));
        break;
      }
      case 'Namespace': {
        const owner = namespaceOwner(uid.id);
        add(bare('Namespace', uid.id, [{ type: 'Agent', id: owner }]));
        break;
      }
      case 'Task': {
        add(bare('Task', uid.id, dir.taskAgents(uid.id).map((id) => ({ type: 'Agent', id }))));
        break;
      }
      case 'Driver': {
        const name = driverName(uid.id);
        add(bare('Driver', uid.id, name !== uid.id ? [{ type: 'Driver', id: name }] : []));
        if (name !== uid.id) add(bare('Driver', name));
        break;
      }
      default:
        add(bare(uid.type, uid.id));
    }
  }
  // The parents of a namespace or task: its agents, with their own facts.
  for (const e of [...out.values()]) {
    for (const p of e.parents as EntityUid[]) if (p.type === 'Agent' && !out.has(`Agent::${p.id}`)) add(agentEntity(p.id, dir));
  }
  return [...out.values()];
}
