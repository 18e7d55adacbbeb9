// An entry of the federation's shared state (agents, tokens, policies, trust, drivers) as a
// NATS KV value: what it says as JSON text, signed with the kernel key under its own
// purpose, and the signature. The text names the cluster, the node and its key, the KV key
// it belongs under and a hybrid logical clock, so that an entry cannot be moved to another
// key, another cluster, or passed off as a later one. A receiver trusts nothing in it until
// the signature checks against a key the trust list holds for the node named.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { SIGNING_PURPOSE, decodeSignature, encodeSignature, verifySigned, type KeyStore } from '../crypto/index.ts';
import { NODE_ID } from './config.ts';
import { Refused } from './envelope.ts';
import { parseHlc } from './hlc.ts';
import type { TrustList } from './trust.ts';

const EntrySchema = z
  .object({
    v: z.literal(1),
    cluster: z.string().regex(NODE_ID),
    node: z.string().regex(NODE_ID),
    keyId: z.string().min(1).max(64),
    key: z.string().min(1).max(1024),
    hlc: z.string().refine((h) => parseHlc(h) !== undefined, 'a hybrid logical clock'),
    body: z.unknown(),
  })
  .strict();

const WireSchema = z.object({ entry: z.string(), sig: z.string().min(1) }).strict();

export interface Entry {
  node: string;
  hlc: string;
  body: unknown;
}

/** The bytes of a KV value: `body` under `key`, signed by this kernel. */
export async function sealEntry(key: string, hlc: string, body: unknown, o: { cluster: string; nodeId: string; keys: KeyStore }): Promise<Uint8Array> {
  const keyId = o.keys.identity().keyId;
  const entry = JSON.stringify({ v: 1, cluster: o.cluster, node: o.nodeId, keyId, key, hlc, body });
  const signed = await o.keys.sign(SIGNING_PURPOSE.federationState, Buffer.from(entry, 'utf8'), keyId);
  return Buffer.from(JSON.stringify({ entry, sig: Buffer.from(encodeSignature(signed.signature)).toString('base64') }), 'utf8');
}

/** The entry a KV value under `key` carries, once its signature checked; throws Refused. */
export function openEntry(key: string, value: Uint8Array, o: { cluster: string; trust: TrustList; maxClockAheadMs: number; now?: () => number }): Entry {
  let wire: z.infer<typeof WireSchema>;
  let entry: z.infer<typeof EntrySchema>;
  try {
    const outer = JSON.parse(Buffer.from(value).toString('utf8'));
    if (typeof outer?.entry === 'string' && outer.sig === undefined) throw new Refused('unsigned', `entry ${key} is not signed`);
    wire = WireSchema.parse(outer);
    entry = EntrySchema.parse(JSON.parse(wire.entry));
  } catch (e) {
    if (e instanceof Refused) throw e;
    throw new Refused('malformed', `entry ${key} is not a signed camos entry (${(e as Error).message.slice(0, 200)})`);
  }
  if (entry.cluster !== o.cluster) throw new Refused('foreign-cluster', `entry ${key} is for cluster ${entry.cluster}, not ${o.cluster}`, entry.node);
  if (entry.key !== key) throw new Refused('wrong-subject', `entry signed for ${entry.key} was found under ${key}`, entry.node);
  const pub = o.trust.key(entry.node, entry.keyId);
  if (!pub) throw new Refused('unknown-node', `entry ${key}: node ${entry.node} (key ${entry.keyId}) is not in this kernel's trust list; \`camos federation trust add\` adds it`, entry.node);
  let valid = false;
  try {
    valid = verifySigned(SIGNING_PURPOSE.federationState, pub, Buffer.from(wire.entry, 'utf8'), decodeSignature(Buffer.from(wire.sig, 'base64'), entry.keyId)).valid;
  } catch (e) {
    throw new Refused('bad-signature', `entry ${key} from node ${entry.node}: ${(e as Error).message}`, entry.node);
  }
  if (!valid) throw new Refused('bad-signature', `entry ${key} from node ${entry.node}: its signature does not verify with key ${entry.keyId}`, entry.node);
  const [pt] = parseHlc(entry.hlc)!;
  const now = (o.now ?? Date.now)();
  if (pt > now + o.maxClockAheadMs) throw new Refused('clock-ahead', `entry ${key} from node ${entry.node} is stamped ${pt - now} ms ahead of this kernel's clock (federation.maxClockAheadMs ${o.maxClockAheadMs})`, entry.node);
  return { node: entry.node, hlc: entry.hlc, body: entry.body };
}

/** What an entry's body is, for telling an unchanged one from a change. */
export const digestOf = (body: unknown) => createHash('sha256').update(JSON.stringify(body)).digest('hex');
