// The kernel's key store: <data-dir>/keys.json (0600) lists every key the kernel has had,
// public halves in clear, secret halves sealed with AES-256-GCM (see at-rest.ts). One key
// is active (the kernel identity); rotation makes a new one and retires the old one to
// verification only; revocation stops a key from verifying at all. The file is re-read
// when it changes on disk, so `camos key rotate` is seen by a running kernel.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { failedPrecondition, notFound, unavailable } from '../base/errors.ts';
import { writeFileAtomic } from '../base/files.ts';
import { deriveKek, newScryptKdf, open, seal, type KdfRecord, type Sealed } from './at-rest.ts';
import {
  HYBRID_ALGORITHM,
  TPM_HYBRID_ALGORITHM,
  generateHybridKeyPair,
  hybridSignAsync,
  keyIdOf,
  keyPairFromJson,
  keyPairToJson,
  publicKeyFromJson,
  publicKeyToJson,
  type HybridAlgorithm,
  type HybridKeyPair,
  type HybridPublicKey,
  type HybridPublicKeyJson,
  type HybridSignature,
} from './hybrid.ts';
import { pq } from './pq.ts';
import { signedForm, verifySigned, type SigningPurpose } from './signing.ts';
import { Tpm, TpmError } from './tpm.ts';

export type Backend = 'software' | 'tpm';

export interface SignResult {
  keyId: string;
  algorithm: HybridAlgorithm;
  signature: HybridSignature;
  backend: Backend;
}

export interface KeyInfo {
  keyId: string;
  algorithm: HybridAlgorithm;
  backend: Backend;
  status: 'active' | 'retired' | 'revoked';
  createdAt: number;
  retiredAt?: number;
  revokedAt?: number;
  reason?: string;
  /** Persistent handle of the ECDSA key in the TPM (tpm backend). */
  tpmHandle?: string;
}

interface KeyRecord extends KeyInfo {
  publicKey: HybridPublicKeyJson;
  /** Software: keyPairToJson without the public key. TPM: the ML-DSA secret only. */
  secret: Sealed;
}

interface KeyFile {
  version: 1;
  kdf: KdfRecord;
  keys: KeyRecord[];
}

export interface KeyStoreOptions {
  dataDir: string;
  backend: Backend;
  /** TPM2TOOLS_TCTI for the tpm backend, e.g. "device:/dev/tpmrm0" or "swtpm:port=2321". */
  tpmTcti: string;
  /** Name of the environment variable holding a passphrase; empty = master key file. */
  passphraseEnv: string;
  env?: NodeJS.ProcessEnv;
}

/** A decrypted, usable active key. */
type Signer = { keyId: string; software?: HybridKeyPair; mldsaSecret?: Uint8Array; tpmHandle?: string };

/** keys.json, checked for its shape: a file that is not one fails start with its name, not a TypeError. */
function readKeyFile(path: string): KeyFile {
  let file: KeyFile;
  try {
    file = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`${path} cannot be read as the kernel's key store (${(e as Error).message}); restore it from a backup (without it the kernel's identity and its signatures are lost)`);
  }
  if (file?.version !== 1) throw new Error(`${path}: unsupported key file version ${JSON.stringify(file?.version)}; restore it from a backup`);
  const bad = Array.isArray(file.keys) ? file.keys.findIndex((k) => typeof k?.keyId !== 'string' || typeof k.status !== 'string' || !k.publicKey || !k.secret) : -1;
  if (!Array.isArray(file.keys) || bad >= 0 || typeof file.kdf?.name !== 'string') {
    throw new Error(`${path} is not a valid key store (${!Array.isArray(file.keys) ? "it has no 'keys' list" : bad >= 0 ? `key entry ${bad} is incomplete` : "it has no 'kdf'"}); restore it from a backup`);
  }
  return file;
}

export class KeyStore {
  readonly path: string;
  private readonly masterKeyPath: string;
  private file!: KeyFile;
  private stamp = '';
  private kek!: Buffer;
  private signer?: Signer;
  private readonly publicKeys = new Map<string, HybridPublicKey>();
  private tpmClient?: Tpm;
  /** True when this open made keys.json (a data directory no kernel had used). */
  created = false;

  private constructor(private readonly opts: KeyStoreOptions) {
    this.path = join(opts.dataDir, 'keys.json');
    this.masterKeyPath = join(opts.dataDir, 'master.key');
  }

