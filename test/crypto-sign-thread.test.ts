// ML-DSA-65 signing on its own thread (host/crypto/sign-thread.ts): what the key store's
// signatures (sys_tpm_sign, audit checkpoints) are made with, off the main thread, on the
// noble backend; on pqclean they are made on the main thread, with no thread at all.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { SIGNING_PURPOSE, decodeSignature } from '../host/crypto/index.ts';
import { SignThread, signThread } from '../host/crypto/sign-thread.ts';
import { openKernel } from './helpers/kernel.ts';

const until = async (cond: () => boolean, what: string) => {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond(), what);
};

test('signatures made on the thread verify, several at once on one thread', async () => {
  const t = new SignThread();
  const keys = ml_dsa65.keygen(randomBytes(32));
  const messages = [0, 1, 2, 3].map(() => new Uint8Array(randomBytes(64)));
  const sigs = await Promise.all(messages.map((m) => t.sign(m, keys.secretKey)));
  sigs.forEach((sig, i) => {
    assert.equal(sig.length, 3309);
    assert.equal(ml_dsa65.verify(sig, messages[i], keys.publicKey), true);
    assert.equal(ml_dsa65.verify(sig, messages[(i + 1) % 4], keys.publicKey), false);
  });
  assert.deepEqual(t.stats, { signed: 4, started: 1 });
  await t.close();
  assert.equal(t.running, false);
});

test('the thread stops when idle and starts again for the next signature', async () => {
  const t = new SignThread(20);
  const keys = ml_dsa65.keygen(randomBytes(32));
  await t.sign(new Uint8Array([1]), keys.secretKey);
  await until(() => !t.running, 'the idle thread stopped');
  const sig = await t.sign(new Uint8Array([2]), keys.secretKey);
  assert.equal(ml_dsa65.verify(sig, new Uint8Array([2]), keys.publicKey), true);
  assert.deepEqual(t.stats, { signed: 2, started: 2 });
  await t.close();
});

test('a bad secret key is a clear error, and the thread goes on signing', async () => {
  const t = new SignThread();
  await assert.rejects(t.sign(new Uint8Array([1]), new Uint8Array(10)), /ML-DSA-65 signing failed: .*4032/);
  const keys = ml_dsa65.keygen(randomBytes(32));
  const sig = await t.sign(new Uint8Array([1]), keys.secretKey);
  assert.equal(ml_dsa65.verify(sig, new Uint8Array([1]), keys.publicKey), true);
  assert.equal(t.stats.started, 1);
  await t.close();
  await assert.rejects(t.close().then(() => t.sign(new Uint8Array([1]), new Uint8Array(10))), /signing failed/);
  await t.close();
});

for (const backend of ['noble', 'pqclean'] as const) {
  const onThread = backend === 'noble';
  test(`with crypto.backend ${backend}, the kernel signs ${onThread ? 'on the thread' : 'without it'}: sys_tpm_sign and the audit checkpoint at shutdown`, async () => {
    const k = await openKernel({ crypto: { backend } });
    const kernel = k.kernel;
    try {
      const before = { ...signThread.stats };
      const data = Buffer.from('off the main thread');
      const r = await kernel.call('sys_tpm_sign', { data });
      assert.equal(signThread.stats.signed, before.signed + (onThread ? 1 : 0));
      assert.equal(await kernel.keys!.verify(SIGNING_PURPOSE.tpmSign, data, decodeSignature(r.signature, r.keyId)), true);
      await kernel.close(); // signs the final audit checkpoint
      assert.equal(signThread.stats.signed, before.signed + (onThread ? 2 : 0), 'the final checkpoint');
      if (!onThread) assert.equal(signThread.stats.started, before.started, 'no signing thread started');
    } finally {
      await k.close(); // the kernel's close is idempotent; this removes its data directory
    }
  });
}
