// `npm run bench -- federation [--quick] [--json] [--kernels 2,3]`: kernels federated over
// one nats-server (JetStream, file store) on loopback, all in this process (they share one
// event loop: the numbers are an upper bound on lag, a lower one on throughput), for a mesh
// of 2 and one of 3 kernels:
//  - replication lag: a 1 KiB write acknowledged on k1 until readable on every peer, one at a time;
//  - writes/s through kernel.call, 64 in flight, in rounds that alternate an unfederated
//    kernel and k1 of the mesh (so that the ratio compares like with like on a shared
//    machine): acknowledged on k1 (durable locally), and replicated (every peer applied all);
//  - convergence after a partition: k2 cut off from NATS (a TCP proxy between them) for
//    10 s while k1 and k2 both write, some keys on both sides; the time from the heal until
//    every kernel holds the same history of every key;
//  - shared state on the 2-kernel mesh (federation-state.ts): driver load on k1 -> callable
//    on k2, revocation on k1 -> refused on k2;
//  - floors: JetStream publishing messages of the same size alone (64 in flight), and one
//    batch signature.
// `--chaos` runs the convergence check instead (bench/_federation-chaos.ts).
// Needs nats-server (Debian package nats-server).
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, headers as natsHeaders } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { publicKeyToJson } from '../host/crypto/index.ts';
import { addTrustedPeer } from '../host/federation/index.ts';
import { seal } from '../host/federation/envelope.ts';
import { createKernel, type Kernel } from '../host/index.ts';
import { natsMissing, natsProxy, startNats, type Nats, type Partitionable } from '../test/helpers/nats.ts';
import { sharedStateRows } from './federation-state.ts';
import { report, stats, type Row } from './lib.ts';