  /** Opens (or creates, with a first identity key) the key store in the data directory. */
  static async open(opts: KeyStoreOptions): Promise<KeyStore> {
    const ks = new KeyStore(opts);
    const env = opts.env ?? process.env;
    mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
    if (!existsSync(ks.path)) {
      const kdf: KdfRecord = opts.passphraseEnv ? newScryptKdf(opts.passphraseEnv) : { name: 'master-key-file', file: 'master.key' };
      ks.kek = deriveKek(kdf, ks.masterKeyPath, env);
      ks.file = { version: 1, kdf, keys: [] };
      ks.file.keys.push(await ks.newKey(opts.backend));
      ks.save();
      ks.created = true;
    } else {
      ks.load();
      const kdf = ks.file.kdf;
      if (opts.passphraseEnv && kdf.name !== 'scrypt') throw new Error(`${ks.path} is encrypted with ${ks.masterKeyPath}, but keys.passphraseEnv is set: unset it, or start from a fresh data directory`);
      if (!opts.passphraseEnv && kdf.name === 'scrypt') throw new Error(`${ks.path} is encrypted with a passphrase from $${kdf.env}: set keys.passphraseEnv to '${kdf.env}'`);
      ks.kek = deriveKek(kdf, ks.masterKeyPath, env);
    }
    ks.unlockActive();
    if (ks.active().backend !== opts.backend) await ks.rotate(`keys.backend changed to '${opts.backend}'`);
    return ks;
  }

  /** The keys in a data directory with their public halves, read without decrypting anything. */
  static inspect(dataDir: string): (KeyInfo & { publicKey: HybridPublicKeyJson })[] {
    const path = join(dataDir, 'keys.json');
    if (!existsSync(path)) throw new Error(`${path} does not exist: start the kernel once with this data directory to create its keys`);
    return readKeyFile(path).keys.map(({ secret: _s, ...rest }) => rest);
  }

  /** The kernel's own signing key (the active one). */
  identity(): HybridPublicKey {
    this.refresh();
    return this.publicKeys.get(this.active().keyId)!;
  }

  publicKey(keyId: string): HybridPublicKey | undefined {
    this.refresh();
    return this.publicKeys.get(keyId);
  }

  /** The public half of every key the kernel has had, by key id (retired and revoked ones too: they signed its past). */
  allPublicKeys(): Map<string, HybridPublicKey> {
    this.refresh();
    return new Map(this.publicKeys);
  }

  list(): KeyInfo[] {
    this.refresh();
    return this.file.keys.map(({ publicKey: _p, secret: _s, ...info }) => info);
  }

  info(keyId: string): KeyInfo | undefined {
    return this.list().find((k) => k.keyId === keyId);
  }

  /** Signs `data` for `purpose` (hashed first, see signing.ts) with the active key or the named one. */
  async sign(purpose: SigningPurpose, data: Uint8Array, keyId?: string): Promise<SignResult> {
    this.refresh();
    const rec = keyId ? this.record(keyId) : this.active();
    if (rec.status !== 'active') {
      throw failedPrecondition(`key ${rec.keyId} is ${rec.status}${rec.reason ? ` (${rec.reason})` : ''}: it can no longer sign; the active key is ${this.active().keyId}`);
    }
    const signer = this.unlockActive();
    const message = signedForm(purpose, data);
    let signature: HybridSignature;
    if (signer.software) {
      signature = await hybridSignAsync(signer.software, message);
    } else {
      const p256 = await this.tpm()
        .sign(signer.tpmHandle!, createHash('sha256').update(message).digest())
        .catch((e: Error) => {
          throw e instanceof TpmError ? unavailable(`key ${rec.keyId}: ${e.message}`) : e;
        });
      signature = { keyId: rec.keyId, algorithm: TPM_HYBRID_ALGORITHM, mldsa: await pq().mlDsa65.signAsync(message, signer.mldsaSecret!), ed25519: new Uint8Array(0), p256 };
    }
    return { keyId: rec.keyId, algorithm: rec.algorithm, signature, backend: rec.backend };
  }

  /** True when both halves verify for `purpose` under a key that is not revoked. */
  async verify(purpose: SigningPurpose, data: Uint8Array, signature: HybridSignature, keyId?: string): Promise<boolean> {
    this.refresh();
    const id = keyId ?? signature.keyId;
    const rec = this.file.keys.find((k) => k.keyId === id);
    if (!rec || rec.status === 'revoked' || signature.keyId !== id) return false;
    return verifySigned(purpose, this.publicKeys.get(id)!, data, signature).valid;
  }

  /** Makes a new active key; the previous one stays for verification only. */
  async rotate(reason = 'rotated'): Promise<KeyInfo> {
    this.refresh();
    const fresh = await this.newKey(this.opts.backend);
    const now = Date.now();
    for (const k of this.file.keys) {
      if (k.status === 'active') Object.assign(k, { status: 'retired', retiredAt: now, reason });
    }
    this.file.keys.push(fresh);
    this.save();
    this.signer = undefined;
    this.unlockActive();
    return this.info(fresh.keyId)!;
  }

