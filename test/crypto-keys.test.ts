// The kernel key store: identity on first start, encryption at rest, the signing
// construction, rotation and revocation.
import assert from 'node:assert/strict';
import { createHash, verify as nodeVerify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { KeyStore, SIGNING_PURPOSE, choosePqBackend, type KeyStoreOptions } from '../host/crypto/index.ts';
import { PQ_BACKENDS } from '../host/crypto/config.ts';
import { edPublicKeyObject } from '../host/crypto/hybrid.ts';
import { Code, SyscallError } from '../host/base/errors.ts';
import { openKernel } from './helpers/kernel.ts';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'camos-keys-'));
  dirs.push(d);
  return d;
};
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const opts = (dataDir: string, extra: Partial<KeyStoreOptions> = {}): KeyStoreOptions => ({ dataDir, backend: 'software', tpmTcti: '', passphraseEnv: '', ...extra });
const data = Buffer.from('the kernel signs this');
const P = SIGNING_PURPOSE.tpmSign;

test('the kernel creates its identity key on first start and keeps it across restarts', async () => {
  const first = await openKernel();
  const id = first.kernel.keys!.identity().keyId;
  const second = await first.reopen();
  try {
    assert.match(id, /^[0-9a-f]{16}$/);
    assert.equal(second.kernel.keys!.identity().keyId, id);
    const signed = await second.kernel.keys!.sign(P, data);
    assert.equal(signed.keyId, id);
    assert.equal(await second.kernel.keys!.verify(P, data, signed.signature), true);
  } finally {
    await second.close();
  }
});

test('secret keys are encrypted at rest under a 0600 master key file', async () => {
  const dir = tempDir();
  await KeyStore.open(opts(dir));
  const file = readFileSync(join(dir, 'keys.json'), 'utf8');
  const rec = JSON.parse(file).keys[0];
  assert.equal(statSync(join(dir, 'master.key')).mode & 0o777, 0o600);
  assert.equal(statSync(join(dir, 'keys.json')).mode & 0o777, 0o600);
  assert.deepEqual(Object.keys(rec.secret).sort(), ['ciphertext', 'iv', 'tag']);
  assert.doesNotMatch(file, /mldsaSecret|ed25519Secret|PRIVATE/);
});

test('a store whose master key was replaced refuses to open, naming the file', async () => {
  const dir = tempDir();
  await KeyStore.open(opts(dir));
  writeFileSync(join(dir, 'master.key'), Buffer.alloc(32, 7).toString('base64'));
  await assert.rejects(KeyStore.open(opts(dir)), /cannot decrypt key [0-9a-f]{16} .*master\.key/);
});

test('a passphrase from the environment (scrypt) replaces the master key file and is required to open', async () => {
  const dir = tempDir();
  const env = { CAMOS_TEST_PASSPHRASE: 'correct horse battery staple' };
  const ks = await KeyStore.open(opts(dir, { passphraseEnv: 'CAMOS_TEST_PASSPHRASE', env }));
  const signed = await ks.sign(P, data);
  assert.equal(existsSync(join(dir, 'master.key')), false);
  assert.equal(JSON.parse(readFileSync(join(dir, 'keys.json'), 'utf8')).kdf.name, 'scrypt');
  await assert.rejects(KeyStore.open(opts(dir, { passphraseEnv: 'CAMOS_TEST_PASSPHRASE', env: {} })), /CAMOS_TEST_PASSPHRASE, which is not set/);
  await assert.rejects(KeyStore.open(opts(dir, { passphraseEnv: 'CAMOS_TEST_PASSPHRASE', env: { CAMOS_TEST_PASSPHRASE: 'wrong' } })), /wrong passphrase/);
  const again = await KeyStore.open(opts(dir, { passphraseEnv: 'CAMOS_TEST_PASSPHRASE', env }));
  assert.equal(await again.verify(P, data, signed.signature), true);
});

