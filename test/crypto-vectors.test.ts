// NIST ACVP known-answer tests for the post-quantum primitives the kernel relies on (a few
// cases each; test/vectors/README.md says exactly where they come from), against both
// backends of host/crypto/pq.ts. A case whose inputs a backend's interface cannot take (a
// key generation seed, encapsulation randomness, a FIPS 204 context: the kernel draws the
// first two at random and signs with the empty context) runs on @noble/post-quantum's own
// functions, the library the noble backend wraps; each backend then uses the keys it checks.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { loadPqclean, noble } from '../host/crypto/pq.ts';

const load = (name: string) => JSON.parse(readFileSync(new URL(`./vectors/${name}`, import.meta.url), 'utf8'));
const hex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
const toHex = (u: Uint8Array) => Buffer.from(u).toString('hex').toUpperCase();
const kem = load('ml-kem-768.acvp.json');
const dsa = load('ml-dsa-65.acvp.json');
const backends = [loadPqclean(), noble];

for (const backend of backends) {
  test(`ML-KEM-768 decapsulation (${backend.name}) gives the ACVP key, including implicit rejection of a modified ciphertext`, () => {
    assert.ok(kem.decapsulation.tests.some((t: { reason: string }) => t.reason === 'modified ciphertext'));
    for (const t of kem.decapsulation.tests) assert.equal(toHex(backend.mlKem768.decapsulate(hex(t.c), hex(t.dk))), t.k, `tcId ${t.tcId} (${t.reason})`);
  });

  test(`ML-KEM-768 (${backend.name}) encapsulates to an ACVP encapsulation key, and the ACVP decapsulation key of the pair opens it`, () => {
    for (const t of kem.keyGen.tests) {
      const { cipherText, sharedSecret } = backend.mlKem768.encapsulate(hex(t.ek));
      for (const other of backends) assert.equal(toHex(other.mlKem768.decapsulate(cipherText, hex(t.dk))), toHex(sharedSecret), `tcId ${t.tcId}, opened by ${other.name}`);
    }
  });

  test(`ML-DSA-65 (${backend.name}) signs with an ACVP secret key; both backends verify with its ACVP public key`, () => {
    for (const t of dsa.keyGen.tests) {
      const message = hex(t.seed);
      const signature = backend.mlDsa65.sign(message, hex(t.sk));
      for (const other of backends) assert.equal(other.mlDsa65.verify(signature, message, hex(t.pk)), true, `tcId ${t.tcId}, verified by ${other.name}`);
    }
  });
}

test('ML-KEM-768 key generation from (d, z) matches the ACVP encapsulation and decapsulation keys (noble)', () => {
  assert.ok(kem.keyGen.tests.length >= 2);
  for (const t of kem.keyGen.tests) {
    const { publicKey, secretKey } = ml_kem768.keygen(hex(t.d + t.z));
    assert.equal(toHex(publicKey), t.ek, `tcId ${t.tcId} ek`);
    assert.equal(toHex(secretKey), t.dk, `tcId ${t.tcId} dk`);
  }
});

test('ML-KEM-768 encapsulation with the ACVP randomness m gives the expected ciphertext and shared key (noble)', () => {
  for (const t of kem.encapsulation.tests) {
    const { cipherText, sharedSecret } = ml_kem768.encapsulate(hex(t.ek), hex(t.m));
    assert.equal(toHex(cipherText), t.c, `tcId ${t.tcId} c`);
    assert.equal(toHex(sharedSecret), t.k, `tcId ${t.tcId} k`);
  }
});

test('ML-DSA-65 key generation from a seed matches the ACVP public and secret keys (noble)', () => {
  for (const t of dsa.keyGen.tests) {
    const { publicKey, secretKey } = ml_dsa65.keygen(hex(t.seed));
    assert.equal(toHex(publicKey), t.pk, `tcId ${t.tcId} pk`);
    assert.equal(toHex(secretKey), t.sk, `tcId ${t.tcId} sk`);
  }
});

test('ML-DSA-65 verification with a context accepts the valid ACVP signature and refuses the modified ones (noble)', () => {
  const verdicts = dsa.sigVer.tests.map((t: { testPassed: boolean }) => t.testPassed);
  assert.ok(verdicts.includes(true) && verdicts.includes(false));
  for (const t of dsa.sigVer.tests) {
    const ok = ml_dsa65.verify(hex(t.signature), hex(t.message), hex(t.pk), { context: hex(t.context) });
    assert.equal(ok, t.testPassed, `tcId ${t.tcId} (${t.reason})`);
  }
});

test('ML-DSA-65 with the empty context, as both backends verify, refuses the ACVP signatures made with a context', () => {
  for (const backend of backends) {
    for (const t of dsa.sigVer.tests) assert.equal(backend.mlDsa65.verify(hex(t.signature), hex(t.message), hex(t.pk)), false, `${backend.name}, tcId ${t.tcId}`);
  }
});
