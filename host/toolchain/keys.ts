// Publisher key files: a hybrid key pair (ML-DSA-65 + Ed25519) as JSON, readable only by
// its owner, and its public half for `camos trust add`. A kernel signs the drivers it
// builds itself with a local publisher key made on first start and trusted by it.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  generateHybridKeyPair,
  keyPairFromJson,
  keyPairToJson,
  publicKeyFromJson,
  publicKeyToJson,
  type HybridKeyPair,
  type HybridKeyPairJson,
  type HybridPublicKey,
  type HybridPublicKeyJson,
} from '../crypto/hybrid.ts';
import { writeFileAtomic } from '../base/files.ts';
import { TrustStore } from '../drivers/trust.ts';

export class KeyFileError extends Error {}

function writeAtomic(path: string, text: string, mode: number): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileAtomic(path, text, mode);
}

/** Writes a key pair (0600) and its public key; returns the public key file's path. */
export function writeKeyPair(path: string, key: HybridKeyPair): string {
  const publicPath = publicKeyPathFor(path);
  writeAtomic(path, JSON.stringify(keyPairToJson(key), null, 2) + '\n', 0o600);
  writeAtomic(publicPath, JSON.stringify(publicKeyToJson(key.publicKey), null, 2) + '\n', 0o644);
  return publicPath;
}

/** publisher.json -> publisher.pub.json */
export const publicKeyPathFor = (path: string) => path.replace(/(\.key)?(\.json)?$/, '') + '.pub.json';

function readJson(path: string, what: string): any {
  if (!existsSync(path)) throw new KeyFileError(`${what} file ${path} does not exist`);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new KeyFileError(`${what} file ${path} is not valid JSON: ${(e as Error).message}`);
  }
}

export function readKeyPair(path: string): HybridKeyPair {
  const json = readJson(path, 'key') as HybridKeyPairJson;
  if (!json?.publicKey || !json.mldsaSecret || !json.ed25519Secret) throw new KeyFileError(`${path} is not a camos key pair (made by \`camos keygen\`)`);
  try {
    return keyPairFromJson(json);
  } catch (e) {
    throw new KeyFileError(`${path} holds an unusable key pair: ${(e as Error).message}`);
  }
}

/** A public key file, or the public half of a key pair file. */
export function readPublicKey(path: string): HybridPublicKey {
  const json = readJson(path, 'public key');
  const pub = (json?.publicKey ?? json) as HybridPublicKeyJson;
  if (!pub?.mldsa || !pub.ed25519) throw new KeyFileError(`${path} is not a camos public key (made by \`camos keygen\`)`);
  try {
    return publicKeyFromJson(pub);
  } catch (e) {
    throw new KeyFileError(`${path}: ${(e as Error).message}`);
  }
}

export const LOCAL_PUBLISHER_NAME = 'local publisher';
export const localPublisherPath = (dataDir: string) => join(dataDir, 'keys', 'publisher.json');

/**
 * The key this kernel signs its own driver builds with: <data-dir>/keys/publisher.json,
 * made and added to the trust store on first use.
 */
export function ensureLocalPublisher(dataDir: string, trust = new TrustStore(dataDir)): HybridKeyPair {
  const path = localPublisherPath(dataDir);
  let key: HybridKeyPair;
  if (existsSync(path)) key = readKeyPair(path);
  else {
    key = generateHybridKeyPair();
    writeKeyPair(path, key);
  }
  if (!trust.get(key.publicKey.keyId)) trust.add(key.publicKey, LOCAL_PUBLISHER_NAME);
  return key;
}
