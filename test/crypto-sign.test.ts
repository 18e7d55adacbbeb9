// sys_tpm_sign (and the seed's sys_tmp_sign) through the kernel's pipeline.
import assert from 'node:assert/strict';
import { createHash, verify as nodeVerify } from 'node:crypto';
import { after, before, test } from 'node:test';
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import type { Kernel } from '../host/index.ts';
import { SIGNING_PURPOSE, decodeSignature } from '../host/crypto/index.ts';
import { edPublicKeyObject } from '../host/crypto/hybrid.ts';
import { Code, SyscallError } from '../host/base/errors.ts';
import { openKernel, type OpenKernel } from './helpers/kernel.ts';

let kernel: Kernel;
let fixture: OpenKernel;
before(async () => {
  fixture = await openKernel();
  kernel = fixture.kernel;
});
after(async () => {
  await fixture.close();
});

// camos-sign-v3 for sys_tpm_sign's purpose, rebuilt here from docs/crypto.md.
const message = (data: Buffer) => Buffer.concat([Buffer.from('camos-sign-v3\0camos-tpm-sign\0'), createHash('sha512').update(data).digest()]);
const P = SIGNING_PURPOSE.tpmSign;
const code = (c: Code) => (e: SyscallError) => e.code === c;

test('sys_tpm_sign signs with the active key and names the key, the algorithms and the backend', async () => {
  const data = Buffer.from('hello camos');
  const r = await kernel.call('sys_tpm_sign', { data });
  const pub = kernel.keys!.identity();
  assert.equal(r.keyId, pub.keyId);
  assert.equal(r.algorithm, 'ML-DSA-65+Ed25519');
  assert.equal(r.backend, 'software');
  assert.equal(r.pqSignature.length, 3309);
  assert.equal(r.classicalSignature.length, 64);
  assert.equal(ml_dsa65.verify(r.pqSignature, message(data), pub.mldsa), true);
  assert.equal(nodeVerify(null, message(data), edPublicKeyObject(pub.ed25519), r.classicalSignature), true);
});

test('the combined signature bytes decode to the two halves and verify with the key store', async () => {
  const data = Buffer.from('combined');
  const r = await kernel.call('sys_tpm_sign', { data });
  const sig = decodeSignature(r.signature, r.keyId);
  assert.deepEqual(Buffer.from(sig.ed25519), r.classicalSignature);
  assert.deepEqual(Buffer.from(sig.mldsa), r.pqSignature);
  assert.equal(await kernel.keys!.verify(P, data, sig), true);
  assert.equal(await kernel.keys!.verify(P, Buffer.from('combineD'), sig), false);
});

test('the seed spelling sys_tmp_sign reaches the same syscall', async () => {
  const r = await kernel.call('sys_tmp_sign', { data: Buffer.from('seed'), algorithm: 'ML-DSA-65+Ed25519' });
  assert.equal(r.keyId, kernel.keys!.identity().keyId);
});

test('empty data is refused with INVALID_ARGUMENT naming the field', async () => {
  await assert.rejects(kernel.call('sys_tpm_sign', { data: Buffer.alloc(0) }), (e: SyscallError) => e.code === Code.INVALID_ARGUMENT && /'data'/.test(e.message));
});

test('an algorithm the key does not sign with is refused with INVALID_ARGUMENT', async () => {
  await assert.rejects(kernel.call('sys_tpm_sign', { data: Buffer.from('x'), algorithm: 'ML-DSA-65+ECDSA-P256' }), code(Code.INVALID_ARGUMENT));
  await assert.rejects(kernel.call('sys_tpm_sign', { data: Buffer.from('x'), algorithm: 'RSA' }), code(Code.INVALID_ARGUMENT));
});

test('an unknown key id answers NOT_FOUND and a retired one FAILED_PRECONDITION', async () => {
  await assert.rejects(kernel.call('sys_tpm_sign', { data: Buffer.from('x'), keyId: '0123456789abcdef' }), code(Code.NOT_FOUND));
  const old = kernel.keys!.identity().keyId;
  await kernel.keys!.rotate();
  await assert.rejects(kernel.call('sys_tpm_sign', { data: Buffer.from('x'), keyId: old }), code(Code.FAILED_PRECONDITION));
  assert.notEqual((await kernel.call('sys_tpm_sign', { data: Buffer.from('x') })).keyId, old);
});
