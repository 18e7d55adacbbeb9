// Secure channels (protocol "camos-channel-v1"): a hybrid key agreement, X25519 and
// ML-KEM-768 combined as TLS's X25519MLKEM768 does (shares and secrets ML-KEM first),
// signed by the kernel's identity key over the transcript; then AES-256-GCM records with
// sequence numbers, a key update every `rekeyAfter` records per direction, and an expiry.
//
//   client share  = ML-KEM-768 encapsulation key (1184) || X25519 public key (32)
//   kernel share  = ML-KEM-768 ciphertext (1088)        || X25519 public key (32)
//   secret        = ML-KEM shared secret (32) || X25519 shared secret (32)
//   transcript    = "camos-channel-v1\0" || lp(peer id) || lp(client share) || lp(kernel share)
//                   || lp(channel id) || u64 expires_at || u32 rekey_after || lp(key id) || lp(cipher)
//                   (lp = u32be length || bytes); signed with camos-sign-v3 for purpose
//                   "camos-channel-handshake" (signing.ts), which sys_tpm_sign cannot sign for
//   traffic key   = HKDF-SHA-256(secret, salt = SHA-256(transcript), info = "camos-channel-v1 c2s key"|"s2c key", 32)
//   static iv     = HKDF-SHA-256(same, info = "... c2s iv"|"s2c iv", 12)
//   record n      : nonce = iv XOR u64be(n) (right-aligned), AAD = channel id || u64be(n) || direction byte,
//                   epoch = floor(n / rekey_after); key_epoch = HKDF-Expand(key_{epoch-1}, "camos-channel-v1 key update", 32)
// A receiver takes only the next sequence number: a replayed, reordered or altered record is
// refused, and a refused record does not advance the channel.
import { createCipheriv, createDecipheriv, createHash, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, randomBytes, type KeyObject } from 'node:crypto';
import { SyscallError, type ErrorCode } from '../base/errors.ts';
import type { HybridPublicKey, HybridSignature } from './hybrid.ts';
import { MLKEM768, pq } from './pq.ts';
import { SIGNING_PURPOSE, decodeSignature, encodeSignature, verifySigned, type SigningPurpose } from './signing.ts';

export const CHANNEL_PROTOCOL = 'camos-channel-v1';
export const CHANNEL_CIPHER = 'AES-256-GCM';
const MLKEM_PK = MLKEM768.publicKey;
const MLKEM_CT = MLKEM768.cipherText;
const X25519_PK = 32;
export const CLIENT_SHARE_BYTES = MLKEM_PK + X25519_PK;
export const KERNEL_SHARE_BYTES = MLKEM_CT + X25519_PK;
const X25519_SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

/** A sealed record as the proto's SealedCall (decoded: uint64 as number). */
export interface SealedCall {
  channelId: string;
  sequence: number;
  nonce: Buffer;
  ciphertext: Buffer;
}

export class ChannelError extends SyscallError {}
const refuse = (code: ErrorCode, message: string) => new ChannelError(code, message);

// ---- key agreement pieces

function x25519Pair(): { publicRaw: Buffer; privateKey: KeyObject } {
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  return { publicRaw: publicKey.export({ format: 'der', type: 'spki' }).subarray(X25519_SPKI_PREFIX.length), privateKey };
}

function x25519Shared(privateKey: KeyObject, peerRaw: Uint8Array): Buffer {
  const publicKey = createPublicKey({ key: Buffer.concat([X25519_SPKI_PREFIX, peerRaw]), format: 'der', type: 'spki' });
  return diffieHellman({ privateKey, publicKey });
}

const lp = (b: Uint8Array | string) => {
  const bytes = typeof b === 'string' ? Buffer.from(b, 'utf8') : Buffer.from(b);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(bytes.length);
  return Buffer.concat([len, bytes]);
};

export interface TranscriptFields {
  peerId: string;
  clientShare: Uint8Array;
  kernelShare: Uint8Array;
  channelId: string;
  expiresAt: number;
  rekeyAfter: number;
  keyId: string;
  cipher: string;
}

