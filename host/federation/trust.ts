// The cluster's trust list: the public keys of the peers whose messages this kernel takes,
// by node id, in <data-dir>/federation-trust.json. `camos federation trust add` writes it; a
// running kernel re-reads it when it changes, at the first message it cannot place.
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { publicKeyFromJson, type HybridPublicKey, type HybridPublicKeyJson } from '../crypto/index.ts';
import { NODE_ID, NODE_ID_RULE } from './config.ts';

interface TrustFile {
  version: 1;
  nodes: Record<string, HybridPublicKeyJson[]>;
}

export const trustFile = (dataDir: string) => join(dataDir, 'federation-trust.json');

function readTrust(path: string): TrustFile {
  if (!existsSync(path)) return { version: 1, nodes: {} };
  let file: TrustFile;
  try {
    file = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`${path} is not valid JSON (${(e as Error).message}); fix it or add the peers again with \`camos federation trust add\``);
  }
  if (file?.version !== 1 || typeof file.nodes !== 'object' || !file.nodes) throw new Error(`${path} is not a camos trust list (version 1 with 'nodes')`);
  return file;
}

/** Adds a peer's public key (idempotent); returns how many keys the node now has. */
export function addTrustedPeer(dataDir: string, nodeId: string, key: HybridPublicKeyJson): number {
  if (!NODE_ID.test(nodeId)) throw new Error(`node id ${JSON.stringify(nodeId)} is not valid: ${NODE_ID_RULE}`);
  const parsed = publicKeyFromJson(key); // throws on a key that is not one
  const path = trustFile(dataDir);
  const file = readTrust(path);
  const keys = (file.nodes[nodeId] ??= []);
  if (!keys.some((k) => k.keyId === parsed.keyId)) keys.push({ ...key, keyId: parsed.keyId });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(file, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, path);
  return keys.length;
}

export function listTrustedPeers(dataDir: string): Record<string, string[]> {
  return Object.fromEntries(Object.entries(readTrust(trustFile(dataDir)).nodes).map(([n, ks]) => [n, ks.map((k) => k.keyId)]));
}

/** The running kernel's view: its own keys always, the peers' as the file says. */
export class TrustList {
  private peers = new Map<string, Map<string, HybridPublicKey>>();
  private mtime = -1;
  /** Why the file could not be read the last time (the last good list stays in force). */
  problem = '';

  constructor(
    private readonly dataDir: string,
    private readonly self: { nodeId: string; keys: () => Map<string, HybridPublicKey> },
  ) {
    this.reload();
  }

  /** The key `keyId` of node `nodeId`, if trusted. */
  key(nodeId: string, keyId: string): HybridPublicKey | undefined {
    if (nodeId === this.self.nodeId) return this.self.keys().get(keyId);
    const hit = this.peers.get(nodeId)?.get(keyId);
    if (hit || !this.reload()) return hit;
    return this.peers.get(nodeId)?.get(keyId);
  }

  /** Peers trusted now (the file re-read if it changed: a question counts the answers it waits for by it). */
  size(): number {
    this.reload();
    return this.peers.size;
  }

  /** Re-reads the file if it changed; true when it did. A file that cannot be read keeps the last good list. */
  private reload(): boolean {
    const path = trustFile(this.dataDir);
    const mtime = existsSync(path) ? statSync(path).mtimeMs : 0;
    if (mtime === this.mtime) return false;
    this.mtime = mtime;
    try {
      const file = readTrust(path);
      const peers = new Map<string, Map<string, HybridPublicKey>>();
      for (const [node, keys] of Object.entries(file.nodes)) peers.set(node, new Map(keys.map((k) => [k.keyId, publicKeyFromJson(k)])));
      this.peers = peers;
      this.problem = '';
      return true;
    } catch (e) {
      this.problem = (e as Error).message;
      return false;
    }
  }
}
