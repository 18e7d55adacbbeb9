// A signed JSON message between kernels other than a context version: a task on the work
// queue, a task's status, a question and its answer. The text is signed as a whole with the
// kernel key (the purpose of every federation message; the `kind` inside it keeps a task from
// passing as an answer, and the context envelope's strict meta from passing as either). A
// receiver trusts nothing in it until the signature checks against a key the trust list holds
// for the node it names.
import { z } from 'zod';
import { Code } from '../base/errors.ts';
import type { AuditSink } from '../contract/index.ts';
import type { FederationMetrics } from './metrics.ts';
import { SIGNING_PURPOSE, decodeSignature, encodeSignature, verifySigned, type KeyStore } from '../crypto/index.ts';
import { NODE_ID } from './config.ts';
import { Refused } from './envelope.ts';
import type { TrustList } from './trust.ts';

export const KINDS = ['task', 'status', 'question', 'answer'] as const;
export type Kind = (typeof KINDS)[number];

const EnvelopeSchema = z
  .object({
    v: z.literal(1),
    kind: z.enum(KINDS),
    cluster: z.string().regex(NODE_ID),
    node: z.string().regex(NODE_ID),
    keyId: z.string().min(1).max(64),
    /** Unix ms when signed: a question older than its window is a replay. */
    ts: z.number().int().min(0),
    body: z.unknown(),
  })
  .strict();

export interface SignedText {
  text: string;
  signature: string;
}

export interface Signer {
  cluster: string;
  nodeId: string;
  keys: KeyStore;
}

export async function signMessage(kind: Kind, body: unknown, s: Signer): Promise<SignedText> {
  const keyId = s.keys.identity().keyId;
  const text = JSON.stringify({ v: 1, kind, cluster: s.cluster, node: s.nodeId, keyId, ts: Date.now(), body });
  const signed = await s.keys.sign(SIGNING_PURPOSE.federationMessage, Buffer.from(text, 'utf8'), keyId);
  return { text, signature: Buffer.from(encodeSignature(signed.signature)).toString('base64') };
}

export interface Opened<T> {
  node: string;
  ts: number;
  body: T;
}

/** The body of a signed message of `kind`, once every check passed; throws Refused. */
export function openMessage<T>(kind: Kind, text: string | undefined, signature: string | undefined, schema: z.ZodType<T>, o: { cluster: string; trust: TrustList }): Opened<T> {
  let env: z.infer<typeof EnvelopeSchema>;
  try {
    const parsed = EnvelopeSchema.safeParse(JSON.parse(text ?? ''));
    if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    env = parsed.data;
  } catch (e) {
    throw new Refused('malformed', `a ${kind} message that is not a camos one (${(e as Error).message.slice(0, 200)})`);
  }
  if (env.kind !== kind) throw new Refused('malformed', `a ${env.kind} message where a ${kind} was expected`, env.node);
  if (env.cluster !== o.cluster) throw new Refused('foreign-cluster', `a ${kind} message for cluster ${env.cluster}, not ${o.cluster}`, env.node);
  if (!signature) throw new Refused('unsigned', `a ${kind} message from node ${env.node} is not signed`, env.node);
  const key = o.trust.key(env.node, env.keyId);
  if (!key) throw new Refused('unknown-node', `node ${env.node} (key ${env.keyId}) is not in this kernel's trust list; \`camos federation trust add\` adds it`, env.node);
  let valid: boolean;
  try {
    valid = verifySigned(SIGNING_PURPOSE.federationMessage, key, Buffer.from(text!, 'utf8'), decodeSignature(Buffer.from(signature, 'base64'), env.keyId)).valid;
  } catch (e) {
    throw new Refused('bad-signature', `a ${kind} message from node ${env.node}: ${(e as Error).message}`, env.node);
  }
  if (!valid) throw new Refused('bad-signature', `a ${kind} message from node ${env.node}: its signature does not verify with key ${env.keyId}`, env.node);
  const body = schema.safeParse(env.body);
  if (!body.success) throw new Refused('malformed', `a ${kind} message from node ${env.node} has a body that is not one (${body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ').slice(0, 200)})`, env.node);
  return { node: env.node, ts: env.ts, body: body.data };
}

/** A work or question message refused: counted, logged and audited, never acted on. */
export function reportRefused(e: unknown, what: string, o: { nodeId: string; metrics: FederationMetrics; log: { warn(o: object, m: string): void }; audit?: AuditSink }): void {
  const reason = e instanceof Refused ? e.reason : 'malformed';
  const node = e instanceof Refused ? e.node : '';
  o.metrics.refused.labels(reason).inc();
  o.log.warn({ reason, node, what }, `federation: refused a ${what}: ${(e as Error).message}`);
  o.audit?.record({
    time: Date.now(), caller: 'kernel', callerKind: 'admin', syscall: 'federation.refused', door: 'kernel', target: `Node::${node || 'unknown'}`, outcome: 'error',
    code: Code.PERMISSION_DENIED, requestId: '', traceId: '', spanId: '', durationUs: 0, evidence: { node: o.nodeId, reason, what, message: (e as Error).message },
  });
}
