// Federation over a real nats-server: kernels in this process, each with its own data
// directory, trusting each other's kernel keys.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { publicKeyToJson } from '../host/crypto/index.ts';
import { addTrustedPeer } from '../host/federation/index.ts';
import { startKernel, type RunningKernel } from './helpers/kernel.ts';
import { natsMissing, startNats, type Nats } from './helpers/nats.ts';

const skip = natsMissing;

async function mesh(nats: Nats, n: number, extra: Record<string, unknown> = {}): Promise<RunningKernel[]> {
  const ks: RunningKernel[] = [];
  for (let i = 1; i <= n; i++) {
    ks.push(await startKernel({ drivers: { loadExamples: false, watch: false }, federation: { url: nats.url, nodeId: `k${i}`, ...extra } } as never));
  }
  for (const a of ks) for (const b of ks) if (a !== b) addTrustedPeer(a.dataDir, nodeOf(b), publicKeyToJson(b.kernel.keys!.identity()));
  for (const k of ks) await until(() => k.kernel.health().then((h) => h.components.federation?.status === 'ok'));
  return ks;
}

const nodeOf = (k: RunningKernel) => (k.kernel.config.federation as { nodeId: string }).nodeId;

async function until(check: () => boolean | Promise<boolean>, what = 'condition'): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const readOn = (k: RunningKernel, ns: string, key: string) => k.kernel.call('sys_context_read', { namespace: ns, key }).catch(() => undefined);

describe('federation: context replication', { skip }, () => {
  let nats: Nats;
  let ks: RunningKernel[];
  before(async () => {
    nats = await startNats();
    ks = await mesh(nats, 2);
  });
  after(async () => {
    for (const k of ks ?? []) await k.stop();
    await nats?.stop();
  });

  test('a write on k1 is readable on k2 with the same bytes, version and hash', async () => {
    const w = await ks[0].kernel.call('sys_context_write', { namespace: 'team', key: 'plan', data: Buffer.from('ship it') });
    await until(async () => (await readOn(ks[1], 'team', 'plan')) !== undefined, 'replication');
    const r = await ks[1].kernel.call('sys_context_read', { namespace: 'team', key: 'plan' });
    assert.equal(Buffer.from(r.data).toString(), 'ship it');
    assert.equal(r.version, w.version);
    assert.equal(r.hash, w.hash);
  });
});