export function transcript(t: TranscriptFields): Uint8Array {
  const tail = Buffer.alloc(12);
  tail.writeBigUInt64BE(BigInt(t.expiresAt), 0);
  tail.writeUInt32BE(t.rekeyAfter, 8);
  return new Uint8Array(
    Buffer.concat([Buffer.from(`${CHANNEL_PROTOCOL}\0`), lp(t.peerId), lp(t.clientShare), lp(t.kernelShare), lp(t.channelId), tail, lp(t.keyId), lp(t.cipher)]),
  );
}

// ---- records

type Direction = 'c2s' | 's2c';

class RecordKeys {
  private key: Buffer;
  private epoch = 0;
  readonly iv: Buffer;

  constructor(secret: Buffer, salt: Buffer, dir: Direction) {
    this.key = Buffer.from(hkdfSync('sha256', secret, salt, `${CHANNEL_PROTOCOL} ${dir} key`, 32));
    this.iv = Buffer.from(hkdfSync('sha256', secret, salt, `${CHANNEL_PROTOCOL} ${dir} iv`, 12));
  }

  /** The key for record `seq`, ratcheting forward (old keys are dropped). */
  keyFor(seq: number, rekeyAfter: number): Buffer {
    const epoch = Math.floor(seq / rekeyAfter);
    while (this.epoch < epoch) {
      this.key = Buffer.from(hkdfSync('sha256', this.key, Buffer.alloc(0), `${CHANNEL_PROTOCOL} key update`, 32));
      this.epoch++;
    }
    return this.key;
  }

  get keyEpoch(): number {
    return this.epoch;
  }
}

function nonceFor(iv: Buffer, seq: number): Buffer {
  const n = Buffer.from(iv);
  const s = Buffer.alloc(8);
  s.writeBigUInt64BE(BigInt(seq));
  for (let i = 0; i < 8; i++) n[4 + i] ^= s[i];
  return n;
}

function aadFor(channelId: string, seq: number, dir: Direction): Buffer {
  const s = Buffer.alloc(9);
  s.writeBigUInt64BE(BigInt(seq));
  s[8] = dir === 'c2s' ? 1 : 2;
  return Buffer.concat([Buffer.from(channelId), s]);
}

/** One end of an established channel: seals what it sends, opens what it receives. */
export class ChannelEnd {
  private sendSeq = 0;
  private recvSeq = 0;
  private readonly sendKeys: RecordKeys;
  private readonly recvKeys: RecordKeys;
  private readonly sendDir: Direction;
  private readonly recvDir: Direction;

  constructor(
    readonly channelId: string,
    role: 'client' | 'kernel',
    secret: Buffer,
    transcriptBytes: Uint8Array,
    readonly expiresAt: number,
    readonly rekeyAfter: number,
    readonly peerId: string,
    readonly now: () => number = Date.now,
  ) {
    const salt = createHash('sha256').update(transcriptBytes).digest();
    this.sendDir = role === 'client' ? 'c2s' : 's2c';
    this.recvDir = role === 'client' ? 's2c' : 'c2s';
    this.sendKeys = new RecordKeys(secret, salt, this.sendDir);
    this.recvKeys = new RecordKeys(secret, salt, this.recvDir);
    secret.fill(0);
  }

  get expired(): boolean {
    return this.now() >= this.expiresAt;
  }

  /** Key epochs so far (sent, received): each is one key update. */
  get epochs(): { sent: number; received: number } {
    return { sent: this.sendKeys.keyEpoch, received: this.recvKeys.keyEpoch };
  }

  get counts(): { sent: number; received: number } {
    return { sent: this.sendSeq, received: this.recvSeq };
  }