if (process.argv.includes('--chaos')) {
  await import('./_federation-chaos.ts');
} else {
  if (natsMissing) {
    console.error(`bench federation: ${natsMissing}`);
    process.exit(1);
  }
  await main();
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const arg = (name: string, dflt: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : dflt);
  const sizes = arg('--kernels', '2,3').split(',').map(Number);
  const LAG_SAMPLES = quick ? 200 : 1000;
  const ROUNDS = quick ? 3 : 5;
  const PER_ROUND = quick ? 1000 : 4000;
  const PARTITION_MS = 10_000;
  const WINDOW = 64;
  const VALUE = randomBytes(1024);
  const dirs: string[] = [];
  const rows: Row[] = [];
  const summary: Record<string, unknown> = { value_bytes: VALUE.length, window: WINDOW, rounds: ROUNDS, writes_per_round: PER_ROUND };

  const kernel = async (federation?: { url: string; nodeId: string }): Promise<Kernel> => {
    const dataDir = mkdtempSync(join(tmpdir(), 'camos-bench-fed-'));
    dirs.push(dataDir);
    return createKernel({ config: { logLevel: 'silent', port: 0, dataDir, drivers: { loadExamples: false, watch: false }, ...(federation ? { federation } : {}) } });
  };
  const until = async (check: () => boolean, everyMs = 1) => {
    while (!check()) await new Promise((r) => setTimeout(r, everyMs));
  };
  const readable = (k: Kernel, ns: string, key: string) => {
    try {
      k.context!.read(ns, key);
      return true;
    } catch {
      return false;
    }
  };
  const keyCount = (k: Kernel, ns: string) => {
    let n = 0;
    let after = '';
    for (;;) {
      const page = k.context!.keys(ns, { after, limit: 1000 });
      n += page.keys.length;
      if (!page.hasMore) return n;
      after = page.keys.at(-1)!.key;
    }
  };
  /** Every key's history in a namespace, as one hash: equal on two kernels when they agree. */
  const digest = (k: Kernel, ns: string) => {
    const h = createHash('sha256');
    let after = '';
    for (;;) {
      const page = k.context!.keys(ns, { after, limit: 1000 });
      for (const { key } of page.keys) for (const v of k.context!.versions(ns, key, { limit: 10_000 }).versions) h.update(`${key}\0${v.version}\0${v.hash}\0${v.origin}\0`);
      if (!page.hasMore) return h.digest('hex');
      after = page.keys.at(-1)!.key;
    }
  };
  const writes = async (k: Kernel, ns: string, from: number, count: number) => {
    const lat: number[] = [];
    let next = from;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: WINDOW }, async () => {
        while (next < from + count) {
          const i = next++;
          const s = performance.now();
          await k.call('sys_context_write', { namespace: ns, key: `k${i}`, data: VALUE });
          lat.push(performance.now() - s);
        }
      }),
    );
    return { ms: performance.now() - t0, lat };
  };

  async function mesh(nats: Nats, n: number, proxy?: Partitionable): Promise<Kernel[]> {
    const ks: Kernel[] = [];
    for (let i = 1; i <= n; i++) ks.push(await kernel({ url: i === 2 && proxy ? proxy.url : nats.url, nodeId: `k${i}` }));
    for (const a of ks) for (const b of ks) if (a !== b) addTrustedPeer(a.dataDir, b.config.federation!.nodeId!, publicKeyToJson(b.keys!.identity()));
    for (const k of ks) while ((await k.health()).components.federation.status !== 'ok') await new Promise((r) => setTimeout(r, 20));
    return ks;
  }

  const nats = await startNats();
  try {
    const alone = await kernel();
    for (const n of sizes) {
      const proxy = await natsProxy(nats.port);
      const ks = await mesh(nats, n, proxy);
      const [k1, ...peers] = ks;
      const tag = `${n} kernels`;

      const lag: number[] = [];
      for (let i = 0; i < LAG_SAMPLES; i++) {
        await k1.call('sys_context_write', { namespace: 'lag', key: `k${i}`, data: VALUE });
        const t0 = performance.now();
        await until(() => peers.every((p) => readable(p, 'lag', `k${i}`)));
        lag.push(performance.now() - t0);
      }

      const plain = { ms: 0, lat: [] as number[] };
      const fed = { ms: 0, lat: [] as number[], replicatedMs: 0 };
      for (let r = 0; r < ROUNDS; r++) {
        const a = await writes(alone, `plain${n}`, r * PER_ROUND, PER_ROUND);
        plain.ms += a.ms;
        plain.lat.push(...a.lat);
        const t0 = performance.now();
        const b = await writes(k1, 'bench', r * PER_ROUND, PER_ROUND);
        fed.ms += b.ms;
        fed.lat.push(...b.lat);
        // Every key, not only the last one written: a peer may apply them in another order than written.
        await until(() => peers.every((p) => readable(p, 'bench', `k${(r + 1) * PER_ROUND - 1}`) && keyCount(p, 'bench') === (r + 1) * PER_ROUND));
        fed.replicatedMs += performance.now() - t0;
      }

      // A partition: k2 cut off for 10 s, both sides writing (a tenth of the keys on both: concurrent versions).
      const total = { k1: 0, k2: 0 };
      proxy.cut();
      const tCut = performance.now();
      let i = 0;
      while (performance.now() - tCut < PARTITION_MS) {
        await Promise.all([
          k1.call('sys_context_write', { namespace: 'split', key: `a${i}`, data: VALUE }).then(() => total.k1++),
          ks[1].call('sys_context_write', { namespace: 'split', key: i % 10 === 0 ? `a${i}` : `b${i}`, data: VALUE }).then(() => total.k2++),
        ]);
        i++;
        await new Promise((r) => setTimeout(r, 5));
      }
      proxy.heal();
      const tHeal = performance.now();
      await until(() => {
        if (!ks.every((k) => keyCount(k, 'split') === 2 * i - Math.ceil(i / 10))) return false;
        const d = ks.map((k) => digest(k, 'split'));
        // k1 wrote a0..a(i-1); k2 every tenth of those too, and b-keys for the rest.
        return d.every((x) => x === d[0]);
      }, 10);
      const convergeMs = performance.now() - tHeal;

      const l = stats(lag);
      const p = stats(plain.lat);
      const f = stats(fed.lat);
      const plainRate = (ROUNDS * PER_ROUND) / (plain.ms / 1000);
      const fedRate = (ROUNDS * PER_ROUND) / (fed.ms / 1000);
      const replRate = (ROUNDS * PER_ROUND) / (fed.replicatedMs / 1000);
      const ratio = (x: number) => Number((x / plainRate).toFixed(2));
      rows.push({ measure: `${tag}: replication lag, ack on k1 -> readable on all`, n: l.n, 'p50 ms': l.p50, 'p99 ms': l.p99, 'writes/s': '', 'vs unfederated': '' });
      rows.push({ measure: `${tag}: writes, unfederated kernel (alternating rounds)`, n: p.n, 'p50 ms': p.p50, 'p99 ms': p.p99, 'writes/s': Math.round(plainRate), 'vs unfederated': 1 });
      rows.push({ measure: `${tag}: writes, federated k1 (acknowledged locally)`, n: f.n, 'p50 ms': f.p50, 'p99 ms': f.p99, 'writes/s': Math.round(fedRate), 'vs unfederated': ratio(fedRate) });
      rows.push({ measure: `${tag}: writes replicated (until every peer applied all)`, n: f.n, 'p50 ms': '', 'p99 ms': '', 'writes/s': Math.round(replRate), 'vs unfederated': ratio(replRate) });
      rows.push({ measure: `${tag}: convergence after a 10 s partition of k2 (${total.k1} + ${total.k2} writes)`, n: 1, 'p50 ms': Math.round(convergeMs), 'p99 ms': '', 'writes/s': '', 'vs unfederated': '' });
      summary[`kernels_${n}`] = { lag_p50_ms: l.p50, lag_p99_ms: l.p99, unfederated_per_s: Math.round(plainRate), federated_per_s: Math.round(fedRate), replicated_per_s: Math.round(replRate), ratio: ratio(replRate), converge_ms: Math.round(convergeMs) };
      if (n === 2) rows.push(...(await sharedStateRows(ks[0], ks[1], quick)));
      for (const k of ks) await k.close();
      await proxy.close();
    }
    rows.push(...(await floors(nats, alone, VALUE, WINDOW, quick)));
    await alone.close();
    report('federation', rows, summary);
  } finally {
    await nats.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

/** What the transport and the signature cost alone, in the same run: the floor under the rows above. */
async function floors(nats: Nats, k: Kernel, value: Uint8Array, window: number, quick: boolean): Promise<Row[]> {
  const n = quick ? 3000 : 20_000;
  const nc = await connect({ servers: nats.url });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: 'FLOOR', subjects: ['floor.>'] });
  const js = jetstream(nc);
  const version = (i: number) => ({ namespace: 'floor', key: `k${i}`, origin: 'k1', hlc: `${String(Date.now()).padStart(15, '0')}.${String(i).padStart(6, '0')}`, parent: '', value, hash: createHash('sha256').update(value).digest('hex'), author: 'bench', timestamp: Date.now(), metadata: {}, contentType: '', description: '' });
  const sealed = await seal(Array.from({ length: 64 }, (_, i) => version(i)), 'camos', k.keys!);
  const h = natsHeaders();
  h.set('Camos-Meta', sealed[0].meta);
  h.set('Camos-Batch', sealed[0].batch);
  h.set('Camos-Sig', sealed[0].signature);
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: window }, async () => {
      while (next < n) {
        const i = next++;
        await js.publish(`floor.${i % 1000}`, value, { headers: h, msgID: String(i) });
      }
    }),
  );
  const pubRate = n / ((performance.now() - t0) / 1000);
  await nc.close();
  const signs: number[] = [];
  for (let i = 0; i < (quick ? 50 : 200); i++) {
    const s = performance.now();
    await seal(Array.from({ length: 64 }, (_, j) => version(j)), 'camos', k.keys!);
    signs.push(performance.now() - s);
  }
  const s = stats(signs);
  return [
    { measure: 'floor: JetStream publish alone, same headers, 64 in flight', n, 'p50 ms': '', 'p99 ms': '', 'writes/s': Math.round(pubRate), 'vs unfederated': '' },
    { measure: 'floor: sealing a batch of 64 (one ML-DSA-65 + Ed25519 signature)', n: s.n, 'p50 ms': s.p50, 'p99 ms': s.p99, 'writes/s': '', 'vs unfederated': '' },
  ];
}
