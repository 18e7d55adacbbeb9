// `npm run bench -- context [--quick] [--json]`: context memory.
//  - 1 KiB reads and durable writes in-process on the store (the ContextStore interface,
//    where the in-process targets are judged), and the same through kernel.call
//    (the whole syscall pipeline: decode, authorize, audit every call...), for comparison;
//  - a snapshot of a namespace with 100,000 keys, and its restore;
//  - the same reads and writes over the Session stream from this process to a kernel in a
//    child process (the TypeScript client in sdk/client).
// A write counts only once its transaction is durable (SQLite WAL, synchronous=FULL).
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openContextStore, type ContextStore } from '../host/context/index.ts';
import { createKernel } from '../host/index.ts';
import { CamosClient } from '../sdk/client/index.ts';
import { report, stats, type Row } from './lib.ts';
import { startKernel } from './_process.ts';

const quick = process.argv.includes('--quick');
const KEYS = quick ? 2_000 : 10_000;
const READS = quick ? 20_000 : 200_000;
const WRITES = quick ? 5_000 : 40_000;
const SNAPSHOT_KEYS = quick ? 10_000 : 100_000;
const WINDOW = 64;
const VALUE = randomBytes(1024);

const dir = mkdtempSync(join(tmpdir(), 'camos-bench-context-'));
const rows: Row[] = [];
const ms = (t0: number) => performance.now() - t0;
const openStore = (name: string) => openContextStore({ path: join(dir, name), maxValueBytes: 1 << 20, versionListLimit: 1000, quotas: {}, retention: {}, cacheEntries: 10_000 });

function row(path: string, operation: string, n: number, seconds: number, lat: number[], target = '') {
  const s = stats(lat);
  const rate = n / seconds;
  const goal = Number(target.replace(/\D/g, ''));
  rows.push({ path, operation, 'ops/s': Math.round(rate), 'p50 ms': s.p50, 'p99 ms': s.p99, target, meets: target ? (rate >= goal ? 'yes' : 'no') : '' });
}

/** Closed loop: `window` operations in flight, `n` in all; returns seconds and latencies. */
async function closedLoop(n: number, window: number, op: (i: number) => Promise<unknown>) {
  const lat: number[] = [];
  let next = 0;
  const t0 = performance.now();
  const lane = async () => {
    while (next < n) {
      const i = next++;
      const s = performance.now();
      await op(i);
      lat.push(performance.now() - s);
    }
  };
  await Promise.all(Array.from({ length: window }, lane));
  return { seconds: ms(t0) / 1000, lat };
}

function syncLoop(n: number, op: (i: number) => unknown) {
  const lat: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    op(i);
    lat.push(performance.now() - s);
  }
  return { seconds: ms(t0) / 1000, lat };
}

// ---------------------------------------------------------------- the store directly
{
  const store = openStore('direct.db');
  let r = syncLoop(Math.min(2_000, WRITES), (i) => store.write('bench', `k${i % KEYS}`, VALUE, { author: 'bench' }));
  row('store', 'write 1 KiB, one transaction each', Math.min(2_000, WRITES), r.seconds, r.lat);
  r = await closedLoop(WRITES, WINDOW, (i) => store.writeGrouped('bench', `k${i % KEYS}`, VALUE, { author: 'bench' }));
  row('store', `write 1 KiB, group commit (${WINDOW} in flight)`, WRITES, r.seconds, r.lat, '>= 15000/s');
  r = await closedLoop(WRITES, 4 * WINDOW, (i) => store.writeGrouped('bench', `k${i % KEYS}`, VALUE, { author: 'bench' }));
  row('store', `write 1 KiB, group commit (${4 * WINDOW} in flight)`, WRITES, r.seconds, r.lat, '>= 15000/s');
  // The writes above left the cache of latest entries empty: one pass over the keys reads
  // each from SQLite, then random reads find them in the cache.
  r = syncLoop(KEYS, (i) => store.read('bench', `k${i}`));
  row('store', 'read 1 KiB (latest, first read of each key: SQLite)', KEYS, r.seconds, r.lat);
  r = syncLoop(READS, () => store.read('bench', `k${randomInt(KEYS)}`));
  row('store', 'read 1 KiB (latest, random keys, cached)', READS, r.seconds, r.lat, '>= 150000/s');
  store.close();
}

