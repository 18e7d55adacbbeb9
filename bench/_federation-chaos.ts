// `npm run bench -- federation --chaos [--seconds N] [--seed N] [--json]`: a convergence
// check of the Jepsen kind. Three kernels (`camos start --federation`, child processes) and
// one nats-server, for N seconds (default 60): random writes on a small set of keys (so
// that kernels write the same keys concurrently), compare-and-set races between two
// kernels on the same expected version, and faults: a kernel SIGKILLed and restarted, NATS
// SIGKILLed and restarted, k3 cut off from NATS for a while (a TCP proxy between them).
// Then, every fault healed and the mesh settled:
//   - every acknowledged write is in every kernel's history of its key, with the same bytes;
//   - every kernel shows the same history (version, hash, origin, conflict) and the same
//     latest of every key;
//   - no compare-and-set won twice: no two acknowledged on one expected version, and no
//     compare-and-set key has a conflict (two versions on one parent) anywhere.
// It prints the counts; an anomaly names the key and what differs. Exit code 1 on anomalies.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addTrustedPeer } from '../host/federation/index.ts';
import { KeyStore } from '../host/crypto/index.ts';
import { CamosClient } from '../sdk/client/index.ts';
import { natsMissing, natsProxy, startNats } from '../test/helpers/nats.ts';
import { root, waitForLine } from './_process.ts';
import { report, type Row } from './lib.ts';

if (natsMissing) {
  console.error(`bench federation --chaos: ${natsMissing}`);
  process.exit(1);
}
const arg = (name: string, dflt: number) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : dflt);
const SECONDS = arg('--seconds', 60);
let seed = arg('--seed', Date.now() % 2 ** 31);
const startSeed = seed;
/** mulberry32: a seeded run can be repeated (the faults' timing aside). */
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

const NS = 'chaos';
const KEYS = Array.from({ length: 40 }, (_, i) => `w${i}`);
const CAS_KEYS = Array.from({ length: 20 }, (_, i) => `c${i}`);
const WORKERS = 6;

const counts = { writesAcknowledged: 0, writesFailed: 0, casRaces: 0, casWon: 0, casAborted: 0, casUnavailable: 0, kernelKills: 0, natsRestarts: 0, partitions: 0, keysChecked: 0, versionsChecked: 0, anomalies: 0 };
const anomalies: string[] = [];
const anomaly = (what: string) => {
  counts.anomalies++;
  if (anomalies.length < 50) anomalies.push(what);
};

// ------------------------------------------------------------------ the mesh

const nats = await startNats();
const proxy = await natsProxy(nats.port);
const work = mkdtempSync(join(tmpdir(), 'camos-chaos-'));
const config = join(work, 'camos.config.json');
writeFileSync(config, JSON.stringify({ drivers: { loadExamples: false, watch: false } }));

interface Node {
  id: string;
  dir: string;
  child?: ChildProcess;
  client?: CamosClient;
}
const nodes: Node[] = [1, 2, 3].map((i) => ({ id: `k${i}`, dir: join(work, `k${i}`) }));