  seal(plaintext: Uint8Array): SealedCall {
    this.checkExpiry();
    const seq = this.sendSeq;
    const nonce = nonceFor(this.sendKeys.iv, seq);
    const c = createCipheriv('aes-256-gcm', this.sendKeys.keyFor(seq, this.rekeyAfter), nonce);
    c.setAAD(aadFor(this.channelId, seq, this.sendDir));
    const ciphertext = Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]);
    this.sendSeq++;
    return { channelId: this.channelId, sequence: seq, nonce, ciphertext };
  }

  open(sealed: SealedCall): Uint8Array {
    this.checkExpiry();
    const seq = Number(sealed.sequence);
    if (seq < this.recvSeq) throw refuse('failed_precondition', `channel ${this.channelId}: sequence ${seq} was already received (replay); expected ${this.recvSeq}`);
    if (seq > this.recvSeq) throw refuse('failed_precondition', `channel ${this.channelId}: expected sequence ${this.recvSeq}, got ${seq} (reordered or lost record)`);
    const nonce = nonceFor(this.recvKeys.iv, seq);
    const ct = Buffer.from(sealed.ciphertext);
    if (!nonce.equals(Buffer.from(sealed.nonce)) || ct.length < 16) throw refuse('unauthenticated', `channel ${this.channelId}: record ${seq} failed authentication (wrong nonce or truncated)`);
    try {
      const d = createDecipheriv('aes-256-gcm', this.recvKeys.keyFor(seq, this.rekeyAfter), nonce);
      d.setAAD(aadFor(this.channelId, seq, this.recvDir));
      d.setAuthTag(ct.subarray(ct.length - 16));
      const plain = Buffer.concat([d.update(ct.subarray(0, ct.length - 16)), d.final()]);
      this.recvSeq++;
      return new Uint8Array(plain);
    } catch {
      // The key may have ratcheted to this record's epoch: the genuine record at this sequence needs that key too.
      throw refuse('unauthenticated', `channel ${this.channelId}: record ${seq} failed authentication (altered, or sealed with another key)`);
    }
  }

  private checkExpiry(): void {
    if (this.expired) throw refuse('failed_precondition', `channel ${this.channelId} expired at ${new Date(this.expiresAt).toISOString()}; establish a new one`);
  }
}

// ---- kernel side

export interface EstablishAnswer {
  channelId: string;
  ephemeralPublicKey: Buffer;
  signature: Buffer;
  keyId: string;
  expiresAt: number;
  cipher: string;
  rekeyAfter: number;
}

/** What the channel table needs of the key store. */
export interface TranscriptSigner {
  identity(): { keyId: string };
  sign(purpose: SigningPurpose, data: Uint8Array, keyId: string): Promise<{ keyId: string; signature: HybridSignature }>;
}

export interface ChannelTableOptions {
  ttlMs: number;
  rekeyAfter: number;
  /** Open channels at most, kernel-wide; past it new ones are refused (no one's are dropped). */
  maxChannels: number;
  /** Open channels one principal may hold, so that one cannot crowd out the others. */
  maxChannelsPerPrincipal: number;
  now?: () => number;
}

type OpenChannel = ChannelEnd & { owner: string; shares: string[] };

/** The two halves of a client share, as the keys under which they are remembered while their channel is open. */
const shareHalves = (clientShare: Uint8Array): string[] =>
  [clientShare.subarray(0, MLKEM_PK), clientShare.subarray(MLKEM_PK)].map((h) => createHash('sha256').update(h).digest('hex'));

/** The kernel's open channels (in memory; they end with the process or at expiry). */
export class ChannelTable {
  private readonly channels = new Map<string, OpenChannel>();
  /** Channels open or being established, per principal. */
  private readonly held = new Map<string, number>();
  /** Share halves of the channels open or being established: an ephemeral share is used once. */
  private readonly shares = new Set<string>();
  private establishing = 0;
  private readonly now: () => number;

  constructor(
    private readonly signer: TranscriptSigner,
    private readonly opts: ChannelTableOptions,
  ) {
    this.now = opts.now ?? Date.now;
  }

  get size(): number {
    return this.channels.size;
  }

