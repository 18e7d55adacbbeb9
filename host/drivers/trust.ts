// The trust store: publisher keys this kernel accepts driver manifests from, kept in
// <data-dir>/trust.json. The CLI edits the file while a kernel runs, so the store re-reads
// it when it changes; `generation` moves on every change so cached verdicts expire, and
// watchers hear of every change (the runtime unloads what a revoked or removed key signed).
import { existsSync, mkdirSync, readFileSync, statSync, watch, type FSWatcher } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../base/files.ts';
import { publicKeyFromJson, publicKeyToJson, type HybridPublicKey } from '../crypto/hybrid.ts';

export interface TrustedKey {
  keyId: string;
  name: string;
  publicKey: HybridPublicKey;
  addedAt: number;
  revoked: boolean;
  revokedAt?: number;
}

const FileSchema = z.object({
  version: z.literal(1),
  keys: z.array(
    z.object({
      keyId: z.string(),
      name: z.string().default(''),
      publicKey: z.object({ keyId: z.string(), algorithm: z.string(), mldsa: z.string(), ed25519: z.string() }),
      addedAt: z.number(),
      revoked: z.boolean().default(false),
      revokedAt: z.number().optional(),
    }),
  ),
});

export class TrustStoreError extends Error {}

/** The keys as they are now; called after every change, whoever made it. */
export type TrustListener = (store: TrustStore) => void;

export class TrustStore {
  readonly path: string;
  private keys = new Map<string, TrustedKey>();
  private stamp = '';
  private gen = 0;
  private readonly listeners = new Set<TrustListener>();
  /** Watches trust.json while someone listens; undefined until the file exists. */
  private fileWatch?: FSWatcher;
  private onWatchError: (e: Error) => void = () => {};

  constructor(dataDir: string) {
    this.path = join(dataDir, 'trust.json');
    this.refresh();
  }

  /** Moves on whenever the set of keys or their revocation changes. */
  get generation(): number {
    this.refresh();
    return this.gen;
  }

  get(keyId: string): TrustedKey | undefined {
    this.refresh();
    return this.keys.get(keyId);
  }

  list(): TrustedKey[] {
    this.refresh();
    return [...this.keys.values()].sort((a, b) => a.addedAt - b.addedAt);
  }

  /**
   * Calls listener after every change of the keys: one made through this object at once,
   * one written to trust.json by another process (the CLI) as soon as the file's watch
   * fires. Returns the function that stops listening.
   */
  watch(listener: TrustListener, onError: (e: Error) => void = () => {}): () => void {
    this.listeners.add(listener);
    this.onWatchError = onError;
    this.armFileWatch();
    return () => {
      this.listeners.delete(listener);
      if (!this.listeners.size) this.disarmFileWatch();
    };
  }

  /** Trusts a publisher key; adding a key already trusted is a no-op, a revoked one is refused. */
  add(publicKey: HybridPublicKey, name = ''): TrustedKey {
    this.refresh();
    const existing = this.keys.get(publicKey.keyId);
    if (existing?.revoked) throw new TrustStoreError(`key ${publicKey.keyId} is revoked; \`camos trust remove ${publicKey.keyId}\` first to trust it again`);
    if (existing) return existing;
    const key: TrustedKey = { keyId: publicKey.keyId, name, publicKey, addedAt: Date.now(), revoked: false };
    this.keys.set(key.keyId, key);
    this.save();
    return key;
  }

  /** Marks a key revoked: its manifests are refused with that reason until it is removed. */
  revoke(keyId: string): TrustedKey {
    this.refresh();
    const key = this.keys.get(keyId);
    if (!key) throw new TrustStoreError(`key ${keyId} is not in the trust store ${this.path}`);
    if (!key.revoked) {
      key.revoked = true;
      key.revokedAt = Date.now();
      this.save();
    }
    return key;
  }

  /**
   * A revocation made elsewhere (a peer kernel's trust store): the key is revoked here,
   * and kept as revoked if this store did not hold it, so that it cannot be added later
   * without `camos trust remove` first. Returns false when it was revoked already.
   */
  revokeKnown(publicKey: HybridPublicKey, name: string, revokedAt: number): boolean {
    this.refresh();
    const key = this.keys.get(publicKey.keyId);
    if (key?.revoked) return false;
    this.keys.set(publicKey.keyId, { ...(key ?? { keyId: publicKey.keyId, name, publicKey, addedAt: revokedAt }), revoked: true, revokedAt });
    this.save();
    return true;
  }

  remove(keyId: string): boolean {
    this.refresh();
    if (!this.keys.delete(keyId)) return false;
    this.save();
    return true;
  }

  private save(): void {
    const body = {
      version: 1,
      keys: [...this.keys.values()].map((k) => ({ ...k, publicKey: publicKeyToJson(k.publicKey) })),
    };
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    writeFileAtomic(this.path, JSON.stringify(body, null, 2) + '\n');
    this.refresh(true);
  }

  private refresh(force = false): void {
    let stamp = 'absent';
    if (existsSync(this.path)) {
      const st = statSync(this.path);
      stamp = `${st.ino}:${st.size}:${st.mtimeMs}`;
    }
    if (!force && stamp === this.stamp) return;
    // Read before taking the stamp: an unreadable file keeps failing until it is fixed.
    this.keys = stamp === 'absent' ? new Map() : this.read();
    const first = this.stamp === '';
    this.stamp = stamp;
    this.gen++;
    if (this.listeners.size) this.armFileWatch();
    if (!first) for (const l of this.listeners) l(this);
  }

  // An atomic rename replaces the file's inode, which ends its watch: each event re-reads
  // the file and re-arms the watch on the one now at the path.
  private armFileWatch(): void {
    if (this.fileWatch || !existsSync(this.path)) return;
    try {
      this.fileWatch = watch(this.path, { persistent: false }, () => this.fileChanged());
      this.fileWatch.on('error', () => this.fileChanged());
    } catch {
      // gone between the check and the watch: the next refresh arms it
    }
  }

  private disarmFileWatch(): void {
    this.fileWatch?.close();
    this.fileWatch = undefined;
  }

  private fileChanged(): void {
    this.disarmFileWatch();
    try {
      this.refresh();
    } catch (e) {
      this.onWatchError(e as Error);
    }
    this.armFileWatch();
  }

  private read(): Map<string, TrustedKey> {
    let parsed: z.infer<typeof FileSchema>;
    try {
      parsed = FileSchema.parse(JSON.parse(readFileSync(this.path, 'utf8')));
    } catch (e) {
      throw new TrustStoreError(`trust store ${this.path} is unreadable: ${(e as Error).message}`);
    }
    const keys = new Map<string, TrustedKey>();
    for (const k of parsed.keys) {
      const publicKey = publicKeyFromJson(k.publicKey);
      keys.set(publicKey.keyId, { ...k, keyId: publicKey.keyId, publicKey });
    }
    return keys;
  }
}
