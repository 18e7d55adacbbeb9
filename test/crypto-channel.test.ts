// Secure channels: hybrid X25519 + ML-KEM-768 handshake signed by the kernel, sealed
// records with sequence numbers, key updates, expiry, and sealed calls over the Session door.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Doors, Kernel } from '../host/index.ts';
import { startKernel, type RunningKernel } from './helpers/kernel.ts';
import { ChannelEnd, ChannelHandshake, ChannelTable, KeyStore, type SealedCall } from '../host/crypto/index.ts';
import { CamosClient } from '../sdk/client/index.ts';
import { SecureChannel } from '../sdk/client/channel.ts';
import { Code, SyscallError } from '../host/base/errors.ts';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'camos-chan-'));
  dirs.push(d);
  return d;
};
const openKeys = () => KeyStore.open({ dataDir: tempDir(), backend: 'software', tpmTcti: '', passphraseEnv: '' });
let keys: KeyStore;
before(async () => {
  keys = await openKeys();
});
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A kernel-side table with a clock the test moves. */
function table(opts: { ttlMs?: number; rekeyAfter?: number } = {}) {
  const clock = { now: 1_700_000_000_000 };
  const t = new ChannelTable(keys, { ttlMs: opts.ttlMs ?? 60_000, rekeyAfter: opts.rekeyAfter ?? 100, maxChannels: 100, maxChannelsPerPrincipal: 100, now: () => clock.now });
  return { table: t, clock };
}

async function establish(t: ChannelTable, clock = { now: Date.now() }): Promise<{ client: ChannelEnd; id: string }> {
  const hs = new ChannelHandshake('agent-a');
  const answer = await t.establish('agent-a', hs.share, 'admin');
  return { client: hs.finish(answer, [keys.identity()], () => clock.now), id: answer.channelId };
}

const text = (u: Uint8Array) => Buffer.from(u).toString();
const refusedWith = (code: Code, re: RegExp) => (e: SyscallError) => e.code === code && re.test(e.message);

test('both ends derive the same keys: records travel sealed in each direction', async () => {
  const { table: t, clock } = table();
  const { client, id } = await establish(t, clock);
  for (let i = 0; i < 3; i++) {
    const sealed = client.seal(Buffer.from(`ping ${i}`));
    assert.notEqual(text(sealed.ciphertext), `ping ${i}`);
    assert.equal(text(t.openSealed(id, sealed)), `ping ${i}`);
    assert.equal(text(client.open(t.seal(id, Buffer.from(`pong ${i}`)))), `pong ${i}`);
  }
});

test('a man in the middle who swaps the client key share is detected by the client', async () => {
  const { table: t } = table();
  const victim = new ChannelHandshake('agent-a');
  const mallory = new ChannelHandshake('agent-a');
  // Mallory forwards her own share instead of the victim's, hoping to read the channel.
  const answer = await t.establish('agent-a', mallory.share, 'admin');
  assert.throws(() => victim.finish(answer, [keys.identity()]), /man in the middle/);
});

test('a man in the middle who swaps the kernel share is detected by the client', async () => {
  const { table: t } = table();
  const hs = new ChannelHandshake('agent-a');
  const answer = await t.establish('agent-a', hs.share, 'admin');
  const forged = Buffer.from(answer.ephemeralPublicKey);
  forged[forged.length - 1] ^= 1;
  assert.throws(() => hs.finish({ ...answer, ephemeralPublicKey: forged }, [keys.identity()]), /man in the middle/);
  assert.throws(() => hs.finish({ ...answer, expiresAt: answer.expiresAt + 86_400_000 }, [keys.identity()]), /man in the middle/);
});

test('a kernel signing with a key the client does not trust is refused', async () => {
  const { table: t } = table();
  const hs = new ChannelHandshake('agent-a');
  const answer = await t.establish('agent-a', hs.share, 'admin');
  const other = await openKeys();
  assert.throws(() => hs.finish(answer, [other.identity()]), /not among the trusted kernel keys/);
});

test('a replayed record is refused and the channel keeps working', async () => {
  const { table: t, clock } = table();
  const { client, id } = await establish(t, clock);
  const first = client.seal(Buffer.from('transfer 10'));
  t.openSealed(id, first);
  assert.throws(() => t.openSealed(id, first), refusedWith(Code.FAILED_PRECONDITION, /already received \(replay\)/));
  assert.equal(text(t.openSealed(id, client.seal(Buffer.from('next')))), 'next');
});

test('an altered record is refused, and so is one whose sequence number was rewritten', async () => {
  const { table: t, clock } = table();
  const { client, id } = await establish(t, clock);
  const sealed = client.seal(Buffer.from('transfer 10'));
  const altered: SealedCall = { ...sealed, ciphertext: Buffer.from(sealed.ciphertext) };
  altered.ciphertext[0] ^= 0x01;
  assert.throws(() => t.openSealed(id, altered), refusedWith(Code.UNAUTHENTICATED, /failed authentication/));
  assert.equal(text(t.openSealed(id, sealed)), 'transfer 10');
  const second = client.seal(Buffer.from('b'));
  const third = client.seal(Buffer.from('c'));
  assert.throws(() => t.openSealed(id, { ...third, sequence: second.sequence, nonce: second.nonce }), refusedWith(Code.UNAUTHENTICATED, /failed authentication/));
});

