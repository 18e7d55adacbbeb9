// Federation's faults and hostile input: NATS down at start, killed during writes; messages
// that are unsigned, tampered, from an unknown node or replayed, published straight to the
// stream by a client with NATS access.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { publicKeyToJson } from '../../host/crypto/index.ts';
import { addTrustedPeer } from '../../host/federation/index.ts';
import { contextStream, contextSubject, HEADER, snapshotSubject } from '../../host/federation/subjects.ts';
import { startKernel, type RunningKernel } from '../helpers/kernel.ts';
import { freePort, natsMissing, startNats, type Nats } from '../helpers/nats.ts';

const skip = natsMissing;
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const base = { drivers: { loadExamples: false, watch: false } };

async function until(check: () => boolean | Promise<boolean>, what = 'condition', tries = 2000): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const federationOf = async (k: RunningKernel) => (await k.kernel.health()).components.federation;
const readOn = (k: RunningKernel, ns: string, key: string) => k.kernel.call('sys_context_read', { namespace: ns, key }).catch(() => undefined);

function trustEachOther(ks: RunningKernel[]): void {
  for (const a of ks) for (const b of ks) if (a !== b) addTrustedPeer(a.dataDir, (b.kernel.config.federation as { nodeId: string }).nodeId, publicKeyToJson(b.kernel.keys!.identity()));
}

describe('federation faults: NATS down', { skip }, () => {
  test('NATS down at start: the kernels start, serve locally, report degraded, and publish once NATS is up', async () => {
    const port = await freePort();
    const url = `nats://127.0.0.1:${port}`;
    const k1 = await startKernel({ ...base, federation: { url, nodeId: 'k1' } } as never);
    const k2 = await startKernel({ ...base, federation: { url, nodeId: 'k2' } } as never);
    // Trusted before either can publish: a version refused as from an unknown node is never read again.
    trustEachOther([k1, k2]);
    let nats: Nats | undefined;
    try {
      const f = await federationOf(k1);
      assert.equal(f.status, 'degraded');
      assert.equal(f.details.connected, 'false');
      await k1.kernel.call('sys_context_write', { namespace: 'team', key: 'offline', data: Buffer.from('written while NATS was down') });
      assert.equal((await federationOf(k1)).details.pending_publishes, '1');
      nats = await startNats(port);
      await until(async () => (await federationOf(k1)).status === 'ok', 'k1 to connect with backoff');
      await until(async () => (await readOn(k2, 'team', 'offline')) !== undefined, 'the offline write on k2');
      assert.equal((await federationOf(k1)).details.pending_publishes, '0');
    } finally {
      await k1.stop();
      await k2.stop();
      await nats?.stop();
    }
  });

  test('NATS killed and restarted during writes: every acknowledged write reaches the other kernel', async () => {
    const nats = await startNats();
    const ks = [
      await startKernel({ ...base, federation: { url: nats.url, nodeId: 'k1' } } as never),
      await startKernel({ ...base, federation: { url: nats.url, nodeId: 'k2' } } as never),
    ];
    trustEachOther(ks);
    try {
      await until(async () => (await federationOf(ks[0])).status === 'ok' && (await federationOf(ks[1])).status === 'ok', 'connected');
      const acked: string[] = [];
      for (let i = 0; i < 300; i++) {
        if (i === 100) await nats.kill();
        if (i === 200) await nats.restart();
        await ks[0].kernel.call('sys_context_write', { namespace: 'chaos', key: `k${i}`, data: Buffer.from(`v${i}`) });
        acked.push(`k${i}`);
      }
      const onK2 = async () => (await ks[1].kernel.call('sys_context_list', { namespace: 'chaos', limit: 1000 })).keys.length;
      await until(async () => (await onK2()) === acked.length, 'all acknowledged writes on k2', 6000).catch(async (e) => {
        throw new Error(`${e.message}: ${await onK2()} of ${acked.length}; k1 ${JSON.stringify((await federationOf(ks[0])).details)}; k2 ${JSON.stringify((await federationOf(ks[1])).details)}`);
      });
      for (const key of acked) assert.equal(Buffer.from((await readOn(ks[1], 'chaos', key)).data).toString(), `v${key.slice(1)}`);
      assert.equal((await federationOf(ks[0])).details.pending_publishes, '0');
    } finally {
      for (const k of ks) await k.stop();
      await nats.stop();
    }
  });
});

