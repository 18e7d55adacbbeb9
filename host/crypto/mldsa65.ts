// ML-DSA-65 signature verification (FIPS 204, Algorithms 3 and 8): the kernel verifies
// every ML-DSA-65 signature with it (hybrid.ts mldsaVerify). @noble/post-quantum still
// makes keys and signatures. Two things make this several times faster than noble's
// verify:
//   - SHAKE128/256 come from Node's crypto (native) instead of pure JavaScript, and
//   - a public key's expansion (the matrix A from ρ, NTT(t1·2^d) and tr = H(pk)) is kept
//     for the next signature by the same key: a handful of publishers sign every driver.
// Only verification is here: nothing secret, nothing that needs constant time. The tests
// (test/crypto-mldsa.test.ts) hold it to the ACVP vectors and to noble's verdicts on
// valid, altered and malformed signatures.
import { createHash } from 'node:crypto';

const Q = 8380417;
const N = 256;
const D = 13;
const K = 6;
const L = 5;
const TAU = 49;
const GAMMA1 = 1 << 19;
const GAMMA2 = (Q - 1) / 32;
const BETA = TAU * 4; // τ·η
const OMEGA = 55;
const C_TILDE_BYTES = 48; // λ/4
const PUBLIC_KEY_BYTES = 32 + K * 320;
const SIGNATURE_BYTES = C_TILDE_BYTES + L * 640 + OMEGA + K;
const N_INV = 8347681; // 256⁻¹ mod q

/** ζ^brv8(k) mod q for ζ = 1753, the NTT's twiddle factors in bit-reversed order. */
const ZETAS = (() => {
  const powers = new Int32Array(N);
  powers[0] = 1;
  for (let i = 1; i < N; i++) powers[i] = (powers[i - 1] * 1753) % Q;
  const z = new Int32Array(N);
  for (let k = 0; k < N; k++) {
    let brv = 0;
    for (let i = 0; i < 8; i++) brv |= ((k >> i) & 1) << (7 - i);
    z[k] = powers[brv];
  }
  return z;
})();

// Products of two values below q (< 2^23) stay below 2^46: exact in a double. Their
// remainder by a floored quotient from 1/q (off by at most one, then corrected) is several
// times cheaper than the % operator on a double.
const Q_INV = 1 / Q;
function mulmod(a: number, b: number): number {
  const p = a * b;
  const r = p - Math.floor(p * Q_INV) * Q;
  return r < 0 ? r + Q : r >= Q ? r - Q : r;
}

function ntt(w: Int32Array): Int32Array {
  let m = 0;
  for (let len = 128; len >= 1; len >>= 1) {
    for (let start = 0; start < N; start += 2 * len) {
      const z = ZETAS[++m];
      for (let j = start; j < start + len; j++) {
        const t = mulmod(z, w[j + len]);
        const u = w[j];
        w[j + len] = u >= t ? u - t : u - t + Q;
        w[j] = u + t >= Q ? u + t - Q : u + t;
      }
    }
  }
  return w;
}

function invNtt(w: Int32Array): Int32Array {
  let m = N;
  for (let len = 1; len < N; len <<= 1) {
    for (let start = 0; start < N; start += 2 * len) {
      const z = Q - ZETAS[--m];
      for (let j = start; j < start + len; j++) {
        const t = w[j];
        const u = w[j + len];
        w[j] = t + u >= Q ? t + u - Q : t + u;
        w[j + len] = mulmod(z, t >= u ? t - u : t - u + Q);
      }
    }
  }
  for (let j = 0; j < N; j++) w[j] = mulmod(w[j], N_INV);
  return w;
}

function shake(alg: 'shake128' | 'shake256', parts: Uint8Array[], bytes: number): Buffer {
  const h = createHash(alg, { outputLength: bytes });
  for (const p of parts) h.update(p);
  return h.digest();
}