for (const backend of PQ_BACKENDS) {
  test(`signatures follow camos-sign-v3 (backend ${backend}): both halves over "camos-sign-v3\\0" || purpose || "\\0" || SHA-512(data), ML-DSA with the empty context, checkable without camos`, async () => {
    choosePqBackend(backend);
    const ks = await KeyStore.open(opts(tempDir()));
    const big = Buffer.alloc(1 << 20, 0xab);
    const { signature, keyId } = await ks.sign(P, big);
    const pub = ks.publicKey(keyId)!;
    const m = Buffer.concat([Buffer.from('camos-sign-v3\0camos-tpm-sign\0'), createHash('sha512').update(big).digest()]);
    assert.equal(m.length, 93);
    assert.equal(ml_dsa65.verify(signature.mldsa, m, pub.mldsa), true);
    assert.equal(ml_dsa65.verify(signature.mldsa, m, pub.mldsa, { context: Buffer.from('camos-tpm-sign') }), false, 'the purpose is in M, not in the FIPS 204 context');
    assert.equal(nodeVerify(null, m, edPublicKeyObject(pub.ed25519), signature.ed25519), true);
    assert.equal(ks.health().details['crypto.backend'], backend);
  });
}
after(() => choosePqBackend(undefined));

test('a signature made for one purpose verifies for no other', async () => {
  const ks = await KeyStore.open(opts(tempDir()));
  const signed = await ks.sign(SIGNING_PURPOSE.tpmSign, data);
  assert.equal(await ks.verify(SIGNING_PURPOSE.tpmSign, data, signed.signature), true);
  assert.equal(await ks.verify(SIGNING_PURPOSE.channelHandshake, data, signed.signature), false);
  assert.equal(await ks.verify(SIGNING_PURPOSE.auditCheckpoint, data, signed.signature), false);
});

test('a signature does not verify for other data, or with one half swapped', async () => {
  const ks = await KeyStore.open(opts(tempDir()));
  const a = await ks.sign(P, data);
  const b = await ks.sign(P, Buffer.from('other'));
  assert.equal(await ks.verify(P, Buffer.from('the kernel signs thiS'), a.signature), false);
  assert.equal(await ks.verify(P, data, { ...a.signature, ed25519: b.signature.ed25519 }), false);
  assert.equal(await ks.verify(P, data, { ...a.signature, mldsa: b.signature.mldsa }), false);
});

test('rotation makes a new active key; the old one verifies but no longer signs', async () => {
  const ks = await KeyStore.open(opts(tempDir()));
  const old = ks.identity().keyId;
  const before = await ks.sign(P, data);
  const fresh = await ks.rotate();
  assert.notEqual(fresh.keyId, old);
  assert.equal(ks.identity().keyId, fresh.keyId);
  assert.equal(await ks.verify(P, data, before.signature), true);
  assert.deepEqual(ks.list().map((k) => [k.keyId, k.status]), [[old, 'retired'], [fresh.keyId, 'active']]);
  await assert.rejects(ks.sign(P, data, old), (e: SyscallError) => e.code === Code.FAILED_PRECONDITION && /retired/.test(e.message));
  assert.equal((await ks.sign(P, data)).keyId, fresh.keyId);
});

test('a revoked key no longer verifies; revoking the active key rotates to a new one', async () => {
  const ks = await KeyStore.open(opts(tempDir()));
  const old = ks.identity().keyId;
  const before = await ks.sign(P, data);
  const info = await ks.revoke(old, 'compromised');
  assert.equal(info.status, 'revoked');
  assert.equal(info.reason, 'compromised');
  assert.notEqual(ks.identity().keyId, old);
  assert.equal(await ks.verify(P, data, before.signature), false);
});

test('signing with an unknown key id answers NOT_FOUND', async () => {
  const ks = await KeyStore.open(opts(tempDir()));
  await assert.rejects(ks.sign(P, data, '0123456789abcdef'), (e: SyscallError) => e.code === Code.NOT_FOUND);
});

test('a rotation made by another process (the CLI) is seen by an open store', async () => {
  const dir = tempDir();
  const kernelSide = await KeyStore.open(opts(dir));
  const cliSide = await KeyStore.open(opts(dir));
  const fresh = await cliSide.rotate();
  assert.equal(kernelSide.identity().keyId, fresh.keyId);
  assert.equal((await kernelSide.sign(P, data)).keyId, fresh.keyId);
});