// ---------------------------------------------------------------- through kernel.call
{
  const kernel = await createKernel({ config: { dataDir: join(dir, 'kernel'), logLevel: 'silent', drivers: { loadExamples: false, watch: false } } });
  try {
    const write = (i: number) => kernel.call('sys_context_write', { namespace: 'bench', key: `k${i % KEYS}`, data: VALUE });
    let r = await closedLoop(WRITES, WINDOW, write);
    row('kernel.call', `sys_context_write 1 KiB (${WINDOW} in flight)`, WRITES, r.seconds, r.lat);
    r = await closedLoop(WRITES, 4 * WINDOW, write);
    row('kernel.call', `sys_context_write 1 KiB (${4 * WINDOW} in flight)`, WRITES, r.seconds, r.lat);
    const read = () => kernel.call('sys_context_read', { namespace: 'bench', key: `k${randomInt(KEYS)}` });
    r = await closedLoop(READS / 2, 1, read);
    row('kernel.call', 'sys_context_read 1 KiB (one at a time)', READS / 2, r.seconds, r.lat);
    r = await closedLoop(READS / 2, WINDOW, read);
    row('kernel.call', `sys_context_read 1 KiB (${WINDOW} in flight)`, READS / 2, r.seconds, r.lat);
  } finally {
    await kernel.close();
  }
}

// ---------------------------------------------------------------- snapshot and restore
const snapshotFacts: Record<string, number> = {};
{
  const store = openStore('snapshot.db');
  const fill = (store: ContextStore, tag: string, count: number) => {
    for (let start = 0; start < count; start += 10_000) {
      const s = store.begin(`fill-${tag}-${start}`, 'bench');
      for (let i = start; i < Math.min(count, start + 10_000); i++) s.write('big', `key-${i}`, tag === 'a' ? VALUE : randomBytes(1024));
      s.commit();
    }
  };
  fill(store, 'a', SNAPSHOT_KEYS);
  const snapTimes: number[] = [];
  let snapshotId = '';
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    snapshotId = store.snapshot('big', { author: 'bench', description: `run ${i}` }).snapshotId;
    snapTimes.push(ms(t0));
  }
  const s = stats(snapTimes);
  rows.push({ path: 'store', operation: `snapshot of ${SNAPSHOT_KEYS} keys (5 runs)`, 'ops/s': '', 'p50 ms': s.p50, 'p99 ms': s.max, target: '< 100 ms', meets: s.max < 100 ? 'yes' : 'no' });

  fill(store, 'b', SNAPSHOT_KEYS);
  let t0 = performance.now();
  const all = store.restore(snapshotId, { author: 'bench' });
  const allMs = ms(t0);
  rows.push({ path: 'store', operation: `restore, all ${all.restoredItems} keys changed`, 'ops/s': '', 'p50 ms': allMs, 'p99 ms': '', target: '< 2000 ms', meets: allMs < 2000 ? 'yes' : 'no' });
  t0 = performance.now();
  const none = store.restore(snapshotId, { author: 'bench' });
  const noneMs = ms(t0);
  rows.push({ path: 'store', operation: `restore, ${none.restoredItems} keys changed (compare only)`, 'ops/s': '', 'p50 ms': noneMs, 'p99 ms': '', target: '< 2000 ms', meets: noneMs < 2000 ? 'yes' : 'no' });
  snapshotFacts.keys = SNAPSHOT_KEYS;
  snapshotFacts['value bytes'] = VALUE.length;
  store.close();
}

// ---------------------------------------------------------------- over the Session stream
{
  const remote = await startKernel(join(dir, 'remote'));
  const client = new CamosClient({ address: `127.0.0.1:${remote.port}`, token: remote.token });
  try {
    const write = (i: number) => client.contextWrite({ namespace: 'bench', key: `k${i % KEYS}`, data: VALUE });
    await closedLoop(2_000, WINDOW, write); // warm-up
    let r = await closedLoop(WRITES / 2, WINDOW, write);
    row('Session stream', `sys_context_write 1 KiB (${WINDOW} in flight)`, WRITES / 2, r.seconds, r.lat);
    const read = () => client.contextRead({ namespace: 'bench', key: `k${randomInt(KEYS)}` });
    r = await closedLoop(READS / 4, WINDOW, read);
    row('Session stream', `sys_context_read 1 KiB (${WINDOW} in flight)`, READS / 4, r.seconds, r.lat);
    r = await closedLoop(READS / 20, 1, read);
    row('Session stream', 'sys_context_read 1 KiB (one at a time)', READS / 20, r.seconds, r.lat);
  } finally {
    client.close();
    remote.child.kill('SIGTERM');
    await new Promise((r) => remote.child.once('exit', r));
  }
}

rmSync(dir, { recursive: true, force: true });
report('context: 1 KiB values, durable writes (WAL, synchronous=FULL)', rows, { snapshot: snapshotFacts, quick });