describe('federation faults: hostile messages', { skip }, () => {
  let nats: Nats;
  let ks: RunningKernel[];
  let nc: NatsConnection;
  before(async () => {
    nats = await startNats();
    ks = [
      await startKernel({ ...base, federation: { url: nats.url, nodeId: 'k1' } } as never),
      await startKernel({ ...base, federation: { url: nats.url, nodeId: 'k2' } } as never),
    ];
    trustEachOther(ks);
    await until(async () => (await federationOf(ks[1])).status === 'ok', 'connected');
    nc = await connect({ servers: nats.url });
  });
  after(async () => {
    await nc?.close();
    for (const k of ks ?? []) await k.stop();
    await nats?.stop();
  });

  /** The last genuine message k1 published for a key: its meta, signature and bytes. */
  async function genuine(key: string) {
    await ks[0].kernel.call('sys_context_write', { namespace: 'team', key, data: Buffer.from('genuine') });
    await until(async () => (await readOn(ks[1], 'team', key)) !== undefined);
    const jsm = await jetstreamManager(nc);
    const m = (await jsm.streams.getMessage(contextStream('camos'), { last_by_subj: contextSubject('camos', 'team', key) }))!;
    return { meta: m.header.get(HEADER.meta), batch: m.header.get(HEADER.batch), sig: m.header.get(HEADER.signature), data: m.data, seq: m.seq };
  }

  async function inject(subject: string, data: Uint8Array, h: Record<string, string>) {
    const hs = natsHeaders();
    for (const [k, v] of Object.entries(h)) hs.set(k, v);
    return (await jetstream(nc).publish(subject, data, { headers: hs })).seq;
  }

  const refused = async (k: RunningKernel, reason: string) => {
    const text = await k.kernel.metrics.registry.getSingleMetricAsString('camos_federation_refused_total');
    return Number(new RegExp(`reason="${reason}"} (\\d+)`).exec(text)?.[1] ?? 0);
  };

  async function refusedOn(reason: string, send: () => Promise<number>) {
    const before = await refused(ks[1], reason);
    const seq = await send();
    await until(async () => Number((await federationOf(ks[1])).details.stream_position) >= seq, 'k2 to read the message');
    assert.equal(await refused(ks[1], reason), before + 1, `counted as ${reason}`);
  }

  test('an unsigned message is refused and counted, never applied', async () => {
    const g = await genuine('unsigned');
    const meta = JSON.parse(g.meta);
    meta.hlc = meta.hlc.replace(/\d$/, '9');
    await refusedOn('unsigned', () => inject(contextSubject('camos', 'team', 'unsigned'), Buffer.from('evil'), { [HEADER.meta]: JSON.stringify({ ...meta, hash: sha('evil') }) }));
    assert.equal(Buffer.from((await readOn(ks[1], 'team', 'unsigned')).data).toString(), 'genuine');
  });

  test('a genuine message published again is refused as a replay', async () => {
    const g = await genuine('replayed');
    await refusedOn('replay', () => inject(contextSubject('camos', 'team', 'replayed'), g.data, { [HEADER.meta]: g.meta, [HEADER.batch]: g.batch, [HEADER.signature]: g.sig }));
    assert.equal((await ks[1].kernel.call('sys_context_version_list', { namespace: 'team', key: 'replayed' })).versions.length, 1);
  });

  test('a tampered message (bytes changed under a genuine signature) is refused as hash-mismatch', async () => {
    const g = await genuine('tampered');
    await refusedOn('hash-mismatch', () => inject(contextSubject('camos', 'team', 'tampered'), Buffer.from('evil'), { [HEADER.meta]: g.meta, [HEADER.batch]: g.batch, [HEADER.signature]: g.sig }));
    const list = (await ks[1].kernel.call('sys_context_version_list', { namespace: 'team', key: 'tampered' })).versions;
    assert.equal(list.length, 1);
  });

  test('a changed meta under the old signature is refused as bad-signature', async () => {
    const g = await genuine('forged');
    const meta = JSON.parse(g.meta);
    meta.author = 'someone-else';
    await refusedOn('bad-signature', () => inject(contextSubject('camos', 'team', 'forged'), g.data, { [HEADER.meta]: JSON.stringify(meta), [HEADER.batch]: g.batch, [HEADER.signature]: g.sig }));
  });

  test("a forged meta listed in a changed batch manifest, under the batch's genuine signature, is refused as bad-signature", async () => {
    const g = await genuine('manifest');
    const meta = JSON.parse(g.meta);
    meta.author = 'someone-else';
    const forged = JSON.stringify(meta);
    const [place, listed] = g.batch.split('.');
    const manifest = Buffer.from(listed, 'base64');
    createHash('sha256').update(forged).digest().copy(manifest, Number(place) * 32);
    await refusedOn('bad-signature', () => inject(contextSubject('camos', 'team', 'manifest'), g.data, { [HEADER.meta]: forged, [HEADER.batch]: `${place}.${manifest.toString('base64')}`, [HEADER.signature]: g.sig }));
    assert.equal((await readOn(ks[1], 'team', 'manifest')).author === 'someone-else', false);
  });

  test('a batch header that is not <place>.<manifest> is refused as malformed', async () => {
    const g = await genuine('batchless');
    for (const batch of ['', 'x', '7.' + g.batch.split('.')[1], '-1.AAAA', '0.' + Buffer.alloc(31).toString('base64')]) {
      await refusedOn(batch === '' ? 'unsigned' : 'malformed', () => inject(contextSubject('camos', 'team', 'batchless'), g.data, { [HEADER.meta]: g.meta, [HEADER.batch]: batch, [HEADER.signature]: g.sig }));
    }
  });

  test("a snapshot whose items were changed under its genuine signature is refused as hash-mismatch, and not kept", async () => {
    await ks[0].kernel.call('sys_context_write', { namespace: 'snapped', key: 'a', data: Buffer.from('1') });
    const snap = await ks[0].kernel.call('sys_context_snapshot', { namespace: 'snapped' });
    const listed = async () => (await ks[1].kernel.call('sys_context_snapshot_list', { namespace: 'snapped' })).snapshots.length;
    await until(async () => (await listed()) === 1, 'the snapshot on k2');
    const jsm = await jetstreamManager(nc);
    const m = (await jsm.streams.getMessage(contextStream('camos'), { last_by_subj: snapshotSubject('camos', snap.snapshotId) }))!;
    const meta = JSON.parse(m.header.get(HEADER.meta));
    // The same snapshot under a new id (so not a duplicate of the one kept), its items pointing elsewhere.
    const id = snap.snapshotId.replace(/.$/, (c: string) => (c === '0' ? '1' : '0'));
    const forged = JSON.stringify({ ...meta, id });
    await refusedOn('bad-signature', () => inject(snapshotSubject('camos', id), m.data, { [HEADER.meta]: forged, [HEADER.batch]: m.header.get(HEADER.batch), [HEADER.signature]: m.header.get(HEADER.signature) }));
    await refusedOn('hash-mismatch', () => inject(snapshotSubject('camos', snap.snapshotId), Buffer.from('[["a","000000000000001.000000","k1"]]'), { [HEADER.meta]: m.header.get(HEADER.meta), [HEADER.batch]: m.header.get(HEADER.batch), [HEADER.signature]: m.header.get(HEADER.signature) }));
    assert.equal(await listed(), 1);
  });

  test('a message from a node not in the trust list is refused as unknown-node', async () => {
    const g = await genuine('stranger');
    const meta = JSON.parse(g.meta);
    meta.node = 'k9';
    await refusedOn('unknown-node', () => inject(contextSubject('camos', 'team', 'stranger'), g.data, { [HEADER.meta]: JSON.stringify(meta), [HEADER.batch]: g.batch, [HEADER.signature]: g.sig }));
  });

  test('malformed messages (no meta, meta not JSON, on the wrong subject) are refused', async () => {
    const g = await genuine('malformed');
    await refusedOn('malformed', () => inject(contextSubject('camos', 'team', 'malformed'), Buffer.from('x'), {}));
    await refusedOn('malformed', () => inject(contextSubject('camos', 'team', 'malformed'), Buffer.from('x'), { [HEADER.meta]: '{not json' }));
    await refusedOn('wrong-subject', () => inject(contextSubject('camos', 'team', 'elsewhere'), g.data, { [HEADER.meta]: g.meta, [HEADER.batch]: g.batch, [HEADER.signature]: g.sig }));
    assert.equal(await readOn(ks[1], 'team', 'elsewhere'), undefined);
  });

  test('the refusals are in the audit log', async () => {
    await ks[1].kernel.auditSink.committed();
    const res = await ks[1].kernel.call('sys_audit_query', { syscalls: ['federation.refused'], limit: 100 }).catch((e: Error) => ({ error: e.message }));
    assert.ok(!('error' in res), String((res as { error?: string }).error));
    assert.ok((res as any).records.length >= 5);
  });
});

test('a trust list that cannot be read keeps the last good one in force and says why, instead of stopping the consumer', async () => {
  const { mkdtempSync, writeFileSync, utimesSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { TrustList, trustFile } = await import('../../host/federation/trust.ts');
  const { KeyStore } = await import('../../host/crypto/index.ts');
  const dir = mkdtempSync(join(tmpdir(), 'camos-trust-'));
  const peer = await KeyStore.open({ dataDir: mkdtempSync(join(tmpdir(), 'camos-peer-')), backend: 'software', tpmTcti: '', passphraseEnv: '', env: {} } as never);
  addTrustedPeer(dir, 'k2', publicKeyToJson(peer.identity()));
  const trust = new TrustList(dir, { nodeId: 'k1', keys: () => new Map() });
  assert.ok(trust.key('k2', peer.identity().keyId));
  writeFileSync(trustFile(dir), '{broken');
  utimesSync(trustFile(dir), new Date(), new Date(Date.now() + 5000));
  assert.equal(trust.key('k9', 'nope'), undefined);
  assert.match(trust.problem, /not valid JSON/);
  assert.ok(trust.key('k2', peer.identity().keyId), 'the last good list stays');
});