/** RejNTTPoly(ρ‖s‖r): coefficients below q from SHAKE128, three bytes at a time (Algorithm 30). */
function rejNttPoly(rho: Uint8Array, s: number, r: number, firstBytes = 840): Int32Array {
  const seed = new Uint8Array(34);
  seed.set(rho);
  seed[32] = s;
  seed[33] = r;
  // 5 blocks of SHAKE128 (840 bytes, 280 candidates) almost always hold 256 accepted ones;
  // the stream is the same whatever its length, so a longer squeeze just continues it.
  for (let bytes = firstBytes; ; bytes *= 2) {
    const stream = shake('shake128', [seed], bytes);
    const a = new Int32Array(N);
    let j = 0;
    for (let i = 0; i + 3 <= stream.length && j < N; i += 3) {
      const c = stream[i] | (stream[i + 1] << 8) | ((stream[i + 2] & 0x7f) << 16);
      if (c < Q) a[j++] = c;
    }
    if (j === N) return a;
  }
}

/** SampleInBall(c̃) (Algorithm 29): τ coefficients ±1, the rest 0. */
function sampleInBall(cTilde: Uint8Array, firstBytes = 136): Int32Array {
  for (let bytes = firstBytes; ; bytes *= 2) {
    const stream = shake('shake256', [cTilde], bytes);
    const c = new Int32Array(N);
    let pos = 8; // the first 8 bytes are the signs
    let i = N - TAU;
    for (; i < N && pos < stream.length; i++) {
      let j = stream[pos++];
      while (j > i && pos < stream.length) j = stream[pos++];
      if (j > i) break; // the stream ran out: squeeze a longer one
      const bit = i + TAU - N;
      c[i] = c[j];
      c[j] = (stream[bit >> 3] >> (bit & 7)) & 1 ? Q - 1 : 1;
    }
    if (i === N) return c;
  }
}

/** Little-endian bit unpacking of `count` values of `bits` bits each, starting at `offset`. */
function unpack(bytes: Uint8Array, offset: number, bits: number, count: number): Int32Array {
  const out = new Int32Array(count);
  const mask = (1 << bits) - 1;
  let acc = 0; // under 2^(bits + 8): bitwise operators are safe for bits ≤ 20
  let have = 0;
  let p = offset;
  for (let i = 0; i < count; i++) {
    while (have < bits) {
      acc |= bytes[p++] << have;
      have += 8;
    }
    out[i] = acc & mask;
    acc >>>= bits;
    have -= bits;
  }
  return out;
}

/** What verification needs from a public key, derived once per key. */
interface Expansion {
  A: Int32Array[][];
  t1Hat: Int32Array[];
  tr: Uint8Array;
}

function expand(publicKey: Uint8Array): Expansion {
  const rho = publicKey.subarray(0, 32);
  const A = [];
  for (let r = 0; r < K; r++) {
    const row = [];
    for (let s = 0; s < L; s++) row.push(rejNttPoly(rho, s, r));
    A.push(row);
  }
  const t1Hat = [];
  for (let i = 0; i < K; i++) {
    const t1 = unpack(publicKey, 32 + i * 320, 10, N);
    for (let j = 0; j < N; j++) t1[j] = (t1[j] * (1 << D)) % Q;
    t1Hat.push(ntt(t1));
  }
  return { A, t1Hat, tr: shake('shake256', [publicKey], 64) };
}

const expanded = new Map<string, Expansion>(); // public key (base64) -> expand(publicKey)
const MAX_KEYS = 32;

function expansionOf(publicKey: Uint8Array): Expansion {
  const id = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength).toString('base64');
  let e = expanded.get(id);
  if (!e) {
    if (expanded.size >= MAX_KEYS) expanded.clear();
    e = expand(Uint8Array.from(publicKey));
    expanded.set(id, e);
  }
  return e;
}