async function start(n: Node): Promise<void> {
  const url = n.id === 'k3' ? proxy.url : nats.url;
  const child = spawn(process.execPath, [join(root, 'bin/camos.mjs'), 'start', '--port', '0', '--data-dir', n.dir, '--config', config, '--federation', url, '--node-id', n.id, '--log-level', 'silent'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const m = await waitForLine(child, /listening on [\d.]+:(\d+)/);
  n.child = child;
  n.client = new CamosClient({ address: `127.0.0.1:${m[1]}`, token: readFileSync(join(n.dir, 'admin.token'), 'utf8').trim(), timeoutMs: 10_000 });
}

async function kill(n: Node): Promise<void> {
  const c = n.child;
  n.child = undefined;
  n.client?.close();
  n.client = undefined;
  if (!c || c.exitCode !== null) return;
  await new Promise<void>((r) => {
    c.once('exit', () => r());
    c.kill('SIGKILL');
  });
}

const up = () => nodes.filter((n) => n.client);

// ------------------------------------------------------------------ the load

interface Acked {
  key: string;
  hash: string;
  node: string;
}
const acked: Acked[] = [];
/** Per compare-and-set key and expected version: the acknowledged winners. */
const casWins = new Map<string, string[]>();
let counter = 0;
const value = (node: string) => Buffer.concat([Buffer.from(`${node}:${counter++}:`), randomBytes(16 + Math.floor(random() * 500))]);

async function write(n: Node, key: string): Promise<void> {
  const data = value(n.id);
  try {
    await n.client!.contextWrite({ namespace: NS, key, data });
    acked.push({ key, hash: sha(data), node: n.id });
    counts.writesAcknowledged++;
  } catch {
    counts.writesFailed++; // the kernel was killed under it: not acknowledged, nothing promised
  }
}

async function casRace(a: Node, b: Node, key: string): Promise<void> {
  let expected = 0;
  try {
    expected = Number((await a.client!.contextRead({ namespace: NS, key })).version);
  } catch (e) {
    if ((e as { code?: number }).code !== 5) return; // NOT_FOUND: expected 0; anything else: a is down
  }
  counts.casRaces++;
  await Promise.all(
    [a, b].map(async (n) => {
      const data = value(n.id);
      try {
        await n.client!.contextWrite({ namespace: NS, key, data, expectedVersion: expected });
        counts.casWon++;
        const id = `${key}@${expected}`;
        casWins.set(id, [...(casWins.get(id) ?? []), n.id]);
        acked.push({ key, hash: sha(data), node: n.id });
        counts.writesAcknowledged++;
      } catch (e) {
        const code = (e as { code?: number }).code;
        if (code === 10) counts.casAborted++;
        else counts.casUnavailable++; // UNAVAILABLE (NATS unreachable), FAILED_PRECONDITION (b was behind), or b down
      }
    }),
  );
}

async function worker(deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    const live = up();
    if (live.length === 0) {
      await sleep(50);
      continue;
    }
    if (random() < 0.25 && live.length >= 2) {
      const a = pick(live);
      await casRace(a, pick(live.filter((n) => n !== a)), pick(CAS_KEYS));
    } else {
      await write(pick(live), pick(KEYS));
    }
  }
}

async function faults(deadline: number): Promise<void> {
  let round = 0;
  const offset = Math.floor(random() * 3);
  // Until the deadline, and at least one fault of each kind (a loaded machine may leave a short run time for fewer).
  while (Date.now() + 4000 < deadline || round < 3) {
    await sleep(1500 + random() * 2500);
    // Each kind in turn, from a random one: a short run still has one of each.
    const kind = (round++ + offset) % 3;
    if (kind === 0) {
      const n = pick(nodes.filter((x) => x.client));
      if (!n) continue;
      counts.kernelKills++;
      await kill(n);
      await sleep(300 + random() * 1500);
      await start(n);
    } else if (kind === 1) {
      counts.natsRestarts++;
      await nats.kill();
      await sleep(500 + random() * 1500);
      await nats.restart();
    } else {
      counts.partitions++;
      proxy.cut();
      await sleep(1000 + random() * 3000);
      proxy.heal();
    }
  }
}

// ------------------------------------------------------------------ the checks

type History = { version: number; hash: string; origin: string; conflict: boolean }[];

async function history(n: Node, key: string): Promise<History> {
  const out: History = [];
  let pageToken = '';
  do {
    const page = await n.client!.contextVersionList({ namespace: NS, key, limit: 1000, pageToken });
    out.push(...page.versions.map((v) => ({ version: Number(v.version), hash: v.hash, origin: v.origin, conflict: v.conflict })));
    pageToken = page.nextToken;
  } while (pageToken);
  return out;
}

const keysOf = async (n: Node) => (await n.client!.contextList({ namespace: NS, limit: 1000 })).keys.map((k) => k.key).sort();

/** Every kernel's view of every key, once they all answer and agree (or the last views at the deadline). */
async function settle(limitMs: number): Promise<{ views: Map<string, History>[]; keys: string[]; agreed: boolean; ms: number }> {
  const t0 = Date.now();
  let views: Map<string, History>[] = [];
  let keys: string[] = [];
  for (;;) {
    try {
      const lists = await Promise.all(nodes.map(keysOf));
      keys = [...new Set(lists.flat())].sort();
      views = await Promise.all(nodes.map(async (n) => new Map(await Promise.all(keys.map(async (k) => [k, await history(n, k)] as const)))));
      const text = views.map((v) => JSON.stringify([...v]));
      if (text.every((t) => t === text[0])) return { views, keys, agreed: true, ms: Date.now() - t0 };
    } catch {
      // a kernel still starting
    }
    if (Date.now() - t0 > limitMs) return { views, keys, agreed: false, ms: Date.now() - t0 };
    await sleep(500);
  }
}

const t0 = Date.now();
let settled: Awaited<ReturnType<typeof settle>> | undefined;
try {
  for (const n of nodes) await start(n);
  for (const a of nodes) {
    const pub = KeyStore.inspect(a.dir).find((k) => k.status === 'active')!.publicKey;
    for (const b of nodes) if (a !== b) addTrustedPeer(b.dir, a.id, pub);
  }
  for (const n of nodes) while ((await n.client!.healthCheck({ detailed: true })).components.federation?.status !== 'ok') await sleep(50);

  const deadline = Date.now() + SECONDS * 1000;
  await Promise.all([...Array.from({ length: WORKERS }, () => worker(deadline)), faults(deadline)]);

  proxy.heal();
  for (const n of nodes) if (!n.client) await start(n);
  settled = await settle(120_000);
  if (!settled.agreed) anomaly(`the kernels did not agree on every key's history within 120 s of the last fault`);
  const [first] = settled.views;

  for (const key of settled.keys) {
    counts.keysChecked++;
    const ref = first.get(key) ?? [];
    for (const [i, view] of settled.views.entries()) {
      if (JSON.stringify(view.get(key)) !== JSON.stringify(ref)) anomaly(`${key}: ${nodes[i].id}'s history differs from k1's`);
    }
    if (key.startsWith('c') && ref.some((v) => v.conflict)) anomaly(`${key}: a compare-and-set key has a conflict (two versions written on one parent)`);
    // The latest, as a read answers it, on every kernel.
    const latest = await Promise.all(nodes.map((n) => n.client!.contextRead({ namespace: NS, key }).then((r) => `${r.version}:${r.hash}`, () => 'deleted')));
    if (!latest.every((l) => l === latest[0])) anomaly(`${key}: the kernels read different latest versions (${latest.join(', ')})`);
  }
  for (const [id, winners] of casWins) if (winners.length > 1) anomaly(`compare-and-set ${id} won twice (on ${winners.join(' and ')})`);
  for (const a of acked) {
    for (const [i, view] of settled.views.entries()) {
      const v = view.get(a.key)?.find((x) => x.hash === a.hash);
      if (!v) {
        anomaly(`an acknowledged write of ${a.key} on ${a.node} (${a.hash.slice(0, 12)}) is missing on ${nodes[i].id}`);
        continue;
      }
      counts.versionsChecked++;
      const r = await nodes[i].client!.contextRead({ namespace: NS, key: a.key, version: v.version });
      if (sha(r.data) !== a.hash) anomaly(`${a.key} version ${v.version} on ${nodes[i].id}: its bytes are not the acknowledged ones`);
    }
  }
} finally {
  for (const n of nodes) await kill(n);
  await proxy.close();
  await nats.stop();
  rmSync(work, { recursive: true, force: true });
}

const rows: Row[] = Object.entries(counts).map(([what, n]) => ({ what, n }));
const faultsInjected = counts.kernelKills + counts.natsRestarts + counts.partitions;
report('federation --chaos', rows, {
  seconds: SECONDS,
  seed: startSeed,
  faults_injected: faultsInjected,
  converged_after_ms: settled?.ms ?? -1,
  run_seconds: Math.round((Date.now() - t0) / 1000),
  anomaly_list: anomalies,
});
if (counts.anomalies) process.exitCode = 1;
