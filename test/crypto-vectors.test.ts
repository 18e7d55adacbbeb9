// NIST ACVP known-answer tests for the post-quantum primitives the kernel relies on
// (a few cases each; test/vectors/README.md says exactly where they come from).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';

const load = (name: string) => JSON.parse(readFileSync(new URL(`./vectors/${name}`, import.meta.url), 'utf8'));
const hex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
const toHex = (u: Uint8Array) => Buffer.from(u).toString('hex').toUpperCase();
const kem = load('ml-kem-768.acvp.json');
const dsa = load('ml-dsa-65.acvp.json');

test('ML-KEM-768 key generation from (d, z) matches the ACVP encapsulation and decapsulation keys', () => {
  assert.ok(kem.keyGen.tests.length >= 2);
  for (const t of kem.keyGen.tests) {
    const { publicKey, secretKey } = ml_kem768.keygen(hex(t.d + t.z));
    assert.equal(toHex(publicKey), t.ek, `tcId ${t.tcId} ek`);
    assert.equal(toHex(secretKey), t.dk, `tcId ${t.tcId} dk`);
  }
});

test('ML-KEM-768 encapsulation with the ACVP randomness m gives the expected ciphertext and shared key', () => {
  for (const t of kem.encapsulation.tests) {
    const { cipherText, sharedSecret } = ml_kem768.encapsulate(hex(t.ek), hex(t.m));
    assert.equal(toHex(cipherText), t.c, `tcId ${t.tcId} c`);
    assert.equal(toHex(sharedSecret), t.k, `tcId ${t.tcId} k`);
  }
});

test('ML-KEM-768 decapsulation gives the expected key, including implicit rejection of a modified ciphertext', () => {
  assert.ok(kem.decapsulation.tests.some((t: { reason: string }) => t.reason === 'modified ciphertext'));
  for (const t of kem.decapsulation.tests) assert.equal(toHex(ml_kem768.decapsulate(hex(t.c), hex(t.dk))), t.k, `tcId ${t.tcId} (${t.reason})`);
});

test('ML-DSA-65 key generation from a seed matches the ACVP public and secret keys', () => {
  for (const t of dsa.keyGen.tests) {
    const { publicKey, secretKey } = ml_dsa65.keygen(hex(t.seed));
    assert.equal(toHex(publicKey), t.pk, `tcId ${t.tcId} pk`);
    assert.equal(toHex(secretKey), t.sk, `tcId ${t.tcId} sk`);
  }
});

test('ML-DSA-65 verification accepts the valid ACVP signature and refuses the modified ones', () => {
  const verdicts = dsa.sigVer.tests.map((t: { testPassed: boolean }) => t.testPassed);
  assert.ok(verdicts.includes(true) && verdicts.includes(false));
  for (const t of dsa.sigVer.tests) {
    const ok = ml_dsa65.verify(hex(t.signature), hex(t.message), hex(t.pk), { context: hex(t.context) });
    assert.equal(ok, t.testPassed, `tcId ${t.tcId} (${t.reason})`);
  }
});
