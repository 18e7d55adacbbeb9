// A version as a NATS message: its bytes as the payload; what it is (the meta) as JSON in
// one header. Versions are signed a batch at a time: the kernel key signs, under its own
// purpose, the batch's manifest (the SHA-256 of each meta in the batch, in order), and
// every message of the batch carries that manifest, its own place in it and the one
// signature. One signature per batch, not per version (an ML-DSA-65 signature costs
// 0.5–2.5 ms of the main thread); each message still stands alone (a consumer that starts
// mid-batch checks it fully), and a receiver verifies a batch's signature once.
// A receiver trusts nothing in a message until the signature checks against a key the
// trust list holds for the node named, its meta's hash is at its place in the manifest,
// and its bytes match the hash in the meta.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { KEY, NAMESPACE } from '../context/names.ts';
import type { ReplicatedSnapshot, ReplicatedVersion } from '../context/index.ts';
import { SIGNING_PURPOSE, decodeSignature, encodeSignature, verifySigned, type KeyStore } from '../crypto/index.ts';
import { NODE_ID } from './config.ts';
import { parseHlc } from './hlc.ts';
import { HEADER } from './subjects.ts';
import type { TrustList } from './trust.ts';

const ID = /^(\d{15}\.\d{6}@[A-Za-z0-9_-]{1,64})?$/;

