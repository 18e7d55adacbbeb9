// Federation over a real nats-server: kernels in this process, each with its own data
// directory, trusting each other's kernel keys.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RunningKernel } from './helpers/kernel.ts';
import { until, useMesh } from './helpers/mesh.ts';
import { natsMissing } from './helpers/nats.ts';

const skip = natsMissing;

const readOn = (k: RunningKernel, ns: string, key: string) => k.kernel.call('sys_context_read', { namespace: ns, key }).catch(() => undefined);

describe('federation: context replication', { skip }, () => {
  const ks = useMesh(2);

  test('a write on k1 is readable on k2 with the same bytes, version and hash', async () => {
    const w = await ks[0].kernel.call('sys_context_write', { namespace: 'team', key: 'plan', data: Buffer.from('ship it') });
    await until(async () => (await readOn(ks[1], 'team', 'plan')) !== undefined, 'replication');
    const r = await ks[1].kernel.call('sys_context_read', { namespace: 'team', key: 'plan' });
    assert.equal(Buffer.from(r.data).toString(), 'ship it');
    assert.equal(r.version, w.version);
    assert.equal(r.hash, w.hash);
  });
});

const history = async (k: RunningKernel, ns: string, key: string) =>
  (await k.kernel.call('sys_context_version_list', { namespace: ns, key, limit: 1000 })).versions.map((v: any) => `${v.version}:${v.hash}:${v.origin}:${v.conflict}`);

describe('federation: three kernels', { skip }, () => {
  const ks = useMesh(3);

  test('concurrent writes to one key converge: the same latest and history everywhere, the losers marked conflict with their origin', async () => {
    const writes = await Promise.all(ks.map((k, i) => k.kernel.call('sys_context_write', { namespace: 'team', key: 'race', data: Buffer.from(`from k${i + 1}`) })));
    assert.ok(writes.every((w) => w.version === 1), 'each kernel wrote on top of nothing');
    await until(async () => (await Promise.all(ks.map((k) => history(k, 'team', 'race')))).every((h) => h.length === 3), 'all three versions everywhere');
    const [h1, h2, h3] = await Promise.all(ks.map((k) => history(k, 'team', 'race')));
    assert.deepEqual(h2, h1);
    assert.deepEqual(h3, h1);
    const list = (await ks[0].kernel.call('sys_context_version_list', { namespace: 'team', key: 'race' })).versions;
    assert.deepEqual(list.map((v: any) => v.conflict), [false, true, true], 'newest first: the latest is not a conflict, the other two are');
    assert.deepEqual(new Set(list.map((v: any) => v.origin)), new Set(['k1', 'k2', 'k3']));
    const reads = await Promise.all(ks.map((k) => k.kernel.call('sys_context_read', { namespace: 'team', key: 'race' })));
    assert.ok(reads.every((r) => r.hash === reads[0].hash && r.version === 3));
    const health = await ks[0].kernel.health();
    assert.ok(Number(health.components.federation.details.conflicts) >= 1, 'federation status counts the conflicts');
  });

  test('a write on top of a replicated version is no conflict', async () => {
    await ks[0].kernel.call('sys_context_write', { namespace: 'team', key: 'chain', data: Buffer.from('a') });
    await until(async () => (await readOn(ks[1], 'team', 'chain')) !== undefined);
    await ks[1].kernel.call('sys_context_write', { namespace: 'team', key: 'chain', data: Buffer.from('b') });
    await until(async () => (await readOn(ks[2], 'team', 'chain'))?.version === 2);
    const list = (await ks[2].kernel.call('sys_context_version_list', { namespace: 'team', key: 'chain' })).versions;
    assert.deepEqual(list.map((v: any) => [v.version, v.origin, v.conflict]), [[2, 'k2', false], [1, 'k1', false]]);
  });

  test('compare-and-set races: of two kernels on the same expected version exactly one wins, the other is ABORTED naming the winner', async () => {
    const races = 1000;
    for (let i = 0; i < races; i++) {
      const key = `cas-${i}`;
      const first = await ks[0].kernel.call('sys_context_write', { namespace: 'cas', key, data: Buffer.from('v1') });
      await until(async () => (await readOn(ks[1], 'cas', key))?.version === first.version, 'v1 on k2');
      const outcomes = await Promise.allSettled([ks[0], ks[1]].map((k, j) => k.kernel.call('sys_context_write', { namespace: 'cas', key, data: Buffer.from(`k${j + 1}`), expectedVersion: 1 })));
      const won = outcomes.filter((o) => o.status === 'fulfilled');
      const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      assert.equal(won.length, 1, `race ${i}: exactly one winner (${lost.map((l) => l.reason.message).join('; ')})`);
      assert.equal(lost[0].reason.code, 'aborted', `race ${i}: the loser gets ABORTED`);
      assert.match(lost[0].reason.message, /lost a race: version 2\b/);
    }
  });

  test('a compare-and-set on a version the key never reached fails at once (FAILED_PRECONDITION)', async () => {
    await ks[0].kernel.call('sys_context_write', { namespace: 'cas', key: 'stale', data: Buffer.from('1') });
    await assert.rejects(ks[0].kernel.call('sys_context_write', { namespace: 'cas', key: 'stale', data: Buffer.from('2'), expectedVersion: 7 }), { code: 'failed_precondition' });
  });
});

