// The kernel's own ML-DSA-65 verifier (host/crypto/mldsa65.ts) against the NIST ACVP
// vectors and, case by case, against @noble/post-quantum's verdicts: valid signatures,
// signatures with one bit flipped anywhere, malformed hints, other messages, contexts and
// keys, and wrong lengths.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { samplers, verifyMldsa65 } from '../host/crypto/mldsa65.ts';

const hex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
const dsa = JSON.parse(readFileSync(new URL('./vectors/ml-dsa-65.acvp.json', import.meta.url), 'utf8'));

// A fixed pseudo-random stream: the same cases on every run.
function lcg(seed: number) {
  let s = seed >>> 0;
  return (n: number) => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) % n);
}
const bytes = (rnd: (n: number) => number, n: number) => Uint8Array.from({ length: n }, () => rnd(256));

test('ML-DSA-65 verifier: the ACVP sigVer verdicts, with their contexts', () => {
  const verdicts = dsa.sigVer.tests.map((t: { testPassed: boolean }) => t.testPassed);
  assert.ok(verdicts.includes(true) && verdicts.includes(false));
  for (const t of dsa.sigVer.tests) {
    assert.equal(verifyMldsa65(hex(t.signature), hex(t.message), hex(t.pk), hex(t.context)), t.testPassed, `tcId ${t.tcId} (${t.reason})`);
  }
});

test("ML-DSA-65 verifier agrees with noble's on valid, altered and malformed signatures", () => {
  const rnd = lcg(2026);
  const keys = [1, 2, 3].map((i) => ml_dsa65.keygen(new Uint8Array(32).fill(i)));
  let cases = 0;
  let swaps = 0;
  const agree = (sig: Uint8Array, msg: Uint8Array, pk: Uint8Array, context: Uint8Array, what: string) => {
    let expected: boolean;
    try {
      expected = ml_dsa65.verify(sig, msg, pk, { context });
    } catch {
      expected = false; // noble throws on some malformed input; the kernel's verifier says false
    }
    assert.equal(verifyMldsa65(sig, msg, pk, context), expected, what);
    cases++;
    return expected;
  };
  for (const [k, key] of keys.entries()) {
    for (const [msgLen, ctxLen] of [[0, 0], [1, 0], [100, 7], [5000, 255]]) {
      const msg = bytes(rnd, msgLen);
      const context = bytes(rnd, ctxLen);
      const sig = ml_dsa65.sign(msg, key.secretKey, { context });
      const label = `key ${k}, message ${msgLen} B, context ${ctxLen} B`;
      assert.equal(agree(sig, msg, key.publicKey, context, `${label}: valid`), true, `${label}: a valid signature verifies`);
      // One bit flipped, in each part of the signature: c̃ (0–47), z (48–3247), the hint (3248–3308).
      for (const [from, to] of [[0, 48], [48, 3248], [3248, 3309]]) {
        for (let i = 0; i < 12; i++) {
          const at = from + rnd(to - from);
          const bad = sig.slice();
          bad[at] ^= 1 << rnd(8);
          agree(bad, msg, key.publicKey, context, `${label}: bit flipped at byte ${at}`);
        }
      }
      // A hint whose positions are out of order, or whose padding is not zero.
      const unordered = sig.slice();
      unordered[3248] = 255;
      agree(unordered, msg, key.publicKey, context, `${label}: hint position out of order`);
      // Two positions of one polynomial's hint swapped: the same set of hints, but the
      // encoding must list them in increasing order (FIPS 204, HintBitUnpack).
      const ends = Array.from({ length: 6 }, (_, i) => sig[3248 + 55 + i]);
      const row = ends.findIndex((end, i) => end - (i ? ends[i - 1] : 0) >= 2);
      if (row >= 0) {
        const start = row ? ends[row - 1] : 0;
        const swapped = sig.slice();
        [swapped[3248 + start], swapped[3248 + start + 1]] = [sig[3248 + start + 1], sig[3248 + start]];
        assert.equal(agree(swapped, msg, key.publicKey, context, `${label}: hint positions swapped`), false);
        swaps++;
      }
      const padded = sig.slice();
      padded[3248 + 54] = 1;
      agree(padded, msg, key.publicKey, context, `${label}: hint padding not zero`);
      // The same signature for another message, context or key.
      assert.equal(agree(sig, Uint8Array.of(...msg, 0), key.publicKey, context, `${label}: longer message`), false);
      assert.equal(agree(sig, msg, key.publicKey, Uint8Array.of(...context.subarray(0, 254), 1), `${label}: other context`), false);
      assert.equal(agree(sig, msg, keys[(k + 1) % keys.length].publicKey, context, `${label}: another key`), false);
      // Wrong lengths.
      assert.equal(verifyMldsa65(sig.subarray(0, 3308), msg, key.publicKey, context), false);
      assert.equal(verifyMldsa65(Uint8Array.of(...sig, 0), msg, key.publicKey, context), false);
      assert.equal(verifyMldsa65(sig, msg, key.publicKey.subarray(0, 1951), context), false);
      assert.equal(verifyMldsa65(sig, msg, key.publicKey, new Uint8Array(256)), false);
    }
  }
  assert.ok(cases > 500, `${cases} cases compared`);
  assert.ok(swaps > 0, 'some signature had two hints in one polynomial');
});

test('ML-DSA-65 samplers: a first squeeze too short to finish continues the same stream', async () => {
  const { randomBytes } = await import('node:crypto');
  for (let i = 0; i < 20; i++) {
    const rho = randomBytes(32);
    const poly = samplers.rejNttPoly(rho, i % 6, i % 5);
    // 3 bytes hold one candidate: the sampler has to squeeze longer several times over.
    assert.deepEqual(samplers.rejNttPoly(rho, i % 6, i % 5, 3), poly, `RejNTTPoly, seed ${i}`);
    assert.equal(poly.filter((c) => c < 0 || c >= 8380417).length, 0, 'every coefficient below q');
    const cTilde = randomBytes(48);
    const ball = samplers.sampleInBall(cTilde);
    assert.deepEqual(samplers.sampleInBall(cTilde, 9), ball, `SampleInBall, seed ${i}`);
    assert.equal(ball.filter((c) => c !== 0).length, 49, 'τ = 49 coefficients ±1');
  }
});
