// Who may read which audit records: the rule behind questions, explanations and traces.
//
// The admin reads every record. An agent reads
//   1. the records of its own calls, and the kernel's records of its own tasks (both carry
//      it as the caller);
//   2. the records of the agents a policy lets it `audit_read` (resource Agent::"<id>", so a
//      grant may name an agent or a group), and every record when it may `audit_read`
//      Kernel::"audit";
//   3. the successful changes (write, delete, snapshot, restore) to a namespace it may
//      `context_read`: what that namespace's version history and snapshot list show it anyway;
//   4. the driver catalogue's events (loaded, unloaded, refused) when it may `driver_list`,
//      and policy updates when it may `policy_get`.
// Nothing else: not other agents' reads, denials, tasks or traces, not the agent list.
// The same scope bounds the names a question can resolve, so a hidden agent is answered as
// one that does not exist.
import type { Principal, Resource } from '../contract/index.ts';

export interface AuditScope {
  /** Every record (the admin, or an audit_read grant on Kernel::"audit"). */
  readonly all: boolean;
  /** Callers whose records are visible (rules 1 and 2). */
  readonly callers: readonly string[];
  /** Namespaces whose successful changes are visible (rule 3). */
  readonly namespaces: readonly string[];
  readonly driverEvents: boolean;
  readonly policyUpdates: boolean;
  /** May see every registered agent (sys_agent_list), not only those above. */
  readonly agentList: boolean;
  /** May see the detailed health report. */
  readonly healthDetails: boolean;
}

export const ALL: AuditScope = Object.freeze({ all: true, callers: [], namespaces: [], driverEvents: true, policyUpdates: true, agentList: true, healthDetails: true });

/** The records of these syscalls are a namespace's changes (rule 3). */
export const NAMESPACE_CHANGES = ['sys_context_write', 'sys_context_delete', 'sys_context_snapshot', 'sys_context_restore'];
/** The driver catalogue's events (rule 4). */
export const DRIVER_EVENTS = ['driver.loaded', 'driver.unloaded', 'driver.refused'];
export const POLICY_UPDATE = 'sys_policy_update';

/** Asks the policy engine whether the caller may do `action` on `resource`. */
export type Permits = (action: string, resource: Resource) => boolean | Promise<boolean>;

/** The scope of a principal, given the agents and namespaces the kernel knows. */
export async function scopeOf(principal: Principal, permits: Permits, known: { agents: Iterable<string>; namespaces: Iterable<string> }): Promise<AuditScope> {
  if (principal.kind === 'admin') return ALL;
  if (principal.kind !== 'agent') return Object.freeze({ ...ALL, all: false, driverEvents: false, policyUpdates: false, agentList: false, healthDetails: false });
  const may = (action: string, type: string, id: string) => permits(action, { type, id });
  const [all, driverEvents, policyUpdates, agentList, healthDetails] = await Promise.all([
    may('audit_read', 'Kernel', 'audit'),
    may('driver_list', 'Driver', '*'),
    may('policy_get', 'Policy', 'current'),
    may('agent_list', 'Agent', '*'),
    may('health_detail', 'Kernel', 'camos'),
  ]);
  if (all) return ALL;
  const callers = [principal.id];
  for (const a of new Set(known.agents)) if (a !== principal.id && (await may('audit_read', 'Agent', a))) callers.push(a);
  const namespaces: string[] = [];
  for (const ns of new Set(known.namespaces)) if (await may('context_read', 'Namespace', ns)) namespaces.push(ns);
  return Object.freeze({ all: false, callers, namespaces, driverEvents, policyUpdates, agentList, healthDetails });
}

/** The scope as an SQL condition on the records table (alias: its name in the query, e.g. "r."). */
export function scopeWhere(s: AuditScope, alias = ''): { sql: string; params: string[] } {
  if (s.all) return { sql: '1', params: [] };
  const c = (col: string) => `${alias}${col}`;
  const marks = (n: number) => Array(n).fill('?').join(', ');
  const parts: string[] = [];
  const params: string[] = [];
  if (s.callers.length) {
    // caller_kind: an agent named "kernel" or "admin" is not the kernel or the admin.
    parts.push(`(${c('caller_kind')} = 'agent' AND ${c('caller')} IN (${marks(s.callers.length)}))`);
    params.push(...s.callers);
  }
  if (s.namespaces.length) {
    parts.push(`(${c('outcome')} = 'ok' AND ${c('syscall')} IN (${marks(NAMESPACE_CHANGES.length)}) AND ${c('target')} IN (${marks(s.namespaces.length)}))`);
    params.push(...NAMESPACE_CHANGES, ...s.namespaces.map((n) => `Namespace::${n}`));
  }
  if (s.driverEvents) {
    parts.push(`(${c('caller')} = 'kernel' AND ${c('syscall')} IN (${marks(DRIVER_EVENTS.length)}))`);
    params.push(...DRIVER_EVENTS);
  }
  if (s.policyUpdates) {
    parts.push(`(${c('syscall')} = ? AND ${c('outcome')} = 'ok')`);
    params.push(POLICY_UPDATE);
  }
  return { sql: parts.length ? `(${parts.join(' OR ')})` : '0', params };
}
