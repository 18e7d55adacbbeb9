// The syscall table: one row per syscall, in the spirit of xv6's syscall.c. Each row
// names the syscall, its number, its RPC and its definition (schema, policy action,
// resource, handler) from the subsystem file beside this one. Adding a syscall means
// adding a row and a handler, nothing else.
import type { SyscallDef, SyscallRow } from './types.ts';
import * as context from './context.ts';
import * as drivers from './drivers.ts';
import * as kernel from './kernel.ts';
import * as observability from './observability.ts';
import * as policy from './policy.ts';
import * as security from './security.ts';
import * as tasks from './tasks.ts';

const row = (nr: number, name: string, rpc: string, group: SyscallRow['group'], def: SyscallDef): SyscallRow => ({
  ...def,
  nr,
  name,
  rpc,
  group,
  sessionField: rpc[0].toLowerCase() + rpc.slice(1),
});

export const table: readonly SyscallRow[] = [
  row(1, 'sys_arbitrate', 'Arbitrate', 'core', tasks.arbitrate),
  row(2, 'sys_commit_task', 'CommitTask', 'core', tasks.commitTask),
  row(3, 'sys_rollback_task', 'TaskRollback', 'core', tasks.rollbackTask),
  row(4, 'sys_query_policy', 'QueryPolicy', 'core', policy.queryPolicy),
  row(5, 'sys_explain_action', 'ExplainAction', 'core', observability.explainAction),
  row(6, 'sys_context_read', 'ContextRead', 'memory', context.contextRead),
  row(7, 'sys_context_write', 'ContextWrite', 'memory', context.contextWrite),
  row(8, 'sys_context_snapshot', 'ContextSnapshot', 'memory', context.contextSnapshot),
  row(9, 'sys_context_restore', 'ContextRestore', 'memory', context.contextRestore),
  row(10, 'sys_tpm_sign', 'TpmSign', 'security', security.tpmSign),
  row(11, 'sys_verify_manifest', 'VerifyManifest', 'security', drivers.verifyManifest),
  row(12, 'sys_establish_secure_channel', 'EstablishSecureChannel', 'security', security.establishSecureChannel),
  row(13, 'sys_emit_trace', 'EmitTrace', 'observability', observability.emitTrace),
  row(14, 'sys_emit_metric', 'EmitMetric', 'observability', observability.emitMetric),
  row(15, 'sys_health_check', 'HealthCheck', 'observability', kernel.healthCheck),
  // supporting calls
  row(16, 'sys_agent_register', 'AgentRegister', 'supporting', tasks.agentRegister),
  row(17, 'sys_agent_list', 'AgentList', 'supporting', tasks.agentList),
  row(18, 'sys_task_status', 'TaskStatus', 'supporting', tasks.taskStatus),
  row(19, 'sys_context_version_list', 'ContextVersionList', 'supporting', context.contextVersionList),
  row(20, 'sys_context_delete', 'ContextDelete', 'supporting', context.contextDelete),
  row(21, 'sys_context_snapshot_list', 'ContextSnapshotList', 'supporting', context.contextSnapshotList),
  row(22, 'sys_policy_update', 'PolicyUpdate', 'supporting', policy.policyUpdate),
  row(23, 'sys_policy_get', 'PolicyGet', 'supporting', policy.policyGet),
  row(24, 'sys_driver_load', 'DriverLoad', 'supporting', drivers.driverLoad),
  row(25, 'sys_driver_unload', 'DriverUnload', 'supporting', drivers.driverUnload),
  row(26, 'sys_driver_list', 'DriverList', 'supporting', drivers.driverList),
  row(27, 'sys_driver_invoke', 'DriverInvoke', 'supporting', drivers.driverInvoke),
  row(28, 'sys_token_create', 'TokenCreate', 'supporting', kernel.tokenCreate),
  row(29, 'sys_token_revoke', 'TokenRevoke', 'supporting', kernel.tokenRevoke),
  row(30, 'sys_token_list', 'TokenList', 'supporting', kernel.tokenList),
  row(31, 'sys_nl_query', 'NlQuery', 'supporting', observability.nlQuery),
  row(32, 'sys_trace_get', 'TraceGet', 'supporting', observability.traceGet),
  row(33, 'sys_task_list', 'TaskList', 'supporting', tasks.taskList),
  row(34, 'sys_context_list', 'ContextList', 'supporting', context.contextList),
  row(35, 'sys_audit_query', 'AuditQuery', 'supporting', observability.auditQuery),
];

/** Other spellings accepted for a syscall: the seed's `sys_tmp_sign` (and its RPC `TmpSign`). */
export const aliases: Readonly<Record<string, string>> = { sys_tmp_sign: 'sys_tpm_sign', TmpSign: 'TpmSign' };

const byName = new Map<string, SyscallRow>();
for (const r of table) {
  byName.set(r.name, r);
  byName.set(r.rpc, r);
  byName.set(r.sessionField, r);
}
for (const [alias, target] of Object.entries(aliases)) byName.set(alias, byName.get(target)!);

/** Finds a row by syscall name (sys_context_read), RPC name (ContextRead) or session field (contextRead). */
export const lookup = (name: string): SyscallRow | undefined => byName.get(name);