describe('federation: what is replicated besides plain writes', { skip }, () => {
  const ks = useMesh(2);

  test("a task's staged writes, committed together, reach the other kernel", async () => {
    const staging = ks[0].kernel.context!.begin('task-1', 'agent-a');
    staging.write('work', 'x', Buffer.from('1'));
    staging.write('work', 'y', Buffer.from('2'));
    staging.commit();
    await until(async () => (await readOn(ks[1], 'work', 'y')) !== undefined && (await readOn(ks[1], 'work', 'x')) !== undefined, 'task writes on k2');
    assert.equal((await ks[1].kernel.call('sys_context_version_list', { namespace: 'work', key: 'x' })).versions[0].description, 'task task-1');
  });

  test('a restore on k1 writes new versions that k2 applies (history kept, the same latest)', async () => {
    await ks[0].kernel.call('sys_context_write', { namespace: 'snap', key: 'doc', data: Buffer.from('old') });
    const snap = await ks[0].kernel.call('sys_context_snapshot', { namespace: 'snap' });
    await ks[0].kernel.call('sys_context_write', { namespace: 'snap', key: 'doc', data: Buffer.from('new') });
    await ks[0].kernel.call('sys_context_restore', { snapshotId: snap.snapshotId });
    await until(async () => (await readOn(ks[1], 'snap', 'doc'))?.version === 3, 'the restored version on k2');
    assert.equal(Buffer.from((await readOn(ks[1], 'snap', 'doc')).data).toString(), 'old');
  });

  test('a snapshot taken on k1 is restored on k2: the versions it saw there, whatever k2 wrote since', async () => {
    await ks[0].kernel.call('sys_context_write', { namespace: 'shared', key: 'doc', data: Buffer.from('as of the snapshot') });
    await ks[0].kernel.call('sys_context_write', { namespace: 'shared', key: 'gone-later', data: Buffer.from('kept') });
    const snap = await ks[0].kernel.call('sys_context_snapshot', { namespace: 'shared', description: 'before the edits' });
    await until(async () => (await ks[1].kernel.call('sys_context_snapshot_list', { namespace: 'shared' })).snapshots.some((s: any) => s.snapshotId === snap.snapshotId), 'the snapshot on k2');
    // After the snapshot, k2 changes one key, deletes one and adds one.
    await ks[1].kernel.call('sys_context_write', { namespace: 'shared', key: 'doc', data: Buffer.from('edited on k2') });
    await ks[1].kernel.call('sys_context_delete', { namespace: 'shared', key: 'gone-later' });
    await ks[1].kernel.call('sys_context_write', { namespace: 'shared', key: 'new', data: Buffer.from('added on k2') });
    await ks[1].kernel.call('sys_context_restore', { snapshotId: snap.snapshotId });
    const text = async (k: RunningKernel, key: string) => ((await readOn(k, 'shared', key)) ? Buffer.from((await readOn(k, 'shared', key)).data).toString() : undefined);
    assert.equal(await text(ks[1], 'doc'), 'as of the snapshot');
    assert.equal(await text(ks[1], 'gone-later'), 'kept');
    assert.equal(await text(ks[1], 'new'), undefined);
    // The restore's versions replicate back: k1 shows the same.
    await until(async () => (await text(ks[0], 'new')) === undefined && (await text(ks[0], 'doc')) === 'as of the snapshot' && (await text(ks[0], 'gone-later')) === 'kept', 'the restore on k1');
  });

  test('a tombstone replicates: a key deleted on k1 is deleted on k2', async () => {
    await ks[0].kernel.call('sys_context_write', { namespace: 'team', key: 'gone', data: Buffer.from('x') });
    await until(async () => (await readOn(ks[1], 'team', 'gone')) !== undefined);
    await ks[0].kernel.call('sys_context_delete', { namespace: 'team', key: 'gone' });
    await until(async () => (await readOn(ks[1], 'team', 'gone')) === undefined, 'the deletion on k2');
  });

  test('camos_federation_* series are on /metrics', async () => {
    const text = await (await fetch(`http://${ks[0].address}/metrics`)).text();
    for (const name of ['camos_federation_connected 1', 'camos_federation_published_total', 'camos_federation_applied_total', 'camos_federation_pending_publishes', 'camos_federation_replication_lag_seconds_bucket']) {
      assert.ok(text.includes(name), name);
    }
  });
});

test('no NATS code outside its files in host/federation, and those are imported only lazily', async () => {
  const { readdirSync, readFileSync } = await import('node:fs');
  const files = readdirSync('host', { recursive: true, encoding: 'utf8' }).filter((f) => /\.(ts|mjs)$/.test(f));
  const nats = files.filter((f) => /from '@nats-io\//.test(readFileSync(`host/${f}`, 'utf8')));
  assert.deepEqual(nats.sort(), ['federation/connection.ts', 'federation/link.ts', 'federation/questions.ts', 'federation/replicator.ts', 'federation/sync.ts', 'federation/work.ts']);
  const names = nats.map((f) => f.slice('federation/'.length).replace('.', '\\.')).join('|');
  for (const f of files.filter((f) => !nats.includes(f))) {
    assert.doesNotMatch(readFileSync(`host/${f}`, 'utf8'), new RegExp(`^import (?!type ).*/(${names})'`, 'm'), `${f} imports a NATS file statically`);
  }
  assert.doesNotMatch(readFileSync('host/kernel.ts', 'utf8'), /^import (?!type ).*federation\//m, 'kernel.ts imports federation statically');
});