  async establish(peerId: string, clientShare: Uint8Array, owner: string): Promise<EstablishAnswer> {
    if (clientShare.length !== CLIENT_SHARE_BYTES) {
      throw refuse('invalid_argument', `ephemeral_public_key must be ${CLIENT_SHARE_BYTES} bytes (ML-KEM-768 encapsulation key 1184 || X25519 public key 32), got ${clientShare.length}`);
    }
    this.sweep();
    const halves = shareHalves(clientShare);
    const reused = halves.findIndex((h) => this.shares.has(h));
    if (reused >= 0) {
      throw refuse('already_exists', `ephemeral_public_key: its ${reused === 0 ? 'ML-KEM-768 encapsulation key' : 'X25519 public key'} is already in use by an open channel; make a fresh key pair of each kind for every handshake`);
    }
    const held = this.held.get(owner) ?? 0;
    if (held >= this.opts.maxChannelsPerPrincipal) {
      throw refuse('resource_exhausted', `'${owner}' already holds ${held} secure channels, the most one principal may (keys.maxChannelsPerPrincipal); each ends at its expiry (keys.channelTtlMs = ${this.opts.ttlMs} ms): reuse an open one`);
    }
    if (this.channels.size + this.establishing >= this.opts.maxChannels) {
      throw refuse('resource_exhausted', `the kernel holds ${this.opts.maxChannels} secure channels, its limit (keys.maxChannels); retry when some have expired`);
    }
    // Held from here, so that handshakes in flight count against both limits too.
    this.hold(owner, halves);
    this.establishing++;
    try {
      return await this.answer(peerId, clientShare, owner, halves);
    } catch (e) {
      this.release(owner, halves);
      throw e;
    } finally {
      this.establishing--;
    }
  }

  private async answer(peerId: string, clientShare: Uint8Array, owner: string, shares: string[]): Promise<EstablishAnswer> {
    let kem: { cipherText: Uint8Array; sharedSecret: Uint8Array };
    try {
      kem = pq().mlKem768.encapsulate(clientShare.subarray(0, MLKEM_PK));
    } catch (e) {
      throw refuse('invalid_argument', `ephemeral_public_key: the ML-KEM-768 encapsulation key is not valid (${(e as Error).message})`);
    }
    const x = x25519Pair();
    let xs: Buffer;
    try {
      xs = x25519Shared(x.privateKey, clientShare.subarray(MLKEM_PK));
    } catch (e) {
      throw refuse('invalid_argument', `ephemeral_public_key: the X25519 public key is not valid (${(e as Error).message})`);
    }
    const secret = Buffer.concat([kem.sharedSecret, xs]);
    const kernelShare = Buffer.concat([kem.cipherText, x.publicRaw]);
    const channelId = randomBytes(16).toString('hex');
    const expiresAt = this.now() + this.opts.ttlMs;
    const keyId = this.signer.identity().keyId;
    const t = transcript({ peerId, clientShare, kernelShare, channelId, expiresAt, rekeyAfter: this.opts.rekeyAfter, keyId, cipher: CHANNEL_CIPHER });
    const signed = await this.signer.sign(SIGNING_PURPOSE.channelHandshake, t, keyId);
    const end = Object.assign(new ChannelEnd(channelId, 'kernel', secret, t, expiresAt, this.opts.rekeyAfter, peerId, this.now), { owner, shares });
    this.channels.set(channelId, end);
    return { channelId, ephemeralPublicKey: kernelShare, signature: Buffer.from(encodeSignature(signed.signature)), keyId: signed.keyId, expiresAt, cipher: CHANNEL_CIPHER, rekeyAfter: this.opts.rekeyAfter };
  }

  /** Opens a sealed record from the client; throws SyscallError on anything refused. */
  openSealed(channelId: string, sealed: SealedCall): Uint8Array {
    return this.get(channelId || sealed.channelId).open(sealed);
  }

  /** Seals a record for the client. */
  seal(channelId: string, plaintext: Uint8Array): SealedCall {
    return this.get(channelId).seal(plaintext);
  }

  info(channelId: string): { peerId: string; owner: string; expiresAt: number } | undefined {
    const c = this.channels.get(channelId);
    return c && { peerId: c.peerId, owner: c.owner, expiresAt: c.expiresAt };
  }

  close(): void {
    this.channels.clear();
    this.held.clear();
    this.shares.clear();
  }

