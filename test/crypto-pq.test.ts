// The post-quantum backends behind host/crypto/pq.ts: how one is chosen, that each reads
// what the other makes, and that both give the same verdict on malformed signatures, keys
// and ciphertexts. @noble/post-quantum's own functions are the referee where a verdict is
// FIPS 203's input checking, which PQClean's C leaves to its caller.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { MLDSA65, MLKEM768, choosePqBackend, loadPqclean, noble, pq, type PqBackend } from '../host/crypto/pq.ts';

const pqclean = loadPqclean();
const backends: [PqBackend, PqBackend][] = [
  [pqclean, noble],
  [noble, pqclean],
];
const message = new TextEncoder().encode('camos-sign-v3\0camos-tpm-sign\0 a message');
const cannotLoad = () => {
  throw new Error("Could not locate the bindings file. Tried: → node_modules/pqclean/build/Release/node_pqclean.node");
};
/** The verdict of `f`: its value, or 'throws'. */
const verdict = (f: () => unknown): unknown => {
  try {
    const v = f();
    return v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v;
  } catch {
    return 'throws';
  }
};

test('with no backend asked for, pqclean is chosen when its addon loads', () => {
  const choice = choosePqBackend(undefined);
  assert.equal(choice.backend.name, 'pqclean');
  assert.equal(choice.fallback, undefined);
  assert.equal(pq().name, 'pqclean');
});

test('with no backend asked for and an addon that cannot load, noble is chosen and the fallback says why and how to fix it', () => {
  try {
    const choice = choosePqBackend(undefined, cannotLoad);
    assert.equal(choice.backend.name, 'noble');
    assert.equal(pq().name, 'noble');
    assert.match(choice.fallback!, /pqclean native addon cannot load \(Could not locate the bindings file.*\); using @noble\/post-quantum.*npm rebuild pqclean/);
  } finally {
    choosePqBackend(undefined);
  }
});

test('asking for pqclean when its addon cannot load is an error naming the setting and the fix', () => {
  try {
    assert.throws(() => choosePqBackend('pqclean', cannotLoad), /crypto\.backend is 'pqclean', but the pqclean native addon cannot load \(Could not locate.*\)\. Build it with `npm rebuild pqclean`.*or set crypto\.backend \(or CAMOS_CRYPTO_BACKEND\) to 'noble'/);
  } finally {
    choosePqBackend(undefined);
  }
});

test('noble is chosen when asked for, and an unknown backend is refused', () => {
  try {
    assert.equal(choosePqBackend('noble').backend.name, 'noble');
    assert.equal(pq().name, 'noble');
    assert.throws(() => choosePqBackend('openssl' as never), /crypto\.backend must be 'pqclean' or 'noble', not 'openssl'/);
  } finally {
    choosePqBackend(undefined);
  }
});

for (const [a, b] of backends) {
  test(`ML-DSA-65: ${a.name} signs, ${b.name} verifies; ${b.name} refuses it for another message or key`, () => {
    const key = a.mlDsa65.keygen();
    assert.equal(key.publicKey.length, MLDSA65.publicKey);
    assert.equal(key.secretKey.length, MLDSA65.secretKey);
    const sig = a.mlDsa65.sign(message, key.secretKey);
    assert.equal(sig.length, MLDSA65.signature);
    assert.equal(b.mlDsa65.verify(sig, message, key.publicKey), true);
    assert.equal(b.mlDsa65.verify(sig, message.subarray(1), key.publicKey), false);
    assert.equal(b.mlDsa65.verify(sig, message, b.mlDsa65.keygen().publicKey), false);
  });

  test(`ML-DSA-65: a key made by ${a.name} signs with ${b.name}`, async () => {
    const key = a.mlDsa65.keygen();
    const sig = await b.mlDsa65.signAsync(message, key.secretKey);
    assert.equal(a.mlDsa65.verify(sig, message, key.publicKey), true);
  });

  test(`ML-KEM-768: ${a.name} encapsulates, ${b.name} decapsulates the same shared secret, to keys of either`, () => {
    for (const key of [a.mlKem768.keygen(), b.mlKem768.keygen()]) {
      assert.equal(key.publicKey.length, MLKEM768.publicKey);
      assert.equal(key.secretKey.length, MLKEM768.secretKey);
      const { cipherText, sharedSecret } = a.mlKem768.encapsulate(key.publicKey);
      assert.equal(cipherText.length, MLKEM768.cipherText);
      assert.deepEqual(Buffer.from(b.mlKem768.decapsulate(cipherText, key.secretKey)), Buffer.from(sharedSecret));
    }
  });
}

