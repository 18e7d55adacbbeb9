// Drivers across the federation. A driver loaded on one kernel through sys_driver_load is
// published: its signed manifest and component, as they were verified there, in one object
// of the Object Store (named by its SHA-256), and a signed KV entry saying "name@version is
// loaded, from that object" (or "unloaded"). Every other kernel verifies the manifest
// itself against its own trust store, as it would a load from a caller: a peer's word
// that a driver is good counts for nothing. A refusal is that kernel's driver.refused audit
// record; nothing is installed.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { DriverRuntime } from '../drivers/index.ts';
import { SyscallError } from '../base/errors.ts';
import { Refused } from './envelope.ts';
import { b64, type Kind } from './state.ts';

/** Where the driver objects are kept (the Object Store; sync.ts). */
export interface Blobs {
  /** The object's bytes, or undefined when it is missing or larger than `max`. */
  get(name: string, max: number): Promise<Uint8Array | undefined>;
}

/** A manifest and component larger than this are not fetched. */
export const MAX_DRIVER_BYTES = 64 * 2 ** 20;

const DriverBody = z.discriminatedUnion('state', [
  z.object({ state: z.literal('loaded'), name: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/), version: z.string().regex(/^[0-9A-Za-z.+-]{1,128}$/), digest: z.string().min(1).max(128), object: z.string().regex(/^[0-9a-f]{64}$/), size: z.number().int().min(1) }).strict(),
  z.object({ state: z.literal('unloaded'), name: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/), version: z.string().regex(/^[0-9A-Za-z.+-]{1,128}$/) }).strict(),
]);
export type DriverBody = z.infer<typeof DriverBody>;

export const driverKey = (name: string, version: string) => `driver.${b64(name)}.${b64(version)}`;

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** One object: the manifest's length (4 bytes, big-endian), the manifest, the component. */
export function pack(manifest: string, module: Uint8Array): { object: string; bytes: Uint8Array } {
  const m = Buffer.from(manifest, 'utf8');
  const head = Buffer.alloc(4);
  head.writeUInt32BE(m.byteLength);
  const bytes = new Uint8Array(Buffer.concat([head, m, module]));
  return { object: sha256(bytes), bytes };
}

function unpack(bytes: Uint8Array): { manifest: string; module: Uint8Array } | undefined {
  if (bytes.byteLength < 4) return undefined;
  const n = Buffer.from(bytes.buffer, bytes.byteOffset, 4).readUInt32BE(0);
  if (4 + n > bytes.byteLength) return undefined;
  return { manifest: Buffer.from(bytes.subarray(4, 4 + n)).toString('utf8'), module: bytes.slice(4 + n) };
}

/** Drivers as a kind of shared state (state.ts): shared as they are loaded and unloaded, never from what a kernel holds. */
export function drivers(runtime: DriverRuntime, blobs: Blobs): Kind<DriverBody> {
  return {
    prefix: 'driver',
    schema: DriverBody,
    keyOf: (b) => driverKey(b.name, b.version),
    local: () => [],
    apply: async (b, node) => {
      const ref = `${b.name}@${b.version}`;
      const here = runtime.list().find((d) => d.name === b.name && d.version === b.version);
      if (b.state === 'unloaded') {
        if (!here) return 'unchanged';
        await runtime.unload(b.name, b.version);
        return 'applied';
      }
      if (here?.digest === b.digest) return 'unchanged';
      const bytes = b.size <= MAX_DRIVER_BYTES ? await blobs.get(b.object, MAX_DRIVER_BYTES) : undefined;
      if (!bytes) throw new Refused('malformed', `driver ${ref} from node ${node}: its object ${b.object} is missing from the Object Store or larger than ${MAX_DRIVER_BYTES} bytes`, node);
      const parts = sha256(bytes) === b.object ? unpack(bytes) : undefined;
      if (!parts) throw new Refused('hash-mismatch', `driver ${ref} from node ${node}: the object in the Object Store is not the one its entry was signed with (SHA-256 ${b.object})`, node);
      try {
        await runtime.load({ manifest: parts.manifest, module: parts.module }, { origin: `federation:${node}`, audit: true });
      } catch (e) {
        // The loader recorded driver.refused with its reasons.
        if (e instanceof SyscallError) return 'refused';
        throw e;
      }
      return 'applied';
    },
  };
}