  /** Revokes a key: it neither signs nor verifies. Revoking the active key rotates first. */
  async revoke(keyId: string, reason = 'revoked'): Promise<KeyInfo> {
    this.refresh();
    const rec = this.record(keyId);
    if (rec.status === 'revoked') return this.info(keyId)!;
    if (rec.status === 'active') await this.rotate(`previous key ${keyId} revoked`);
    const now = this.record(keyId);
    Object.assign(now, { status: 'revoked', revokedAt: Date.now(), reason });
    this.save();
    // The revocation stands even when the TPM cannot evict the key now: camos no longer signs with it.
    if (now.tpmHandle) await this.tpm().evict(now.tpmHandle).catch(() => undefined);
    return this.info(keyId)!;
  }

  health() {
    const active = this.active();
    return {
      status: 'ok' as const,
      details: { active_key: active.keyId, algorithm: active.algorithm, backend: active.backend, keys: String(this.file.keys.length), encryption: this.file.kdf.name, 'crypto.backend': pq().name },
    };
  }

  // ---- private

  private tpm(): Tpm {
    this.tpmClient ??= new Tpm(this.opts.tpmTcti || process.env.TPM2TOOLS_TCTI || 'device:/dev/tpmrm0');
    return this.tpmClient;
  }

  private active(): KeyRecord {
    const a = this.file.keys.findLast((k) => k.status === 'active');
    if (!a) throw new Error(`${this.path} has no active key`);
    return a;
  }

  private record(keyId: string): KeyRecord {
    const rec = this.file.keys.find((k) => k.keyId === keyId);
    if (!rec) throw notFound(`no key '${keyId}' in the key store; \`camos key list\` shows them`);
    return rec;
  }

  private async newKey(backend: Backend): Promise<KeyRecord> {
    const createdAt = Date.now();
    if (backend === 'software') {
      const pair = generateHybridKeyPair();
      const { publicKey, ...secret } = keyPairToJson(pair);
      return { keyId: pair.publicKey.keyId, algorithm: HYBRID_ALGORITHM, backend, status: 'active', createdAt, publicKey, secret: seal(this.kek, Buffer.from(JSON.stringify(secret)), pair.publicKey.keyId) };
    }
    const mldsa = pq().mlDsa65.keygen();
    const tpmKey = await this.tpm().createKey();
    const keyId = keyIdOf(mldsa.publicKey, tpmKey.point);
    const publicKey = publicKeyToJson({ keyId, algorithm: TPM_HYBRID_ALGORITHM, mldsa: mldsa.publicKey, ed25519: new Uint8Array(0), p256: tpmKey.point });
    const secret = seal(this.kek, Buffer.from(JSON.stringify({ mldsaSecret: Buffer.from(mldsa.secretKey).toString('base64') })), keyId);
    return { keyId, algorithm: TPM_HYBRID_ALGORITHM, backend, status: 'active', createdAt, tpmHandle: tpmKey.handle, publicKey, secret };
  }

  /** Decrypts the active key once (a wrong passphrase or master key fails here, at start). */
  private unlockActive(): Signer {
    const rec = this.active();
    if (this.signer?.keyId === rec.keyId) return this.signer;
    let plain: Record<string, string>;
    try {
      plain = JSON.parse(open(this.kek, rec.secret, rec.keyId).toString('utf8'));
    } catch {
      const how = this.file.kdf.name === 'scrypt' ? `the passphrase in $${this.file.kdf.env}` : this.masterKeyPath;
      throw new Error(`cannot decrypt key ${rec.keyId} in ${this.path} with ${how}: wrong passphrase or master key, or the file was altered`);
    }
    this.signer =
      rec.backend === 'software'
        ? { keyId: rec.keyId, software: keyPairFromJson({ publicKey: rec.publicKey, mldsaSecret: plain.mldsaSecret, ed25519Secret: plain.ed25519Secret }) }
        : { keyId: rec.keyId, mldsaSecret: new Uint8Array(Buffer.from(plain.mldsaSecret, 'base64')), tpmHandle: rec.tpmHandle };
    return this.signer;
  }

  private load(): void {
    const st = statSync(this.path);
    const file = readKeyFile(this.path);
    const publicKeys = new Map<string, HybridPublicKey>();
    for (const k of file.keys) {
      try {
        publicKeys.set(k.keyId, publicKeyFromJson(k.publicKey));
      } catch (e) {
        throw new Error(`${this.path}: the public key of ${k.keyId} cannot be read (${(e as Error).message}); restore the file from a backup`);
      }
    }
    this.file = file;
    this.stamp = `${st.ino}:${st.mtimeMs}:${st.size}`;
    this.publicKeys.clear();
    for (const [id, k] of publicKeys) this.publicKeys.set(id, k);
  }

  /** Re-reads keys.json when another process (the CLI) changed it. */
  private refresh(): void {
    const st = statSync(this.path, { throwIfNoEntry: false });
    if (!st || `${st.ino}:${st.mtimeMs}:${st.size}` === this.stamp) return;
    this.load();
  }

  private save(): void {
    writeFileAtomic(this.path, JSON.stringify(this.file, null, 2) + '\n');
    this.load();
  }
}
