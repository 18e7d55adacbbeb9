// Hybrid signatures: ML-DSA-65 (FIPS 204, from the process's backend, pq.ts) and a classical half,
// Ed25519 (node:crypto) or, for keys held in a TPM 2.0, ECDSA P-256. A signature is both
// halves; it verifies only when both do. Keys and signatures travel as base64 in JSON.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign as edSign, verify as edVerify, type KeyObject } from 'node:crypto';
import { pq } from './pq.ts';

export const HYBRID_ALGORITHM = 'ML-DSA-65+Ed25519';
/** ML-DSA-65 in software with an ECDSA P-256 key that never leaves a TPM. */
export const TPM_HYBRID_ALGORITHM = 'ML-DSA-65+ECDSA-P256';
export type HybridAlgorithm = typeof HYBRID_ALGORITHM | typeof TPM_HYBRID_ALGORITHM;

export interface HybridPublicKey {
  /** Stable id: first 16 hex chars of SHA-256 over both public keys. */
  keyId: string;
  /** Absent means ML-DSA-65+Ed25519. */
  algorithm?: HybridAlgorithm;
  mldsa: Uint8Array; // 1952 bytes
  ed25519: Uint8Array; // 32 bytes, raw; empty for ML-DSA-65+ECDSA-P256
  p256?: Uint8Array; // 65 bytes, uncompressed point (0x04 || x || y); ML-DSA-65+ECDSA-P256 only
}

export interface HybridKeyPair {
  publicKey: HybridPublicKey;
  mldsaSecret: Uint8Array; // 4032 bytes
  ed25519Secret: KeyObject;
}

export interface HybridSignature {
  keyId: string;
  algorithm: HybridAlgorithm;
  mldsa: Uint8Array; // 3309 bytes
  ed25519: Uint8Array; // 64 bytes; empty for ML-DSA-65+ECDSA-P256
  p256?: Uint8Array; // 64 bytes, r || s (IEEE P1363) of ECDSA P-256 over SHA-256 of the message
}

const ED_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function keyIdOf(mldsa: Uint8Array, ed25519: Uint8Array): string {
  return createHash('sha256').update(mldsa).update(ed25519).digest('hex').slice(0, 16);
}

export function generateHybridKeyPair(): HybridKeyPair {
  const mldsa = pq().mlDsa65.keygen();
  const ed = generateKeyPairSync('ed25519');
  const edRaw = ed.publicKey.export({ format: 'der', type: 'spki' }).subarray(ED_SPKI_PREFIX.length);
  return {
    publicKey: { keyId: keyIdOf(mldsa.publicKey, edRaw), mldsa: mldsa.publicKey, ed25519: new Uint8Array(edRaw) },
    mldsaSecret: mldsa.secretKey,
    ed25519Secret: ed.privateKey,
  };
}

export function hybridSign(key: HybridKeyPair, message: Uint8Array): HybridSignature {
  return withEd25519(key, message, pq().mlDsa65.sign(message, key.mldsaSecret));
}

/** hybridSign without holding the calling thread while the ML-DSA-65 half is made (the key store's). */
export async function hybridSignAsync(key: HybridKeyPair, message: Uint8Array): Promise<HybridSignature> {
  return withEd25519(key, message, await pq().mlDsa65.signAsync(message, key.mldsaSecret));
}

function withEd25519(key: HybridKeyPair, message: Uint8Array, mldsa: Uint8Array): HybridSignature {
  return { keyId: key.publicKey.keyId, algorithm: HYBRID_ALGORITHM, mldsa, ed25519: new Uint8Array(edSign(null, message, key.ed25519Secret)) };
}

export interface HybridVerdict {
  valid: boolean;
  mldsa: boolean;
  /** The classical half (Ed25519, or ECDSA P-256 for ML-DSA-65+ECDSA-P256). */
  ed25519: boolean;
}

export function hybridVerify(pub: HybridPublicKey, message: Uint8Array, sig: HybridSignature): HybridVerdict {
  if ((pub.algorithm ?? HYBRID_ALGORITHM) !== sig.algorithm) return { valid: false, mldsa: false, ed25519: false };
  const ed = classicalVerify(pub, message, sig);
  const mldsa = pq().mlDsa65.verify(sig.mldsa, message, pub.mldsa);
  return { valid: ed && mldsa, mldsa, ed25519: ed };
}

/** The classical half alone (Ed25519, or ECDSA P-256 for ML-DSA-65+ECDSA-P256); false when malformed. */
function classicalVerify(pub: HybridPublicKey, message: Uint8Array, sig: HybridSignature): boolean {
  try {
    return sig.algorithm === TPM_HYBRID_ALGORITHM ? verifyP256(pub.p256, message, sig.p256) : edVerify(null, message, edKeyOf(pub.ed25519), sig.ed25519);
  } catch {
    return false;
  }
}