const MetaSchema = z
  .object({
    v: z.literal(2),
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
  /** `<place>.<manifest in base64>`: the batch this message was signed in. */
  batch: string;
  signature: string;
  data: Uint8Array;
}

const DIGEST = 32;
const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest();

/** A batch of versions signed with one signature; messages in the batch's order. */
export async function seal(versions: ReplicatedVersion[], cluster: string, keys: KeyStore): Promise<Sealed[]> {
  const keyId = keys.identity().keyId;
  const metas = versions.map((v) => JSON.stringify(metaOf(v, cluster, keyId)));
  const { batches, signature } = await signBatch(metas, keys, keyId);
  return versions.map((v, i) => ({ meta: metas[i], batch: batches[i], signature, data: v.value ?? new Uint8Array(0) }));
}

/** One signature over the manifest of `metas`; each meta's batch header. */
async function signBatch(metas: string[], keys: KeyStore, keyId: string): Promise<{ batches: string[]; signature: string }> {
  const manifest = Buffer.concat(metas.map((m) => sha256(m)));
  const signed = await keys.sign(SIGNING_PURPOSE.federationMessage, manifest, keyId);
  const listed = manifest.toString('base64');
  return { batches: metas.map((_, i) => `${i}.${listed}`), signature: Buffer.from(encodeSignature(signed.signature)).toString('base64') };
}

const SnapshotMetaSchema = z
  .object({
    v: z.literal(2),
    kind: z.literal('snapshot'),
    cluster: z.string().regex(NODE_ID),
    node: z.string().regex(NODE_ID),
    keyId: z.string().min(1).max(64),
    id: z.string().regex(/^snap-[a-z0-9]{1,16}-[0-9a-f]{12}$/),
    ns: z.string().regex(NAMESPACE),
    description: z.string().max(4096),
    author: z.string().max(256),
    ts: z.number().int().min(0),
    itemCount: z.number().int().min(0),
    hash: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict();
const ItemsSchema = z.array(z.tuple([z.string().regex(KEY), z.string().refine((h) => parseHlc(h) !== undefined), z.string().regex(NODE_ID)]));

/** A snapshot as a message: its meta signed like a version's, its items (key, hlc, origin) as JSON in the payload, checked against the hash in the meta. */
export async function sealSnapshot(snap: ReplicatedSnapshot, cluster: string, keys: KeyStore): Promise<Sealed> {
  const keyId = keys.identity().keyId;
  const data = Buffer.from(JSON.stringify(snap.items.map((i) => [i.key, i.hlc, i.origin])));
  const meta = JSON.stringify({ v: 2, kind: 'snapshot', cluster, node: snap.origin, keyId, id: snap.id, ns: snap.namespace, description: snap.description, author: snap.author, ts: snap.timestamp, itemCount: snap.itemCount, hash: sha256(data).toString('hex') });
  const { batches, signature } = await signBatch([meta], keys, keyId);
  return { meta, batch: batches[0], signature, data };
}

export function openSnapshot(subject: string, metaText: string | undefined, batch: string | undefined, signature: string | undefined, data: Uint8Array, o: OpenOptions & { snapshotSubject: (id: string) => string }): ReplicatedSnapshot {
  let meta: z.infer<typeof SnapshotMetaSchema>;
  try {
    const parsed = SnapshotMetaSchema.safeParse(JSON.parse(metaText ?? ''));
    if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    meta = parsed.data;
  } catch (e) {
    throw new Refused('malformed', `message on ${subject} has a meta that is not a camos snapshot (${(e as Error).message.slice(0, 200)})`);
  }
  if (meta.cluster !== o.cluster) throw new Refused('foreign-cluster', `snapshot ${meta.id} is for cluster ${meta.cluster}, not ${o.cluster}`, meta.node);
  if (o.snapshotSubject(meta.id) !== subject) throw new Refused('wrong-subject', `snapshot ${meta.id} arrived on ${subject}, not its subject`, meta.node);
  authentic(meta, metaText!, batch, signature, o);
  if (sha256(data).toString('hex') !== meta.hash) throw new Refused('hash-mismatch', `snapshot ${meta.id} from node ${meta.node}: its items do not match the SHA-256 it was signed with`, meta.node);
  let items;
  try {
    items = ItemsSchema.parse(JSON.parse(Buffer.from(data).toString('utf8')));
  } catch {
    throw new Refused('malformed', `snapshot ${meta.id} from node ${meta.node}: its items are not a list of [key, hlc, origin]`, meta.node);
  }
  return { id: meta.id, namespace: meta.ns, origin: meta.node, description: meta.description, author: meta.author, timestamp: meta.ts, itemCount: meta.itemCount, items: items.map(([key, hlc, origin]) => ({ key, hlc, origin })) };
}

function metaOf(v: ReplicatedVersion, cluster: string, keyId: string): Meta {
  return {
    v: 2,
    cluster,
    node: v.origin,
    keyId,
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
}

/**
 * Batch signatures already verified, so that a batch's other messages cost a hash, not
 * an ML-DSA verification. Keyed by a hash of everything the verification took (node, key
 * id, manifest, signature); bounded, oldest forgotten first.
 */
export class VerifiedBatches {
  private readonly seen = new Map<string, true>();
  constructor(private readonly max = 256) {}

  check(node: string, keyId: string, manifest: string, signature: string, verify: () => boolean): boolean {
    const id = sha256(`${node}\0${keyId}\0${manifest}\0${signature}`).toString('base64');
    if (this.seen.has(id)) return true;
    if (!verify()) return false;
    this.seen.set(id, true);
    if (this.seen.size > this.max) this.seen.delete(this.seen.keys().next().value!);
    return true;
  }
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
  verified: VerifiedBatches;
  now?: () => number;
}

/** The version a message carries, once every check passed; throws Refused. */
export function open(subject: string, metaText: string | undefined, batch: string | undefined, signature: string | undefined, data: Uint8Array, o: OpenOptions): ReplicatedVersion {
  if (metaText === undefined) throw new Refused('malformed', `message on ${subject} has no ${HEADER.meta} header`);
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
  authentic(meta, metaText, batch, signature, o);
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

/** Throws Refused unless the message's batch signature is from a trusted key of its node and covers its meta. */
function authentic(meta: { node: string; keyId: string }, metaText: string, batch: string | undefined, signature: string | undefined, o: OpenOptions, what = describe(meta)): void {
  if (!signature || !batch) throw new Refused('unsigned', `message from node ${meta.node} (${what}) is not signed`, meta.node);
  const key = o.trust.key(meta.node, meta.keyId);
  if (!key) throw new Refused('unknown-node', `node ${meta.node} (key ${meta.keyId}) is not in this kernel's trust list; \`camos federation trust add\` adds it`, meta.node);
  const dot = batch.indexOf('.');
  const place = Number(batch.slice(0, dot));
  const manifest = Buffer.from(batch.slice(dot + 1), 'base64');
  if (dot < 1 || !Number.isInteger(place) || place < 0 || manifest.byteLength % DIGEST !== 0 || (place + 1) * DIGEST > manifest.byteLength) {
    throw new Refused('malformed', `message from node ${meta.node} (${what}) has a ${HEADER.batch} header that is not <place>.<manifest>`, meta.node);
  }
  if (!sha256(metaText).equals(manifest.subarray(place * DIGEST, (place + 1) * DIGEST))) {
    throw new Refused('bad-signature', `message from node ${meta.node} (${what}): its meta is not the one its batch's signature covers at place ${place}`, meta.node);
  }
  let valid;
  try {
    const sig = decodeSignature(Buffer.from(signature, 'base64'), meta.keyId);
    valid = o.verified.check(meta.node, meta.keyId, batch.slice(dot + 1), signature, () => verifySigned(SIGNING_PURPOSE.federationMessage, key, manifest, sig).valid);
  } catch (e) {
    throw new Refused('bad-signature', `message from node ${meta.node}: ${(e as Error).message}`, meta.node);
  }
  if (!valid) throw new Refused('bad-signature', `message from node ${meta.node} (${what}): its batch's signature does not verify with key ${meta.keyId}`, meta.node);
}

const describe = (meta: { node: string; ns?: string; key?: string; id?: string }) => (meta.id ? `snapshot ${meta.id}` : `${meta.ns}/${meta.key}`);

/** The identity a message claims, read without trusting it (to name a race's winner, to know our own echo). */
export function claimed(metaText: string | undefined): { ns: string; key: string; hlc: string; node: string } | undefined {
  try {
    const m = JSON.parse(metaText ?? '');
    return ['ns', 'key', 'hlc', 'node'].every((f) => typeof m?.[f] === 'string') ? { ns: m.ns, key: m.key, hlc: m.hlc, node: m.node } : undefined;
  } catch {
    return undefined;
  }
}