test('a reordered record is refused', async () => {
  const { table: t, clock } = table();
  const { client, id } = await establish(t, clock);
  const a = client.seal(Buffer.from('a'));
  const b = client.seal(Buffer.from('b'));
  assert.throws(() => t.openSealed(id, b), refusedWith(Code.FAILED_PRECONDITION, /expected sequence 0, got 1/));
  assert.equal(text(t.openSealed(id, a)), 'a');
  assert.equal(text(t.openSealed(id, b)), 'b');
});

test('keys are updated every rekeyAfter records, and both ends follow', async () => {
  const { table: t, clock } = table({ rekeyAfter: 2 });
  const { client, id } = await establish(t, clock);
  for (let i = 0; i < 5; i++) assert.equal(text(t.openSealed(id, client.seal(Buffer.from(`m${i}`)))), `m${i}`);
  assert.deepEqual(client.epochs, { sent: 2, received: 0 });
  // The same record stream without key updates encrypts record 2 differently: the key changed.
  const secret = Buffer.alloc(64, 9);
  const t0 = new Uint8Array([1, 2, 3]);
  const rekeyed = new ChannelEnd('c', 'client', Buffer.from(secret), t0, Date.now() + 60_000, 2, 'p');
  const steady = new ChannelEnd('c', 'client', Buffer.from(secret), t0, Date.now() + 60_000, 1000, 'p');
  const r = [0, 1, 2].map(() => rekeyed.seal(Buffer.from('same')).ciphertext.toString('hex'));
  const s = [0, 1, 2].map(() => steady.seal(Buffer.from('same')).ciphertext.toString('hex'));
  assert.deepEqual(r.slice(0, 2), s.slice(0, 2));
  assert.notEqual(r[2], s[2]);
});

test('an expired channel refuses records on both ends and is dropped by the kernel', async () => {
  const { table: t, clock } = table({ ttlMs: 5_000 });
  const { client, id } = await establish(t, clock);
  t.openSealed(id, client.seal(Buffer.from('in time')));
  clock.now += 5_000;
  assert.throws(() => client.seal(Buffer.from('late')), /expired/);
  const late = new ChannelEnd(id, 'client', Buffer.alloc(64), new Uint8Array(0), Number.MAX_SAFE_INTEGER, 100, 'p').seal(Buffer.from('late'));
  assert.throws(() => t.openSealed(id, late), refusedWith(Code.FAILED_PRECONDITION, /expired/));
  assert.throws(() => t.openSealed(id, late), refusedWith(Code.NOT_FOUND, /no secure channel/));
  assert.equal(t.size, 0);
});

describe('through the kernel', () => {
  let k: RunningKernel;
  let kernel: Kernel;
  let doors: Doors;
  before(async () => {
    k = await startKernel();
    ({ kernel, doors } = k);
  });
  after(() => k.stop(0));

  test('sys_establish_secure_channel refuses a key share of the wrong size with INVALID_ARGUMENT', async () => {
    await assert.rejects(kernel.call('sys_establish_secure_channel', { peerId: 'agent-a', ephemeralPublicKey: Buffer.alloc(32) }), refusedWith(Code.INVALID_ARGUMENT, /1216 bytes/));
    await assert.rejects(kernel.call('sys_establish_secure_channel', { peerId: '', ephemeralPublicKey: Buffer.from(new ChannelHandshake('x').share) }), refusedWith(Code.INVALID_ARGUMENT, /peer_id/));
  });

  test('a sealed health check over the Session stream answers inside the channel', async () => {
    const client = new CamosClient({ address: `127.0.0.1:${doors.port}`, token: kernel.identity.adminToken() });
    try {
      const channel = await SecureChannel.establish(client, { peerId: 'agent-a', trusted: [kernel.keys!.identity()] });
      assert.equal(channel.kernelKeyId, kernel.keys!.identity().keyId);
      const health = await channel.call<{ status: string; version: string }>('healthCheck', {});
      assert.notEqual(health.status, '');
      assert.equal(health.version, kernel.version);
      const again = await channel.call<{ status: string }>('healthCheck', {});
      assert.equal(again.status, health.status);
      assert.deepEqual(channel.end.counts, { sent: 2, received: 2 });
    } finally {
      client.close();
    }
  });
});

test('handshakes in flight count against the per-principal limit: a burst gets no more than its share', async () => {
  const t = new ChannelTable(keys, { ttlMs: 60_000, rekeyAfter: 100, maxChannels: 100, maxChannelsPerPrincipal: 3 });
  const burst = await Promise.allSettled(Array.from({ length: 8 }, () => t.establish('p', new ChannelHandshake('p').share, 'mallory')));
  assert.equal(burst.filter((r) => r.status === 'fulfilled').length, 3);
  for (const r of burst) if (r.status === 'rejected') assert.ok(refusedWith(Code.RESOURCE_EXHAUSTED, /keys\.maxChannelsPerPrincipal/)(r.reason));
  assert.equal(t.size, 3);
  await t.establish('p', new ChannelHandshake('p').share, 'alice');
});

test('an expired channel frees its place and its key share', async () => {
  const { table: t, clock } = table({ ttlMs: 1000 });
  const hs = new ChannelHandshake('agent-a');
  await t.establish('agent-a', hs.share, 'admin');
  await assert.rejects(t.establish('agent-a', hs.share, 'admin'), refusedWith(Code.ALREADY_EXISTS, /already in use/));
  clock.now += 1001;
  await t.establish('agent-a', hs.share, 'admin');
  assert.equal(t.size, 1);
});