test('both backends sign with the empty FIPS 204 context: their signatures verify with noble without a context, never with one', () => {
  for (const backend of [pqclean, noble]) {
    const key = backend.mlDsa65.keygen();
    const sig = backend.mlDsa65.sign(message, key.secretKey);
    assert.equal(ml_dsa65.verify(sig, message, key.publicKey), true, backend.name);
    assert.equal(ml_dsa65.verify(sig, message, key.publicKey, { context: new TextEncoder().encode('camos-tpm-sign') }), false, backend.name);
    // And a signature made with a context (as camos-sign-v2 made them) verifies on neither.
    const withContext = ml_dsa65.sign(message, key.secretKey, { context: new TextEncoder().encode('camos-tpm-sign') });
    assert.equal(backend.mlDsa65.verify(withContext, message, key.publicKey), false, backend.name);
  }
});

// ---- malformed inputs: one verdict from both

const dsaKey = pqclean.mlDsa65.keygen();
const dsaSig = pqclean.mlDsa65.sign(message, dsaKey.secretKey);
const kemKey = noble.mlKem768.keygen();
const kemCt = noble.mlKem768.encapsulate(kemKey.publicKey).cipherText;

/** A copy of `bytes` with some bytes overwritten, some cut off the end or some appended. */
const mutated = (bytes: Uint8Array) =>
  fc.oneof(
    fc.array(fc.tuple(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }).map((edits) => {
      const copy = Uint8Array.from(bytes);
      for (const [at, value] of edits) copy[at] = value;
      return copy;
    }),
    fc.integer({ min: 1, max: 64 }).map((n) => bytes.slice(0, bytes.length - n)),
    fc.uint8Array({ minLength: 1, maxLength: 64 }).map((tail) => Uint8Array.from([...bytes, ...tail])),
  );

test('a malformed or altered ML-DSA-65 signature gets the same verdict from both backends and from noble itself', () => {
  fc.assert(
    fc.property(mutated(dsaSig), (sig) => {
      const expected = verdict(() => ml_dsa65.verify(sig, message, dsaKey.publicKey));
      assert.equal(verdict(() => pqclean.mlDsa65.verify(sig, message, dsaKey.publicKey)), expected === 'throws' ? false : expected);
      assert.equal(verdict(() => noble.mlDsa65.verify(sig, message, dsaKey.publicKey)), verdict(() => pqclean.mlDsa65.verify(sig, message, dsaKey.publicKey)));
    }),
    { numRuns: 150 },
  );
});

test('a malformed or altered ML-DSA-65 public key gets the same verdict from both backends (never a throw)', () => {
  fc.assert(
    fc.property(mutated(dsaKey.publicKey), (publicKey) => {
      const a = pqclean.mlDsa65.verify(dsaSig, message, publicKey);
      assert.equal(noble.mlDsa65.verify(dsaSig, message, publicKey), a);
      assert.equal(a, Buffer.from(publicKey).equals(Buffer.from(dsaKey.publicKey)), 'only the genuine key verifies');
    }),
    { numRuns: 100 },
  );
});