  private get(channelId: string): ChannelEnd {
    const c = this.channels.get(channelId);
    if (!c) throw refuse('not_found', `no secure channel '${channelId}' (never established, expired or dropped); establish one with sys_establish_secure_channel`);
    if (c.expired) {
      this.drop(c);
      throw refuse('failed_precondition', `channel ${channelId} expired at ${new Date(c.expiresAt).toISOString()}; establish a new one`);
    }
    return c;
  }

  private sweep(): void {
    const now = this.now();
    for (const c of this.channels.values()) if (c.expiresAt <= now) this.drop(c);
  }

  private drop(c: OpenChannel): void {
    this.channels.delete(c.channelId);
    this.release(c.owner, c.shares);
  }

  private hold(owner: string, shares: string[]): void {
    this.held.set(owner, (this.held.get(owner) ?? 0) + 1);
    for (const s of shares) this.shares.add(s);
  }

  private release(owner: string, shares: string[]): void {
    const n = (this.held.get(owner) ?? 1) - 1;
    if (n > 0) this.held.set(owner, n);
    else this.held.delete(owner);
    for (const s of shares) this.shares.delete(s);
  }
}

// ---- client side

/** The first half of a handshake on the client: send `share`, keep the rest. */
export class ChannelHandshake {
  readonly share: Uint8Array;
  private readonly kemSecret: Uint8Array;
  private readonly xPrivate: KeyObject;

  constructor(readonly peerId: string) {
    const kem = pq().mlKem768.keygen();
    const x = x25519Pair();
    this.kemSecret = kem.secretKey;
    this.xPrivate = x.privateKey;
    this.share = new Uint8Array(Buffer.concat([kem.publicKey, x.publicRaw]));
  }

  /** The EstablishSecureChannelRequest to send. */
  request(): { peerId: string; ephemeralPublicKey: Buffer; protocol: string } {
    return { peerId: this.peerId, ephemeralPublicKey: Buffer.from(this.share), protocol: CHANNEL_PROTOCOL };
  }

  /**
   * Checks the kernel's answer against the kernel keys the client trusts (pinned out of band,
   * e.g. from `camos key list --json`) and derives the channel. Throws when the signature
   * does not verify: a man in the middle, or a kernel the client does not know.
   */
  finish(answer: { channelId: string; ephemeralPublicKey: Uint8Array; signature: Uint8Array; keyId: string; expiresAt: number; cipher: string; rekeyAfter: number }, trusted: HybridPublicKey[], now: () => number = Date.now): ChannelEnd {
    const key = trusted.find((k) => k.keyId === answer.keyId);
    if (!key) throw new Error(`the kernel signed with key ${answer.keyId}, which is not among the trusted kernel keys (${trusted.map((k) => k.keyId).join(', ') || 'none'})`);
    if (answer.cipher !== CHANNEL_CIPHER) throw new Error(`the kernel chose cipher '${answer.cipher}'; this client speaks ${CHANNEL_CIPHER}`);
    if (answer.ephemeralPublicKey.length !== KERNEL_SHARE_BYTES) throw new Error(`the kernel's share is ${answer.ephemeralPublicKey.length} bytes, expected ${KERNEL_SHARE_BYTES}`);
    const t = transcript({ peerId: this.peerId, clientShare: this.share, kernelShare: answer.ephemeralPublicKey, channelId: answer.channelId, expiresAt: Number(answer.expiresAt), rekeyAfter: answer.rekeyAfter, keyId: answer.keyId, cipher: answer.cipher });
    let ok = false;
    try {
      ok = verifySigned(SIGNING_PURPOSE.channelHandshake, key, t, decodeSignature(answer.signature, answer.keyId)).valid;
    } catch {
      ok = false;
    }
    if (!ok) throw new Error('the kernel\'s handshake signature does not verify over this transcript: the exchange was altered (man in the middle?) or signed by another key');
    const ss = pq().mlKem768.decapsulate(answer.ephemeralPublicKey.subarray(0, MLKEM_CT), this.kemSecret);
    const xs = x25519Shared(this.xPrivate, answer.ephemeralPublicKey.subarray(MLKEM_CT));
    return new ChannelEnd(answer.channelId, 'client', Buffer.concat([ss, xs]), t, Number(answer.expiresAt), answer.rekeyAfter, this.peerId, now);
  }
}

