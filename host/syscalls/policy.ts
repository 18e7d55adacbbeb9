// Policy rows: thin handlers over the policy engine (host/policy).
import { z } from 'zod';
import { SCHEMA_TEXT, parseQueryText } from '../policy/index.ts';
import type { SyscallDef } from './types.ts';


interface QueryPolicyReq {
  policyId: string;
  query: string;
  context: Record<string, string>;
  principal: string;
  action: string;
  resource: string;
}

export const queryPolicy: SyscallDef<QueryPolicyReq> = {
  schema: z
    .object({
      policyId: z.string().max(128).default(''),
      query: z.string().max(1024).default(''),
      context: z.record(z.string(), z.string()).default({}),
      principal: z.string().max(256).default(''),
      action: z.string().max(128).default(''),
      resource: z.string().max(1024).default(''),
    })
    .refine((r) => r.query || (r.principal && r.action && r.resource), {
      message: 'ask with query ("agent-b context_write finance") or with all of principal, action and resource',
    }),
  action: 'query_policy',
  readOnly: () => true,
  resource: (req) => ({ type: 'Policy', id: req.policyId || 'current' }),
  handle: (req, call) => {
    // Fields given one by one override the words of the text query.
    const words = req.query ? parseQueryText(req.query) : { principal: '', action: '', resource: '' };
    const answer = call.services.policy.query({
      principal: req.principal || words.principal,
      action: req.action || words.action,
      resource: req.resource || words.resource,
      context: req.context,
      version: req.policyId || undefined,
    });
    call.evidence.allowed = answer.allowed;
    call.evidence.determiningPolicies = answer.determiningPolicies;
    call.evidence.policyVersion = answer.version;
    return {
      allowed: answer.allowed,
      reason: answer.reason,
      determiningPolicies: answer.determiningPolicies,
      errors: answer.errors,
      policyVersion: String(answer.version),
    };
  },
};

const POLICY_ID = z
  .string()
  .regex(/^([A-Za-z0-9][A-Za-z0-9_.:-]{0,127})?$/, 'a policy id is 1-128 of [A-Za-z0-9_.:-], starting with a letter or digit')
  .refine((id) => !/^v?\d+$/.test(id), 'a policy id must not look like a version number (3, v3): versions are numbered by the kernel');

export const policyUpdate: SyscallDef<{ policyId: string; policyData: string; metadata: Record<string, string> }> = {
  schema: z.object({
    policyId: POLICY_ID.default(''),
    policyData: z.string().min(1, 'policy_data must hold the Cedar policy set').max(1 << 20),
    metadata: z.record(z.string(), z.string()).default({}),
  }),
  action: 'policy_update',
  resource: (req) => ({ type: 'Policy', id: req.policyId || 'current' }),
  handle: async (req, call) => {
    call.evidence.previousVersion = call.services.policy.version();
    const { stored, warnings } = await call.services.policy.commit({ text: req.policyData, author: call.caller.id, policyId: req.policyId, metadata: req.metadata });
    call.evidence.policyVersion = stored.version;
    call.evidence.policyId = stored.policyId;
    if (warnings.length) call.evidence.warnings = warnings;
    return { policyId: stored.policyId, version: stored.version, warnings };
  },
};

export const policyGet: SyscallDef<{ version: number }> = {
  schema: z.object({ version: z.number().int().min(0, 'version is 0 (the current set) or a stored version').default(0) }),
  action: 'policy_get',
  readOnly: () => true,
  resource: (req) => ({ type: 'Policy', id: req.version ? `v${req.version}` : 'current' }),
  handle: (req, call) => {
    const e = call.services.policy;
    const stored = e.get(req.version);
    return {
      policyId: stored.policyId,
      version: stored.version,
      policyData: stored.text,
      history: e.history(),
      schema: SCHEMA_TEXT,
    };
  },
};