// Building a KeyObject costs about as much as an Ed25519 verification: keep one per key
// seen (a few publishers and kernels; forgotten all at once past 256).
const edKeys = new Map<string, KeyObject>();
function edKeyOf(raw: Uint8Array): KeyObject {
  const id = Buffer.from(raw).toString('hex');
  let key = edKeys.get(id);
  if (!key) {
    key = edPublicKeyObject(raw);
    if (edKeys.size >= 256) edKeys.clear();
    edKeys.set(id, key);
  }
  return key;
}

function verifyP256(point: Uint8Array | undefined, message: Uint8Array, sig: Uint8Array | undefined): boolean {
  if (!point || !sig || sig.length !== 64) return false;
  return edVerify('sha256', message, { key: p256PublicKeyObject(point), dsaEncoding: 'ieee-p1363' }, sig);
}

/** A node:crypto key from an uncompressed P-256 point (0x04 || x || y). */
export function p256PublicKeyObject(point: Uint8Array): KeyObject {
  if (point.length !== 65 || point[0] !== 4) throw new Error('a P-256 public key is 65 bytes: 0x04 || x || y');
  const b = Buffer.from(point);
  return createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b.subarray(1, 33).toString('base64url'), y: b.subarray(33).toString('base64url') }, format: 'jwk' });
}

export function edPublicKeyObject(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([ED_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

// ---- JSON forms

export interface HybridPublicKeyJson { keyId: string; algorithm: string; mldsa: string; ed25519: string; p256?: string }
export interface HybridSignatureJson { keyId: string; algorithm: string; mldsa: string; ed25519: string; p256?: string }
export interface HybridKeyPairJson { publicKey: HybridPublicKeyJson; mldsaSecret: string; ed25519Secret: string }

const b64 = (u: Uint8Array) => Buffer.from(u).toString('base64');
const unb64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

export function publicKeyToJson(k: HybridPublicKey): HybridPublicKeyJson {
  const j: HybridPublicKeyJson = { keyId: k.keyId, algorithm: k.algorithm ?? HYBRID_ALGORITHM, mldsa: b64(k.mldsa), ed25519: b64(k.ed25519) };
  if (k.p256) j.p256 = b64(k.p256);
  return j;
}
export function publicKeyFromJson(j: HybridPublicKeyJson): HybridPublicKey {
  const mldsa = unb64(j.mldsa);
  if (j.algorithm === TPM_HYBRID_ALGORITHM) {
    const p256 = unb64(j.p256 ?? '');
    if (mldsa.length !== 1952 || p256.length !== 65) throw new Error(`public key ${j.keyId} has the wrong length for ${TPM_HYBRID_ALGORITHM}`);
    const keyId = keyIdOf(mldsa, p256);
    if (j.keyId && j.keyId !== keyId) throw new Error(`public key id ${j.keyId} does not match its key material (${keyId})`);
    return { keyId, algorithm: TPM_HYBRID_ALGORITHM, mldsa, ed25519: new Uint8Array(0), p256 };
  }
  const ed25519 = unb64(j.ed25519);
  if (mldsa.length !== 1952 || ed25519.length !== 32) throw new Error(`public key ${j.keyId} has the wrong length for ${HYBRID_ALGORITHM}`);
  const keyId = keyIdOf(mldsa, ed25519);
  if (j.keyId && j.keyId !== keyId) throw new Error(`public key id ${j.keyId} does not match its key material (${keyId})`);
  return { keyId, mldsa, ed25519 };
}
export function signatureToJson(s: HybridSignature): HybridSignatureJson {
  const j: HybridSignatureJson = { keyId: s.keyId, algorithm: s.algorithm, mldsa: b64(s.mldsa), ed25519: b64(s.ed25519) };
  if (s.p256) j.p256 = b64(s.p256);
  return j;
}
export function signatureFromJson(j: HybridSignatureJson): HybridSignature {
  const algorithm = j.algorithm === TPM_HYBRID_ALGORITHM ? TPM_HYBRID_ALGORITHM : HYBRID_ALGORITHM;
  const s: HybridSignature = { keyId: j.keyId, algorithm, mldsa: unb64(j.mldsa), ed25519: unb64(j.ed25519 ?? '') };
  if (j.p256) s.p256 = unb64(j.p256);
  return s;
}

export function keyPairToJson(k: HybridKeyPair): HybridKeyPairJson {
  return {
    publicKey: publicKeyToJson(k.publicKey),
    mldsaSecret: b64(k.mldsaSecret),
    ed25519Secret: k.ed25519Secret.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
  };
}
export function keyPairFromJson(j: HybridKeyPairJson): HybridKeyPair {
  return {
    publicKey: publicKeyFromJson(j.publicKey),
    mldsaSecret: unb64(j.mldsaSecret),
    ed25519Secret: createPrivateKey({ key: Buffer.from(j.ed25519Secret, 'base64'), format: 'der', type: 'pkcs8' }),
  };
}
