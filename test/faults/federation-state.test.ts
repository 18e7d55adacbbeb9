// The shared state against someone with NATS access and no kernel key: entries put straight
// into the KV bucket unsigned, tampered, signed by a node the cluster does not trust, or
// replayed over a later one, and driver objects swapped in the Object Store. Each is
// refused, logged, counted and audited on the kernel that reads it, and never applied.
import assert from 'node:assert/strict';
import { Code } from '../../host/base/errors.ts';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Kvm, type KV } from '@nats-io/kv';
import { Objm } from '@nats-io/obj';
import { generateHybridKeyPair, hybridSign } from '../../host/crypto/hybrid.ts';
import { signedForm, type KeyStore } from '../../host/crypto/index.ts';
import { driverKey, pack } from '../../host/federation/drivers.ts';
import { sealEntry } from '../../host/federation/entry.ts';
import { HybridClock } from '../../host/federation/hlc.ts';
import { driverBucket, stateBucket } from '../../host/federation/subjects.ts';
import { buildProbe, probeManifest } from '../fixtures/probe.ts';
import type { RunningKernel } from '../helpers/kernel.ts';
import { audited, until, useMesh } from '../helpers/mesh.ts';
import { natsMissing } from '../helpers/nats.ts';

const UNAUTHENTICATED = Code.UNAUTHENTICATED;
const clock = new HybridClock();

/** A key store of a key nobody trusts, as an attacker would sign with. */
function strangerKeys(): KeyStore {
  const pair = generateHybridKeyPair();
  return { identity: () => pair.publicKey, sign: async (purpose: any, data: Uint8Array) => ({ signature: hybridSign(pair, signedForm(purpose, data)) }) } as unknown as KeyStore;
}

const asAgent = (k: RunningKernel, token: string) =>
  k.kernel.call('sys_driver_list', {}, { token }).then(
    () => 'ok',
    (e: { code: Code }) => e.code,
  );

const refusals = async (k: RunningKernel, reason: string) => {
  const text = await k.kernel.metrics.registry.getSingleMetricAsString('camos_federation_refused_total');
  const m = new RegExp(`reason="${reason}"} (\\d+)`).exec(text);
  return m ? Number(m[1]) : 0;
};

/** A token record for a secret the attacker knows. */
const forgedToken = (tokenId: string) => ({
  tokenId,
  agentId: 'intruder',
  kind: 'agent',
  hash: createHash('sha256').update('A'.repeat(43)).digest('hex'),
  createdAt: Date.now(),
  revoked: false,
  description: '',
});
const forgedSecret = (tokenId: string) => `camos_${tokenId}_${'A'.repeat(43)}`;

describe('federation shared state: hostile entries', { skip: natsMissing }, () => {
  const ks = useMesh(2);
  let nc: NatsConnection;
  let kv: KV;

  before(async () => {
    nc = await connect({ servers: ks.nats!.url });
    kv = await new Kvm(nc).open(stateBucket('camos'));
  });
  after(async () => {
    await nc?.close();
  });

  /** Puts `value` under `key` and waits until k2 counts one more refusal for `reason`. */
  async function refusedOn(reason: string, key: string, value: Uint8Array): Promise<void> {
    const before = await refusals(ks[1], reason);
    await kv.put(key, value);
    await until(async () => (await refusals(ks[1], reason)) > before, `a ${reason} refusal on k2`);
  }

  test('an unsigned entry is refused and its token never works', async () => {
    const entry = JSON.stringify({ v: 1, cluster: 'camos', node: 'k1', keyId: 'x', key: 'token.unsigned0000', hlc: clock.next(), body: forgedToken('unsigned0000') });
    await refusedOn('unsigned', 'token.unsigned0000', Buffer.from(JSON.stringify({ entry })));
    assert.equal(await asAgent(ks[1], forgedSecret('unsigned0000')), UNAUTHENTICATED);
  });

  test('a signed entry with its body changed is refused (bad signature)', async () => {
    const { tokenId } = await ks[0].kernel.call('sys_token_create', { agentId: 'worker' });
    await until(() => ks[1].kernel.identity.list().some((t) => t.tokenId === tokenId));
    const real = JSON.parse(Buffer.from((await kv.get(`token.${tokenId}`))!.value).toString());
    const inner = JSON.parse(real.entry);
    inner.body = { ...inner.body, hash: forgedToken(tokenId).hash };
    await refusedOn('bad-signature', `token.${tokenId}`, Buffer.from(JSON.stringify({ entry: JSON.stringify(inner), sig: real.sig })));
    assert.equal(await asAgent(ks[1], forgedSecret(tokenId)), UNAUTHENTICATED);
  });

  test('an entry signed by a node not in the trust list, or by a key the named node does not hold, is refused', async () => {
    const stranger = strangerKeys();
    await refusedOn('unknown-node', 'token.stranger0000', await sealEntry('token.stranger0000', clock.next(), forgedToken('stranger0000'), { cluster: 'camos', nodeId: 'k9', keys: stranger }));
    await refusedOn('unknown-node', 'token.imposter0000', await sealEntry('token.imposter0000', clock.next(), forgedToken('imposter0000'), { cluster: 'camos', nodeId: 'k1', keys: stranger }));
    assert.equal(await asAgent(ks[1], forgedSecret('stranger0000')), UNAUTHENTICATED);
    assert.equal(await asAgent(ks[1], forgedSecret('imposter0000')), UNAUTHENTICATED);
  });

  test('an entry moved to another key is refused (the key is signed in)', async () => {
    const { tokenId } = await ks[0].kernel.call('sys_token_create', { agentId: 'worker' });
    await until(() => ks[1].kernel.identity.list().some((t) => t.tokenId === tokenId));
    const real = (await kv.get(`token.${tokenId}`))!.value;
    await refusedOn('wrong-subject', 'token.elsewhere000', real);
  });

  test('a token entry replayed over its revocation is refused; the token stays revoked and the bucket is healed', async () => {
    const { token, tokenId } = await ks[0].kernel.call('sys_token_create', { agentId: 'worker' });
    await until(async () => (await asAgent(ks[1], token)) === 'ok');
    const live = (await kv.get(`token.${tokenId}`))!.value;
    await ks[0].kernel.call('sys_token_revoke', { tokenId });
    await until(async () => (await asAgent(ks[1], token)) === UNAUTHENTICATED);
    await refusedOn('replay', `token.${tokenId}`, live);
    assert.equal(await asAgent(ks[1], token), UNAUTHENTICATED);
    assert.equal(await asAgent(ks[0], token), UNAUTHENTICATED);
    await until(async () => JSON.parse(JSON.parse(Buffer.from((await kv.get(`token.${tokenId}`))!.value).toString()).entry).body.revoked === true, 'the revocation published again');
  });

  test('a deleted or purged entry changes nothing', async () => {
    const { token, tokenId } = await ks[0].kernel.call('sys_token_create', { agentId: 'worker' });
    await until(async () => (await asAgent(ks[1], token)) === 'ok');
    await kv.delete(`token.${tokenId}`);
    await kv.purge(`token.${tokenId}`);
    await ks[0].kernel.call('sys_agent_register', { agentId: 'after-purge', capabilities: [] });
    await until(() => ks[1].kernel.agents.get('after-purge') !== undefined, 'a later entry on k2');
    assert.equal(await asAgent(ks[1], token), 'ok');
  });

  test('a malformed body, even signed by a trusted node, is refused (an admin token, a key of no kind)', async () => {
    const k1 = { cluster: 'camos', nodeId: 'k1', keys: ks[0].kernel.keys };
    await refusedOn('malformed', 'token.adminforge00', await sealEntry('token.adminforge00', clock.next(), { ...forgedToken('adminforge00'), kind: 'admin' }, k1));
    assert.equal(await asAgent(ks[1], forgedSecret('adminforge00')), UNAUTHENTICATED);
    await refusedOn('malformed', 'garbage', Buffer.from('not json'));
  });

  test('the refusals are in the audit log', async () => {
    for (const reason of ['unsigned', 'bad-signature', 'unknown-node', 'replay']) await audited(ks[1], 'federation.refused', reason);
  });
});

