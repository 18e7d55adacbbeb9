// A second question to the policy engine from inside a handler, for what one row's action
// does not cover (the detailed health report, whose audit records a caller may read).
import type { Resource } from '../contract/index.ts';
import type { CallContext } from './types.ts';

export async function permits(call: CallContext, action: string, resource: Resource): Promise<boolean> {
  const d = await call.services.authorizer.authorize({ principal: call.caller, action, resource, syscall: call.syscall, request: {} });
  return d.allowed;
}