/** An encapsulation key whose coefficient `index` (0–767) is set to `value` (0–4095). */
const withCoefficient = (ek: Uint8Array, index: number, value: number) => {
  const copy = Uint8Array.from(ek);
  const at = Math.floor(index / 2) * 3;
  if (index % 2 === 0) {
    copy[at] = value & 0xff;
    copy[at + 1] = (copy[at + 1] & 0xf0) | (value >> 8);
  } else {
    copy[at + 1] = (copy[at + 1] & 0x0f) | ((value & 0x0f) << 4);
    copy[at + 2] = value >> 4;
  }
  return copy;
};

test('an ML-KEM-768 encapsulation key is refused by both backends exactly when noble refuses it (FIPS 203 modulus and length checks)', () => {
  const ek = kemKey.publicKey;
  const keys = fc.oneof(
    mutated(ek),
    fc.tuple(fc.nat({ max: 767 }), fc.integer({ min: 3300, max: 4095 })).map(([i, v]) => withCoefficient(ek, i, v)),
  );
  let refused = 0;
  fc.assert(
    fc.property(keys, (key) => {
      const expected = verdict(() => (ml_kem768.encapsulate(key), 'accepted'));
      if (expected === 'throws') refused++;
      assert.equal(verdict(() => (pqclean.mlKem768.encapsulate(key), 'accepted')), expected);
      assert.equal(verdict(() => (noble.mlKem768.encapsulate(key), 'accepted')), expected);
    }),
    { numRuns: 300 },
  );
  assert.ok(refused > 50, `only ${refused} of the keys were malformed`);
  // The edges: q - 1 is a coefficient, q is not, in either half of a 3-byte pair.
  for (const index of [0, 1, 766, 767]) {
    assert.equal(verdict(() => (pqclean.mlKem768.encapsulate(withCoefficient(ek, index, 3328)), 'accepted')), 'accepted');
    assert.throws(() => pqclean.mlKem768.encapsulate(withCoefficient(ek, index, 3329)), /FIPS 203 modulus check/);
    assert.throws(() => ml_kem768.encapsulate(withCoefficient(ek, index, 3329)), /modulus/);
  }
});

test('an ML-KEM-768 decapsulation key is refused by both backends exactly when noble refuses it (FIPS 203 hash and length checks)', () => {
  let refused = 0;
  fc.assert(
    fc.property(mutated(kemKey.secretKey), (key) => {
      const expected = verdict(() => ml_kem768.decapsulate(kemCt, key));
      if (expected === 'throws') refused++;
      assert.equal(verdict(() => pqclean.mlKem768.decapsulate(kemCt, key)), expected);
      assert.equal(verdict(() => noble.mlKem768.decapsulate(kemCt, key)), expected);
    }),
    { numRuns: 200 },
  );
  assert.ok(refused > 50, `only ${refused} of the keys were malformed`);
  assert.throws(() => pqclean.mlKem768.decapsulate(kemCt, Uint8Array.from(kemKey.secretKey, (b, i) => (i === 1200 ? b ^ 1 : b))), /FIPS 203 hash check/);
});

test('an altered ML-KEM-768 ciphertext gives both backends the same implicit-rejection secret; a wrong length is refused by both', () => {
  const genuine = Buffer.from(noble.mlKem768.decapsulate(kemCt, kemKey.secretKey)).toString('hex');
  fc.assert(
    fc.property(mutated(kemCt), (ct) => {
      const expected = verdict(() => ml_kem768.decapsulate(ct, kemKey.secretKey));
      assert.equal(verdict(() => pqclean.mlKem768.decapsulate(ct, kemKey.secretKey)), expected);
      assert.equal(verdict(() => noble.mlKem768.decapsulate(ct, kemKey.secretKey)), expected);
      if (ct.length === MLKEM768.cipherText && !Buffer.from(ct).equals(Buffer.from(kemCt))) assert.notEqual(expected, genuine);
    }),
    { numRuns: 150 },
  );
});
