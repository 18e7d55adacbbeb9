// The authorize stage's question and answer: the pipeline asks, the policy engine decides.
import type { Principal } from './principal.ts';

/** The policy resource a call acts on. */
export interface Resource {
  type: string; // Namespace, Driver, Task, Key, Policy, Agent, Kernel, Trace, Metric, Channel
  id: string;
}

/** The authorize stage's hook: the policy engine. */
export interface Authorizer {
  authorize(q: AuthorizationQuery): Promise<AuthorizationDecision> | AuthorizationDecision;
}
export interface AuthorizationQuery {
  principal: Principal;
  action: string;
  resource: Resource;
  syscall: string;
  request: unknown;
}
export interface AuthorizationDecision {
  allowed: boolean;
  reason: string;
  policies: string[];
}
