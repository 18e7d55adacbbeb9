// The kernel's own rows: health and identity.
import { z } from 'zod';
import { notFound, permissionDenied } from '../base/errors.ts';
import { permits } from './permits.ts';
import { AGENT_ID } from './tasks.ts';
import type { CallContext, SyscallDef } from './types.ts';

const kernelResource = () => ({ type: 'Kernel', id: 'camos' });

export const healthCheck: SyscallDef<{ detailed: boolean }> = {
  schema: z.object({ detailed: z.boolean().default(false) }),
  action: 'health_check',
  readOnly: () => true,
  resource: kernelResource,
  // The summary is open so that probes need no token; the detailed report (paths, memory,
  // counts of every subsystem) needs a health_detail grant, which only the admin has by default.
  open: (req) => !req?.detailed,
  // The caller fields let a client (the console) learn whom its token stands for.
  handle: async (req, call) => {
    if (req.detailed && !(await permits(call, 'health_detail', kernelResource()))) {
      throw permissionDenied(`${call.caller.id} may not read the detailed health report (it needs a health_detail grant); the summary (detailed=false) is open`);
    }
    return { ...(await (req.detailed ? call.services.health() : call.services.healthSummary())), caller: call.caller.id, callerKind: call.caller.kind };
  },
};


function requireAdmin(call: CallContext, what: string) {
  if (call.caller.kind !== 'admin') throw permissionDenied(`only the admin token may ${what}`);
}

export const tokenCreate: SyscallDef<{ agentId: string; description: string }> = {
  schema: z.object({ agentId: AGENT_ID, description: z.string().max(512).default('') }),
  action: 'token_create',
  resource: (req) => ({ type: 'Agent', id: req.agentId }),
  handle: (req, call) => {
    requireAdmin(call, 'create tokens');
    const { tokenId, token } = call.services.identity.create(req.agentId, req.description);
    call.evidence.tokenId = tokenId;
    return { tokenId, token, agentId: req.agentId };
  },
};

export const tokenRevoke: SyscallDef<{ tokenId: string; agentId: string }> = {
  schema: z
    .object({ tokenId: z.string().default(''), agentId: z.string().default('') })
    .refine((r) => r.tokenId || r.agentId, { message: 'name a token_id, or an agent_id to revoke all of its tokens' }),
  action: 'token_revoke',
  resource: (req) => ({ type: 'Agent', id: req.agentId || req.tokenId }),
  handle: (req, call) => {
    requireAdmin(call, 'revoke tokens');
    const revoked = call.services.identity.revoke({ tokenId: req.tokenId || undefined, agentId: req.agentId || undefined });
    if (revoked === 0) throw notFound(`no live token matches ${req.tokenId ? `token id '${req.tokenId}'` : `agent '${req.agentId}'`}`);
    return { revoked };
  },
};

export const tokenList: SyscallDef<Record<string, never>> = {
  schema: z.object({}),
  action: 'token_list',
  readOnly: () => true,
  resource: kernelResource,
  handle: (_req, call) => {
    requireAdmin(call, 'list tokens');
    return { tokens: call.services.identity.list() };
  },
};
