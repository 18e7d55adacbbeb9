// The authorize stage for a grpc driver's token: its signed manifest is its grant, so the
// policy set is not asked; it reads and writes context in the namespaces the manifest
// names, and calls nothing else. Every other caller goes to the policy engine.
import { namespaceGranted } from '../drivers/index.ts';
import type { AuthorizationDecision, Authorizer, DriverScope, Resource } from '../contract/index.ts';

const GRANTS: Record<string, { patterns: keyof Pick<DriverScope, 'read' | 'write'>; verb: string }> = {
  sys_context_read: { patterns: 'read', verb: 'read' },
  sys_context_write: { patterns: 'write', verb: 'write' },
};

export function scopeDecision(scope: DriverScope, syscall: string, resource: Resource): AuthorizationDecision {
  const policies = [`manifest:${scope.driver}`];
  const grant = GRANTS[syscall];
  if (!grant) return { allowed: false, policies, reason: `driver '${scope.driver}''s token is good for sys_context_read and sys_context_write in its manifest's namespaces, not for ${syscall}` };
  const patterns = scope[grant.patterns];
  if (resource.type === 'Namespace' && namespaceGranted(patterns, resource.id)) return { allowed: true, policies, reason: '' };
  const named = patterns.length ? patterns.map((p) => `'${p}'`).join(', ') : 'none';
  return { allowed: false, policies, reason: `driver '${scope.driver}' may not ${grant.verb} namespace '${resource.id}': its manifest grants ${grant.verb}s of ${named} (capabilities.context.${grant.patterns})` };
}

/** `policy`, with a driver's token decided by its manifest's grants (the kernel's authorizer). */
export const withDriverScopes = (policy: Authorizer): Authorizer => ({
  authorize: (q) => (q.principal.scope ? scopeDecision(q.principal.scope, q.syscall, q.resource) : policy.authorize(q)),
});
