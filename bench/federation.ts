// `npm run bench -- federation [--quick] [--json]`: two kernels federated over one
// nats-server (JetStream, file store) on loopback, both in this process (they share one
// event loop: the numbers are an upper bound on lag, a lower one on throughput).
//  - replication lag: a 1 KiB write acknowledged on k1 until readable on k2, one at a time;
//  - writes/s through kernel.call, 64 in flight: an unfederated kernel, then k1 federated
//    (acknowledged when durable locally), and replicated (until k2 has applied all of them);
//  - shared state (federation-state.ts): driver load on k1 -> callable on k2, revocation on k1 -> refused on k2.
// Needs nats-server (Debian package nats-server).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publicKeyToJson } from '../host/crypto/index.ts';
import { addTrustedPeer } from '../host/federation/index.ts';
import { createKernel, type Kernel } from '../host/index.ts';
import { natsMissing, startNats } from '../test/helpers/nats.ts';
import { sharedStateRows } from './federation-state.ts';
import { report, stats, type Row } from './lib.ts';

if (natsMissing) {
  console.error(`bench federation: ${natsMissing}`);
  process.exit(1);
}
const quick = process.argv.includes('--quick');
const LAG_SAMPLES = quick ? 200 : 1000;
const WRITES = quick ? 3000 : 20_000;
const WINDOW = 64;
const VALUE = randomBytes(1024);
const dirs: string[] = [];

async function kernel(federation?: { url: string; nodeId: string }): Promise<Kernel> {
  const dataDir = mkdtempSync(join(tmpdir(), 'camos-bench-fed-'));
  dirs.push(dataDir);
  return createKernel({ config: { logLevel: 'silent', port: 0, dataDir, drivers: { loadExamples: false, watch: false }, ...(federation ? { federation } : {}) } });
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setImmediate(r));
}

const readable = (k: Kernel, ns: string, key: string) => {
  try {
    k.context!.read(ns, key);
    return true;
  } catch {
    return false;
  }
};

async function writes(k: Kernel, ns: string): Promise<{ seconds: number; lat: number[] }> {
  const lat: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: WINDOW }, async () => {
      while (next < WRITES) {
        const i = next++;
        const s = performance.now();
        await k.call('sys_context_write', { namespace: ns, key: `k${i}`, data: VALUE });
        lat.push(performance.now() - s);
      }
    }),
  );
  return { seconds: (performance.now() - t0) / 1000, lat };
}

const nats = await startNats();
const rows: Row[] = [];
try {
  const alone = await kernel();
  const plain = await writes(alone, 'bench');
  await alone.close();

  const k1 = await kernel({ url: nats.url, nodeId: 'k1' });
  const k2 = await kernel({ url: nats.url, nodeId: 'k2' });
  addTrustedPeer(k2.dataDir, 'k1', publicKeyToJson(k1.keys!.identity()));
  addTrustedPeer(k1.dataDir, 'k2', publicKeyToJson(k2.keys!.identity()));
  await until(() => k1.context !== undefined);
  for (const k of [k1, k2]) while ((await k.health()).components.federation.status !== 'ok') await new Promise((r) => setTimeout(r, 20));

  const lag: number[] = [];
  for (let i = 0; i < LAG_SAMPLES; i++) {
    await k1.call('sys_context_write', { namespace: 'lag', key: `k${i}`, data: VALUE });
    const t0 = performance.now();
    await until(() => readable(k2, 'lag', `k${i}`));
    lag.push(performance.now() - t0);
  }

  const t0 = performance.now();
  const fed = await writes(k1, 'bench');
  await until(() => readable(k2, 'bench', `k${WRITES - 1}`) && k2.context!.keys('bench', { limit: 1 }).keys.length > 0);
  // Every key, not only the last one written: the stream keeps k1's order, so the last applied is the last published.
  await until(() => {
    let n = 0;
    let after = '';
    for (;;) {
      const page = k2.context!.keys('bench', { after, limit: 1000 });
      n += page.keys.length;
      if (!page.hasMore) break;
      after = page.keys.at(-1)!.key;
    }
    return n === WRITES;
  });
  const replicatedSeconds = (performance.now() - t0) / 1000;
  const shared = await sharedStateRows(k1, k2, quick);
  await k1.close();
  await k2.close();

  const l = stats(lag);
  rows.push({ measure: 'replication lag k1 ack -> readable on k2', n: l.n, 'p50 ms': l.p50, 'p99 ms': l.p99, 'ops/s': '', 'vs unfederated': '' });
  const p = stats(plain.lat);
  const f = stats(fed.lat);
  const plainRate = WRITES / plain.seconds;
  rows.push({ measure: 'writes, unfederated kernel', n: WRITES, 'p50 ms': p.p50, 'p99 ms': p.p99, 'ops/s': Math.round(plainRate), 'vs unfederated': 1 });
  rows.push({ measure: 'writes, federated k1 (acknowledged locally)', n: WRITES, 'p50 ms': f.p50, 'p99 ms': f.p99, 'ops/s': Math.round(WRITES / fed.seconds), 'vs unfederated': Number((WRITES / fed.seconds / plainRate).toFixed(2)) });
  rows.push({ measure: 'writes replicated (until all applied on k2)', n: WRITES, 'p50 ms': '', 'p99 ms': '', 'ops/s': Math.round(WRITES / replicatedSeconds), 'vs unfederated': Number((WRITES / replicatedSeconds / plainRate).toFixed(2)) });
  rows.push(...shared);
  report('federation', rows, { value_bytes: VALUE.length, window: WINDOW });
} finally {
  await nats.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}
