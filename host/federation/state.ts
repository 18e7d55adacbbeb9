// What the federation shares besides the context, and the rule for each kind: agent tokens,
// agents, policy versions and publisher-key revocations, as entries of one NATS KV bucket
// (sync.ts moves them; drivers.ts adds the drivers). Each kind says how an entry's key is
// made, what a valid body is, what this kernel holds to share, and how a peer's body is
// taken in. Taking in is idempotent: a body equal to what is here changes nothing.
import { z } from 'zod';
import { AGENT_ID, AGENT_STATUSES, RESERVED_AGENT_IDS, type Agent, type AgentRegistry } from '../agents/index.ts';
import { publicKeyFromJson, publicKeyToJson } from '../crypto/index.ts';
import type { TrustStore } from '../drivers/trust.ts';
import type { IdentityStore, TokenRecord } from '../identity/index.ts';
import type { PolicyEngine, StoredPolicySet } from '../policy/index.ts';

export const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

/**
 * What a kind did with a body: taken in, already so, a conflict with what this kernel
 * holds (kept as it is), or refused by this kernel's own check (which recorded why).
 */
export type Outcome = 'applied' | 'unchanged' | 'conflict' | 'refused';

export interface Kind<B> {
  prefix: string;
  schema: z.ZodType<B>;
  keyOf(body: B): string;
  /** What this kernel holds of the kind, to share (empty for kinds shared only as they change). */
  local(): B[];
  /** `node` is the kernel that signed the entry. */
  apply(body: B, node: string): Outcome | Promise<Outcome>;
}

const text = (max: number) => z.string().max(max);
const strings = z.array(text(256)).max(1024);
const record = z.record(text(256), text(4096));

const TokenBody = z
  .object({
    tokenId: z.string().regex(/^[a-z0-9]{12}$/),
    agentId: z.string().regex(AGENT_ID).refine((id) => !RESERVED_AGENT_IDS.includes(id), 'a reserved agent id'),
    kind: z.literal('agent'),
    hash: z.string().regex(/^[0-9a-f]{64}$/),
    createdAt: z.number().int().min(0),
    revoked: z.boolean(),
    description: text(512),
  })
  .strict();

const tokenBody = (r: TokenRecord): z.infer<typeof TokenBody> => ({
  tokenId: r.tokenId,
  agentId: r.agentId,
  kind: 'agent',
  hash: r.hash,
  createdAt: r.createdAt,
  revoked: r.revoked,
  description: r.description,
});

/** Agent tokens: a token made on one kernel works on all; a revocation anywhere is for good everywhere. */
export function tokens(identity: IdentityStore): Kind<z.infer<typeof TokenBody>> {
  return {
    prefix: 'token',
    schema: TokenBody,
    keyOf: (b) => `token.${b.tokenId}`,
    local: () => identity.agentTokens().map(tokenBody),
    apply: (b) => {
      const o = identity.adopt(b);
      return o === 'added' || o === 'revoked' ? 'applied' : o;
    },
  };
}

const AgentBody = z
  .object({
    agentId: z.string().regex(AGENT_ID).refine((id) => !RESERVED_AGENT_IDS.includes(id), 'a reserved agent id'),
    capabilities: strings,
    claimedCapabilities: strings,
    registeredBy: z.enum(['admin', 'self']),
    trust: z.number().min(0).max(1),
    shareWeight: z.number().positive().finite(),
    quotaRate: z.number().min(0).finite(),
    quotaBurst: z.number().min(0).finite(),
    status: z.enum(AGENT_STATUSES as [string, ...string[]]),
    groups: strings,
    metadata: record,
    registeredAt: z.number().int().min(0),
  })
  .strict();

const agentBody = (a: Agent): Agent => ({
  agentId: a.agentId,
  capabilities: a.capabilities,
  claimedCapabilities: a.claimedCapabilities,
  registeredBy: a.registeredBy,
  trust: a.trust,
  shareWeight: a.shareWeight,
  quotaRate: a.quotaRate,
  quotaBurst: a.quotaBurst,
  status: a.status,
  groups: a.groups,
  metadata: a.metadata,
  registeredAt: a.registeredAt,
});

/** Agents: the newest record (by its entry's clock) wins. */
export function agents(registry: AgentRegistry): Kind<Agent> {
  return {
    prefix: 'agent',
    schema: AgentBody as unknown as z.ZodType<Agent>,
    keyOf: (b) => `agent.${b64(b.agentId)}`,
    local: () => registry.list().map(agentBody),
    apply: (b) => {
      const mine = registry.get(b.agentId);
      if (mine && JSON.stringify(agentBody(mine)) === JSON.stringify(agentBody(b))) return 'unchanged';
      registry.adopt(b);
      return 'applied';
    },
  };
}

const PolicyBody = z
  .object({
    version: z.number().int().min(2),
    policyId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/),
    text: z.string().min(1).max(1 << 20),
    author: text(256),
    timestamp: z.number().int().min(0),
    metadata: record,
  })
  .strict();

/** The KV key of a policy version: one entry per number, made once (the first kernel to make it has it). */
export const policyKey = (version: number) => `policy.${version}`;

/**
 * Policy versions from 2 on (version 1 is each kernel's own first set): numbered by the
 * federation, the same set under the same number everywhere, the newest in force. Shared as
 * they are made (PolicyEngine.commit), never from what a kernel holds.
 */
export function policies(engine: PolicyEngine): Kind<StoredPolicySet> {
  return {
    prefix: 'policy',
    schema: PolicyBody,
    keyOf: (b) => policyKey(b.version),
    local: () => [],
    apply: (b) => engine.adopt(b),
  };
}

const KeyJson = z.object({ keyId: z.string().min(1).max(64), algorithm: z.string().max(64), mldsa: z.string().max(8192), ed25519: z.string().max(256) }).strict();
const RevocationBody = z
  .object({ keyId: z.string().min(1).max(64), name: text(256), publicKey: KeyJson, revokedAt: z.number().int().min(0) })
  .strict()
  .refine((b) => {
    try {
      return publicKeyFromJson(b.publicKey).keyId === b.keyId;
    } catch {
      return false;
    }
  }, 'publicKey is not the key keyId names');

/**
 * Publisher-key revocations: a key revoked on one kernel is revoked on all (its drivers are
 * withdrawn there). Additions are not shared: a kernel trusts the publishers its own admin
 * added, and no peer can widen that (docs/federation.md).
 */
export function revocations(trust: TrustStore): Kind<z.infer<typeof RevocationBody>> {
  return {
    prefix: 'trust',
    schema: RevocationBody,
    keyOf: (b) => `trust.${b64(b.keyId)}`,
    local: () =>
      trust
        .list()
        .filter((k) => k.revoked)
        .map((k) => ({ keyId: k.keyId, name: k.name, publicKey: publicKeyToJson(k.publicKey), revokedAt: k.revokedAt ?? k.addedAt })),
    apply: (b) => (trust.revokeKnown(publicKeyFromJson(b.publicKey), b.name, b.revokedAt) ? 'applied' : 'unchanged'),
  };
}