describe('federation shared state: hostile driver objects', { skip: natsMissing }, () => {
  const ks = useMesh(2);
  const publisher = generateHybridKeyPair();
  let nc: NatsConnection;
  let kv: KV;
  let core: Uint8Array;

  before(async () => {
    nc = await connect({ servers: ks.nats!.url });
    kv = await new Kvm(nc).open(stateBucket('camos'));
    core = await buildProbe();
    for (const k of ks) k.kernel.drivers.trust.add(publisher.publicKey, 'team publisher');
  });
  after(async () => {
    await nc?.close();
  });

  /** A driver entry as k1 would sign it, for an object put in the store by hand. */
  async function offer(name: string, objectName: string, objectBytes: Uint8Array, digest: string): Promise<void> {
    const os = await new Objm(nc).open(driverBucket('camos'));
    await os.putBlob({ name: objectName }, objectBytes);
    const key = driverKey(name, '1.0.0');
    await kv.put(key, await sealEntry(key, clock.next(), { state: 'loaded', name, version: '1.0.0', digest, object: objectName, size: objectBytes.byteLength }, { cluster: 'camos', nodeId: 'k1', keys: ks[0].kernel.keys }));
  }

  test('an object swapped in the Object Store is refused: not the one its entry was signed with', async () => {
    const manifest = probeManifest(core, publisher, { name: 'swapped' });
    const { object } = pack(manifest, core);
    const tampered = core.slice();
    tampered[tampered.length - 1] ^= 0xff;
    await offer('swapped', object, pack(manifest, tampered).bytes, 'sha256:x');
    await audited(ks[1], 'federation.refused', 'swapped@1.0.0');
    assert.equal(ks[1].kernel.drivers.list().some((d) => d.name === 'swapped'), false);
  });

  test("a module its manifest does not vouch for is refused by k2's own check, even in an entry a trusted peer signed", async () => {
    const manifest = probeManifest(core, publisher, { name: 'vouched' });
    const tampered = core.slice();
    tampered[tampered.length - 1] ^= 0xff;
    const { object, bytes } = pack(manifest, tampered);
    await offer('vouched', object, bytes, 'sha256:x');
    await audited(ks[1], 'driver.refused', 'vouched@1.0.0');
    assert.equal(ks[1].kernel.drivers.list().some((d) => d.name === 'vouched'), false);
  });
});

test("a damaged record of the state taken in stops start-up with the file's name and what to do, rather than dropping the rollback check", async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { readTaken } = await import('../../host/federation/sync.ts');
  const file = join(mkdtempSync(join(tmpdir(), 'camos-taken-')), 'federation-state.json');
  assert.deepEqual(readTaken(file), {}, 'no record yet: nothing taken');
  writeFileSync(file, JSON.stringify({ 'token.t1': { hlc: '0001', digest: 'ab' } }));
  assert.equal(readTaken(file)['token.t1'].hlc, '0001');
  for (const damaged of ['{broken', '[]', 'null', JSON.stringify({ 'token.t1': { hlc: 1 } })]) {
    writeFileSync(file, damaged);
    assert.throws(() => readTaken(file), (e: Error) => e.message.includes(file) && /delete it to take the bucket's newest entries again/.test(e.message), damaged);
  }
});
