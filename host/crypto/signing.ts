// What a kernel key signs, and how a signature travels as one byte string.
//
// Construction (camos-sign-v3): every signature the kernel makes is for one purpose, and
// the purpose is part of what is signed, so that a signature made for one purpose never
// verifies for another. `sys_tpm_sign` signs whatever a caller sends, under its own
// purpose; no caller can ask for a channel handshake's or an audit checkpoint's. The input
// of any size is hashed first with SHA-512, and both halves sign
//     M = "camos-sign-v3" || 0x00 || purpose || 0x00 || SHA-512(data)
// - ML-DSA-65 (FIPS 204, pure, empty context) over M;
// - Ed25519 (RFC 8032, pure) over M, or, for TPM-held keys, ECDSA P-256 over SHA-256(M).
// The purpose is in M, not in a context string: neither the pqclean binding (ML-DSA) nor
// Node's Ed25519 takes one (camos-sign-v2 gave it to ML-DSA as its context as well, which
// only noble could make). A verifier recomputes M and checks both halves with any FIPS 204 /
// RFC 8032 / P-256 library.
import { createHash } from 'node:crypto';
import { HYBRID_ALGORITHM, TPM_HYBRID_ALGORITHM, hybridVerify, type HybridPublicKey, type HybridSignature, type HybridVerdict } from './hybrid.ts';

/** Every purpose a kernel key signs for: one place, so that no two share a name. */
export const SIGNING_PURPOSE = {
  /** Whatever a caller of sys_tpm_sign sends. */
  tpmSign: 'camos-tpm-sign',
  /** A secure channel's transcript (channel.ts). */
  channelHandshake: 'camos-channel-handshake',
  /** An audit checkpoint (host/audit). */
  auditCheckpoint: 'camos-audit-checkpoint',
  /** A message a kernel publishes to its federation (host/federation). */
  federationMessage: 'camos-federation-message',
  /** An entry of the federation's shared state: agents, tokens, policies, trust, drivers (host/federation/entry.ts). */
  federationState: 'camos-federation-state',
} as const;
export type SigningPurpose = (typeof SIGNING_PURPOSE)[keyof typeof SIGNING_PURPOSE];

const VERSION = Buffer.from('camos-sign-v3\0', 'latin1');

/** What both halves sign for `purpose` (M above). */
export function signedForm(purpose: SigningPurpose, data: Uint8Array): Uint8Array {
  return new Uint8Array(Buffer.concat([VERSION, Buffer.from(purpose, 'latin1'), Buffer.from([0]), createHash('sha512').update(data).digest()]));
}

/** Both halves of `signature` over `data`, signed for `purpose` by `pub`. */
export function verifySigned(purpose: SigningPurpose, pub: HybridPublicKey, data: Uint8Array, signature: HybridSignature): HybridVerdict {
  return hybridVerify(pub, signedForm(purpose, data), signature);
}

/**
 * The combined signature bytes (TpmSignResponse.signature):
 *     u8 version (1) || u8 algorithm (1 = ML-DSA-65+Ed25519, 2 = ML-DSA-65+ECDSA-P256)
 *     || u16be length || classical half (Ed25519 64 bytes, or ECDSA r||s 64 bytes)
 *     || u16be length || ML-DSA-65 signature (3309 bytes)
 */
export function encodeSignature(sig: HybridSignature): Uint8Array {
  const classical = Buffer.from(sig.algorithm === TPM_HYBRID_ALGORITHM ? (sig.p256 ?? []) : sig.ed25519);
  const pq = Buffer.from(sig.mldsa);
  const head = Buffer.alloc(4);
  head[0] = 1;
  head[1] = sig.algorithm === TPM_HYBRID_ALGORITHM ? 2 : 1;
  head.writeUInt16BE(classical.length, 2);
  const len = Buffer.alloc(2);
  len.writeUInt16BE(pq.length);
  return new Uint8Array(Buffer.concat([head, classical, len, pq]));
}

/** Inverse of encodeSignature; throws on anything malformed. */
export function decodeSignature(bytes: Uint8Array, keyId: string): HybridSignature {
  const b = Buffer.from(bytes);
  if (b.length < 6 || b[0] !== 1 || (b[1] !== 1 && b[1] !== 2)) throw new Error('not a camos signature (version 1, algorithm 1 or 2)');
  const cl = b.readUInt16BE(2);
  const classical = b.subarray(4, 4 + cl);
  if (classical.length !== cl || b.length < 6 + cl) throw new Error('truncated camos signature');
  const pl = b.readUInt16BE(4 + cl);
  const mldsa = b.subarray(6 + cl);
  if (mldsa.length !== pl) throw new Error('camos signature: ML-DSA length does not match');
  if (b[1] === 2) return { keyId, algorithm: TPM_HYBRID_ALGORITHM, mldsa: new Uint8Array(mldsa), ed25519: new Uint8Array(0), p256: new Uint8Array(classical) };
  return { keyId, algorithm: HYBRID_ALGORITHM, mldsa: new Uint8Array(mldsa), ed25519: new Uint8Array(classical) };
}
