// A version as a NATS message: its bytes as the payload; what it is (the meta) as JSON in
// one header, signed with the kernel key under its own purpose; the signature in another.
// A receiver trusts nothing in it until the signature checks against a key the trust list
// holds for the node named, and the bytes against the hash signed.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { KEY, NAMESPACE } from '../context/names.ts';
import type { ReplicatedVersion } from '../context/index.ts';
import { SIGNING_PURPOSE, decodeSignature, encodeSignature, verifySigned, type KeyStore } from '../crypto/index.ts';
import { NODE_ID } from './config.ts';
import { parseHlc } from './hlc.ts';
import type { TrustList } from './trust.ts';

const ID = /^(\d{15}\.\d{6}@[A-Za-z0-9_-]{1,64})?$/;

const MetaSchema = z
  .object({
    v: z.literal(1),
    cluster: z.string().regex(NODE_ID),
    node: z.string().regex(NODE_ID),
    keyId: z.string().min(1).max(64),
    ns: z.string().regex(NAMESPACE),
    key: z.string().regex(KEY),
    hlc: z.string().refine((h) => parseHlc(h) !== undefined, 'a hybrid logical clock'),
    parent: z.string().regex(ID),
    hash: z.string().regex(/^([0-9a-f]{64})?$/),
    deleted: z.boolean(),
    author: z.string().max(256),
    ts: z.number().int().min(0),
    metadata: z.record(z.string().max(256), z.string().max(4096)),
    contentType: z.string().max(255),
    description: z.string().max(4096),
  })
  .strict();
type Meta = z.infer<typeof MetaSchema>;

export interface Sealed {
  meta: string;
  signature: string;
  data: Uint8Array;
}

export async function seal(v: ReplicatedVersion, cluster: string, keys: KeyStore): Promise<Sealed> {
  const meta: Meta = {
    v: 1,
    cluster,
    node: v.origin,
    keyId: keys.identity().keyId,
    ns: v.namespace,
    key: v.key,
    hlc: v.hlc,
    parent: v.parent,
    hash: v.hash,
    deleted: v.value === null,
    author: v.author,
    ts: v.timestamp,
    metadata: v.metadata,
    contentType: v.contentType,
    description: v.description,
  };
  const text = JSON.stringify(meta);
  const signed = await keys.sign(SIGNING_PURPOSE.federationMessage, Buffer.from(text, 'utf8'), meta.keyId);
  return { meta: text, signature: Buffer.from(encodeSignature(signed.signature)).toString('base64'), data: v.value ?? new Uint8Array(0) };
}

/** Why a message was refused: the reason is a metric label and an audit fact. */
export class Refused extends Error {
  constructor(
    readonly reason: 'malformed' | 'unsigned' | 'unknown-node' | 'bad-signature' | 'hash-mismatch' | 'clock-ahead' | 'replay' | 'foreign-cluster' | 'wrong-subject',
    message: string,
    readonly node = '',
  ) {
    super(message);
  }
}

export interface OpenOptions {
  cluster: string;
  trust: TrustList;
  subjectOf: (ns: string, key: string) => string;
  maxClockAheadMs: number;
  now?: () => number;
}

/** The version a message carries, once every check passed; throws Refused. */
export function open(subject: string, metaText: string | undefined, signature: string | undefined, data: Uint8Array, o: OpenOptions): ReplicatedVersion {
  if (metaText === undefined) throw new Refused('malformed', `message on ${subject} has no ${'Camos-Meta'} header`);
  let meta: Meta;
  try {
    const parsed = MetaSchema.safeParse(JSON.parse(metaText));
    if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    meta = parsed.data;
  } catch (e) {
    throw new Refused('malformed', `message on ${subject} has a meta that is not a camos version (${(e as Error).message.slice(0, 200)})`);
  }
  if (meta.cluster !== o.cluster) throw new Refused('foreign-cluster', `message on ${subject} is for cluster ${meta.cluster}, not ${o.cluster}`, meta.node);
  if (o.subjectOf(meta.ns, meta.key) !== subject) throw new Refused('wrong-subject', `message for ${meta.ns}/${meta.key} arrived on ${subject}, not its key's subject`, meta.node);
  if (!signature) throw new Refused('unsigned', `message from node ${meta.node} for ${meta.ns}/${meta.key} is not signed`, meta.node);
  const key = o.trust.key(meta.node, meta.keyId);
  if (!key) throw new Refused('unknown-node', `node ${meta.node} (key ${meta.keyId}) is not in this kernel's trust list; \`camos federation trust add\` adds it`, meta.node);
  let verdict;
  try {
    verdict = verifySigned(SIGNING_PURPOSE.federationMessage, key, Buffer.from(metaText, 'utf8'), decodeSignature(Buffer.from(signature, 'base64'), meta.keyId));
  } catch (e) {
    throw new Refused('bad-signature', `message from node ${meta.node}: ${(e as Error).message}`, meta.node);
  }
  if (!verdict.valid) throw new Refused('bad-signature', `message from node ${meta.node} for ${meta.ns}/${meta.key}: its signature does not verify with key ${meta.keyId}`, meta.node);
  const intact = meta.deleted ? data.byteLength === 0 && meta.hash === '' : createHash('sha256').update(data).digest('hex') === meta.hash;
  if (!intact) throw new Refused('hash-mismatch', `message from node ${meta.node} for ${meta.ns}/${meta.key}: its bytes do not match the SHA-256 it was signed with`, meta.node);
  const [pt] = parseHlc(meta.hlc)!;
  const now = (o.now ?? Date.now)();
  if (pt > now + o.maxClockAheadMs) throw new Refused('clock-ahead', `message from node ${meta.node} is stamped ${pt - now} ms ahead of this kernel's clock (federation.maxClockAheadMs ${o.maxClockAheadMs})`, meta.node);
  return {
    namespace: meta.ns,
    key: meta.key,
    origin: meta.node,
    hlc: meta.hlc,
    parent: meta.parent,
    value: meta.deleted ? null : data,
    hash: meta.hash,
    author: meta.author,
    timestamp: meta.ts,
    metadata: meta.metadata,
    contentType: meta.contentType,
    description: meta.description,
  };
}

/** The identity a message claims, read without trusting it (to name a race's winner, to know our own echo). */
export function claimed(metaText: string | undefined): { ns: string; key: string; hlc: string; node: string } | undefined {
  try {
    const m = JSON.parse(metaText ?? '');
    return ['ns', 'key', 'hlc', 'node'].every((f) => typeof m?.[f] === 'string') ? { ns: m.ns, key: m.key, hlc: m.hlc, node: m.node } : undefined;
  } catch {
    return undefined;
  }
}
