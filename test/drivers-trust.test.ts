// Publisher keys and the trust store: key files, trust/revoke/remove persisted in
// <data-dir>/trust.json and seen by every reader, the kernel's local publisher, and the CLI.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { generateHybridKeyPair, hybridSign, hybridVerify } from '../host/crypto/hybrid.ts';
import { ensureLocalPublisher, localPublisherPath, readKeyPair, readPublicKey, writeKeyPair } from '../host/toolchain/keys.ts';
import { TrustStore, TrustStoreError } from '../host/drivers/trust.ts';

const run = promisify(execFile);
const CLI = new URL('../bin/camos.mjs', import.meta.url).pathname;
let dir: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'camos-drivers-trust-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('a key file is private, and its public file verifies what the key signs', () => {
  const key = generateHybridKeyPair();
  const pubPath = writeKeyPair(join(dir, 'alice.json'), key);
  assert.equal(pubPath, join(dir, 'alice.pub.json'));
  assert.equal(statSync(join(dir, 'alice.json')).mode & 0o777, 0o600);
  const message = new TextEncoder().encode('manifest bytes');
  const signature = hybridSign(readKeyPair(join(dir, 'alice.json')), message);
  assert.equal(hybridVerify(readPublicKey(pubPath), message, signature).valid, true);
  assert.equal(readPublicKey(join(dir, 'alice.json')).keyId, key.publicKey.keyId, 'a key pair file also yields its public key');
});

test('the trust store persists keys, revocations and removals for every reader', () => {
  const data = join(dir, 'store');
  const a = new TrustStore(data);
  const b = new TrustStore(data);
  const key = generateHybridKeyPair().publicKey;
  const before = b.generation;
  a.add(key, 'publisher one');
  assert.equal(b.get(key.keyId)?.name, 'publisher one');
  assert.ok(b.generation > before);
  a.revoke(key.keyId);
  assert.equal(b.get(key.keyId)?.revoked, true);
  assert.throws(() => b.add(key), TrustStoreError, 'a revoked key cannot be re-added until removed');
  assert.equal(b.remove(key.keyId), true);
  assert.equal(a.get(key.keyId), undefined);
  assert.equal(statSync(join(data, 'trust.json')).mode & 0o777, 0o600);
});

test('the local publisher key is made once and trusted', () => {
  const data = join(dir, 'kernel');
  const first = ensureLocalPublisher(data);
  const second = ensureLocalPublisher(data);
  assert.equal(first.publicKey.keyId, second.publicKey.keyId);
  assert.ok(existsSync(localPublisherPath(data)));
  assert.equal(new TrustStore(data).get(first.publicKey.keyId)?.name, 'local publisher');
});

test('camos keygen, trust add and trust list work on the data dir', async () => {
  const data = join(dir, 'cli');
  const keygen = JSON.parse((await run(process.execPath, [CLI, 'keygen', '--out', join(dir, 'cli-key.json')])).stdout);
  assert.equal(statSync(keygen.keyFile).mode & 0o777, 0o600);
  assert.equal(JSON.parse(readFileSync(keygen.publicKeyFile, 'utf8')).keyId, keygen.keyId);
  await run(process.execPath, [CLI, 'trust', 'add', keygen.publicKeyFile, '--name', 'ci', '--data-dir', data]);
  const listed = JSON.parse((await run(process.execPath, [CLI, 'trust', 'list', '--data-dir', data])).stdout);
  assert.deepEqual(listed.map((k: any) => [k.keyId, k.name, k.revoked]), [[keygen.keyId, 'ci', false]]);
});