/** HintBitUnpack (Algorithm 21): the hint's k×256 bits, or null when malformed. */
function hintOf(sig: Uint8Array, offset: number): Uint8Array[] | null {
  const h = [];
  let index = 0;
  for (let i = 0; i < K; i++) {
    const hi = new Uint8Array(N);
    const end = sig[offset + OMEGA + i];
    if (end < index || end > OMEGA) return null;
    const first = index;
    while (index < end) {
      if (index > first && sig[offset + index - 1] >= sig[offset + index]) return null;
      hi[sig[offset + index]] = 1;
      index++;
    }
    h.push(hi);
  }
  for (let i = index; i < OMEGA; i++) if (sig[offset + i] !== 0) return null;
  return h;
}

/** UseHint(h, r) (Algorithm 40) with Decompose (Algorithm 36), for r in [0, q). */
function useHint(h: number, r: number): number {
  let r0 = r % (2 * GAMMA2);
  if (r0 > GAMMA2) r0 -= 2 * GAMMA2;
  let r1;
  if (r - r0 === Q - 1) {
    r1 = 0;
    r0 -= 1;
  } else r1 = (r - r0) / (2 * GAMMA2);
  if (!h) return r1;
  return r0 > 0 ? (r1 + 1) % 16 : (r1 + 15) % 16;
}

/**
 * ML-DSA.Verify(pk, M, σ, ctx) for ML-DSA-65: true only for a valid signature. Malformed
 * input (wrong lengths, a bad hint encoding, a context over 255 bytes) is not valid.
 */
export function verifyMldsa65(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array, context: Uint8Array = new Uint8Array(0)): boolean {
  if (!(signature instanceof Uint8Array) || !(message instanceof Uint8Array) || !(publicKey instanceof Uint8Array)) return false;
  if (signature.length !== SIGNATURE_BYTES || publicKey.length !== PUBLIC_KEY_BYTES || context.length > 255) return false;
  const cTilde = signature.subarray(0, C_TILDE_BYTES);
  const h = hintOf(signature, C_TILDE_BYTES + L * 640);
  if (!h) return false;
  const zHat = [];
  for (let i = 0; i < L; i++) {
    const z = unpack(signature, C_TILDE_BYTES + i * 640, 20, N);
    for (let j = 0; j < N; j++) {
      const v = GAMMA1 - z[j]; // in (−γ1, γ1]
      if (Math.abs(v) >= GAMMA1 - BETA) return false; // ‖z‖∞ ≥ γ1 − β
      z[j] = v < 0 ? v + Q : v;
    }
    zHat.push(ntt(z));
  }
  const { A, t1Hat, tr } = expansionOf(publicKey);
  // µ ← H(tr ‖ M′), M′ = 0 ‖ |ctx| ‖ ctx ‖ M (pure ML-DSA, Algorithm 3).
  const mu = shake('shake256', [tr, Uint8Array.of(0, context.length), context, message], 64);
  const cHat = ntt(sampleInBall(cTilde));
  const w1 = new Uint8Array(K * 128); // w1Encode: 4 bits a coefficient
  const acc = new Float64Array(N);
  for (let i = 0; i < K; i++) {
    acc.fill(0);
    for (let j = 0; j < L; j++) {
      const a = A[i][j];
      const z = zHat[j];
      for (let n = 0; n < N; n++) acc[n] += mulmod(a[n], z[n]); // five terms < 5q
    }
    const t = t1Hat[i];
    const w = new Int32Array(N);
    for (let n = 0; n < N; n++) w[n] = (acc[n] - mulmod(cHat[n], t[n]) + Q) % Q; // Â·ẑ − ĉ·t̂1
    invNtt(w);
    const hi = h[i];
    for (let n = 0; n < N; n += 2) w1[i * 128 + (n >> 1)] = useHint(hi[n], w[n]) | (useHint(hi[n + 1], w[n + 1]) << 4);
  }
  const cTilde2 = shake('shake256', [mu, w1], C_TILDE_BYTES);
  let diff = 0;
  for (let i = 0; i < C_TILDE_BYTES; i++) diff |= cTilde[i] ^ cTilde2[i];
  return diff === 0;
}

/** The two samplers, with the length of their first squeeze, for tests of the longer-squeeze path. */
export const samplers = { rejNttPoly, sampleInBall };
