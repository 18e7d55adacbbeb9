// `npm run bench -- crypto [--json] [--quick]`: the kernel's cryptography on both
// post-quantum backends (host/crypto/pq.ts), pqclean and noble, in one run, taking turns
// (measure below), so that both see the same machine load.
//   - ML-DSA-65 and ML-KEM-768 alone;
//   - hybrid sign and verify (ML-DSA-65 + Ed25519 over camos-sign-v3) at 1 KiB and 1 MiB;
//   - secure channel establishment, in process and over gRPC;
//   - a cold hot-load of a 100 KiB signed driver (verify + compile + first call);
//   - the main thread's stalls while the key store signs, wherever each backend signs, and
//     where it could sign instead (noble on the main thread; pqclean on a thread), and what
//     a signing thread's start adds to the first signature after it stopped;
//   - seal + open of a record, and a sealed health check against an unsealed one.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ChannelHandshake, ChannelTable, KeyStore, SIGNING_PURPOSE, choosePqBackend, pq } from '../host/crypto/index.ts';
import { PQ_BACKENDS, type PqBackendName } from '../host/crypto/config.ts';
import { generateHybridKeyPair, hybridSign } from '../host/crypto/hybrid.ts';
import { SignThread } from '../host/crypto/sign-thread.ts';
import { createKernel, serve } from '../host/index.ts';
import { CamosClient } from '../sdk/client/index.ts';
import { SecureChannel } from '../sdk/client/channel.ts';
import { buildEcho, echoManifest, withPayload } from './_driver.ts';
import { report, stats, type Row } from './lib.ts';

const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 50 : 200;
const dir = mkdtempSync(join(tmpdir(), 'camos-bench-crypto-'));
const rows: Row[] = [];
const P = SIGNING_PURPOSE.tpmSign;
/** An operation, the backend it runs on ('-': none), and what to do after it, off the clock. */
type Op = [op: string, backend: PqBackendName | '-', run: () => unknown, after?: () => unknown];

/**
 * Runs each operation n times: in two halves of n/2 rounds in a row, the operations taking
 * turns (a, b, c, a, b, c), so that all of them see the same machine load over the run
 * while each runs among its own garbage (noble's allocations would otherwise bring garbage
 * collections into the pqclean rounds between them).
 */
async function measure(n: number, ops: Op[]): Promise<void> {
  const samples = ops.map(() => [] as number[]);
  for (const [, backend, fn, after] of ops) {
    if (backend !== '-') choosePqBackend(backend);
    for (let i = 0; i < Math.min(10, n); i++) {
      await fn();
      await after?.();
    }
  }
  for (let half = 0; half < 2; half++) {
    for (const [j, [, backend, fn, after]] of ops.entries()) {
      if (backend !== '-') choosePqBackend(backend);
      for (let i = 0; i < n / 2; i++) {
        const t = performance.now();
        await fn();
        samples[j].push(performance.now() - t);
        await after?.();
      }
    }
  }
  ops.forEach(([op, backend], j) => add(op, backend, samples[j]));
}
const add = (op: string, backend: string, samples: number[]) => {
  const s = stats(samples);
  rows.push({ op, backend, n: s.n, 'p50 ms': s.p50, 'p99 ms': s.p99, 'max ms': s.max });
};
const perBackend = (op: string, fn: () => unknown, after?: () => unknown): Op[] => PQ_BACKENDS.map((b) => [op, b, fn, after]);

/** The main thread's stalls while `sign` runs ROUNDS times in a row: the gaps between ticks of a 1 ms timer. */
async function stalls(op: string, backend: PqBackendName, sign: () => unknown): Promise<void> {
  choosePqBackend(backend);
  for (let i = 0; i < 5; i++) await sign();
  const gaps: number[] = [];
  let last = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    gaps.push(now - last);
    last = now;
  }, 1);
  for (let i = 0; i < ROUNDS; i++) {
    await sign();
    await new Promise((r) => setImmediate(r));
  }
  clearInterval(ticker);
  add(op, backend, gaps);
}

try {
  const keys = await KeyStore.open({ dataDir: join(dir, 'keys'), backend: 'software', tpmTcti: '', passphraseEnv: '' });
  const small = Buffer.alloc(1024, 0x5a);
  const large = Buffer.alloc(1 << 20, 0x5a);
  const [smallSig, largeSig] = [await keys.sign(P, small), await keys.sign(P, large)];

  // The primitives alone: what each library costs, without camos around it.
  const dsaKey = pq().mlDsa65.keygen();
  const dsaSig = pq().mlDsa65.sign(small, dsaKey.secretKey);
  const kemKey = pq().mlKem768.keygen();
  const kemCt = pq().mlKem768.encapsulate(kemKey.publicKey).cipherText;
  await measure(ROUNDS, [
    ...perBackend('ML-DSA-65 keygen', () => pq().mlDsa65.keygen()),
    ...perBackend('ML-DSA-65 sign 1 KiB', () => pq().mlDsa65.sign(small, dsaKey.secretKey)),
    ...perBackend('ML-DSA-65 verify 1 KiB', () => pq().mlDsa65.verify(dsaSig, small, dsaKey.publicKey)),
    ...perBackend('ML-KEM-768 keygen', () => pq().mlKem768.keygen()),
    ...perBackend('ML-KEM-768 encapsulate', () => pq().mlKem768.encapsulate(kemKey.publicKey)),
    ...perBackend('ML-KEM-768 decapsulate', () => pq().mlKem768.decapsulate(kemCt, kemKey.secretKey)),
  ]);

  await measure(ROUNDS, [
    ...perBackend('hybrid sign 1 KiB (key store)', () => keys.sign(P, small)),
    ...perBackend('hybrid sign 1 MiB (key store)', () => keys.sign(P, large)),
    ...perBackend('hybrid verify 1 KiB', () => keys.verify(P, small, smallSig.signature)),
    ...perBackend('hybrid verify 1 MiB', () => keys.verify(P, large, largeSig.signature)),
  ]);

  const table = new ChannelTable(keys, { ttlMs: 3_600_000, rekeyAfter: 1000, maxChannels: 100_000, maxChannelsPerPrincipal: 100_000 });
  const trusted = [keys.identity()];
  await measure(quick ? 20 : 50, [
    ...perBackend('channel establishment (both ends, in process)', async () => {
      const hs = new ChannelHandshake('bench');
      hs.finish(await table.establish('bench', hs.share, 'bench'), trusted);
    }),
  ]);

  // Where a signature is made, and what it costs everything else. Each backend as the key
  // store signs now (pqclean on the main thread, noble on the signing thread), and as it
  // could instead: noble on the main thread (as before the signing thread); pqclean on a
  // thread of its own (a worker, as the signing thread would be).
  const onMain = generateHybridKeyPair();
  await stalls('main-thread stalls (1 ms timer gaps) while the key store signs 1 KiB', 'pqclean', () => keys.sign(P, small));
  await stalls('main-thread stalls (1 ms timer gaps) while the key store signs 1 KiB', 'noble', () => keys.sign(P, small));
  await stalls('main-thread stalls (1 ms timer gaps) while hybridSign runs on the main thread', 'noble', () => hybridSign(onMain, small));
  const pqcleanThread = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     import('tsx/esm/api').then((tsx) => { tsx.register(); return import(workerData.pq); }).then(({ loadPqclean }) => {
       const { mlDsa65 } = loadPqclean();
       parentPort.on('message', ({ message, secretKey }) => parentPort.postMessage(mlDsa65.sign(message, secretKey)));
       parentPort.postMessage('ready');
     });`,
    { eval: true, workerData: { pq: new URL('../host/crypto/pq.ts', import.meta.url).href } },
  );
  await new Promise((r) => pqcleanThread.once('message', r));
  const signOnThread = (message: Uint8Array) =>
    new Promise<Uint8Array>((resolve) => {
      pqcleanThread.once('message', resolve);
      pqcleanThread.postMessage({ message, secretKey: onMain.mldsaSecret });
    });
  await stalls('main-thread stalls (1 ms timer gaps) while ML-DSA-65 signs 1 KiB on a worker thread', 'pqclean', () => signOnThread(small));
  await measure(ROUNDS, [
    ['ML-DSA-65 sign 1 KiB on a worker thread (post, sign, answer)', 'pqclean', () => signOnThread(small)],
    ['ML-DSA-65 sign 1 KiB on the main thread', 'pqclean', () => pq().mlDsa65.sign(small, onMain.mldsaSecret)],
  ]);
  await pqcleanThread.terminate();
  // What a signing thread costs the first signature after it stopped for want of work: its start.
  const firstOnThread: number[] = [];
  for (let i = 0; i < (quick ? 3 : 10); i++) {
    const thread = new SignThread();
    const t = performance.now();
    await thread.sign(small, onMain.mldsaSecret);
    firstOnThread.push(performance.now() - t);
    await thread.close();
  }
  add('first signature on a signing thread that is not running (thread start + sign)', 'noble', firstOnThread);

  const hs = new ChannelHandshake('bench');
  const answer = await table.establish('bench', hs.share, 'bench');
  const end = hs.finish(answer, trusted);
  const record = Buffer.alloc(64, 1);
  await measure(quick ? 1000 : 5000, [
    [
      'seal + open one 64 B record each way (2 seals, 2 opens)',
      '-',
      () => {
        table.openSealed(answer.channelId, end.seal(record));
        end.open(table.seal(answer.channelId, record));
      },
    ],
  ]);

  const kernel = await createKernel({ config: { dataDir: join(dir, 'kernel'), logLevel: 'silent', keys: { channelRekeyAfter: 100_000, maxChannelsPerPrincipal: 100_000 }, drivers: { loadExamples: false, watch: false } } });
  const doors = await serve(kernel, { host: '127.0.0.1', port: 0 });
  const client = new CamosClient({ address: `127.0.0.1:${doors.port}`, token: kernel.identity.adminToken() });
  try {
    const pinned = [kernel.keys!.identity()];
    await measure(quick ? 10 : 30, perBackend('channel establishment over gRPC (Session stream, incl. client verify)', () => SecureChannel.establish(client, { peerId: 'bench', trusted: pinned })));

    // A cold hot-load: every round a driver with a digest not seen before (bench/_driver.ts),
    // so the manifest's signature is verified, the module compiled and first called afresh.
    const runtime = kernel.drivers!;
    const publisher = generateHybridKeyPair();
    runtime.trust.add(publisher.publicKey, 'bench publisher');
    const echo = await buildEcho();
    const cold = quick ? 50 : ROUNDS;
    let round = 0;
    let loaded = '';
    const input = new Uint8Array(1024);
    const prepared = Array.from({ length: 2 * (cold + 10) }, (_, i) => {
      const module = withPayload(echo, i);
      return { module, manifest: echoManifest(publisher, 'big', `2.0.${i}`, module) };
    });
    await measure(
      cold,
      perBackend(`cold hot-load of a ${Math.round(prepared[0].module.length / 1024)} KiB signed driver: verify + compile + first call`, async () => {
        const p = prepared[round++];
        const { driver } = await runtime.load({ manifest: p.manifest, module: p.module });
        await runtime.invoke(`big@${driver.version}`, input);
        loaded = driver.version;
      }, () => runtime.unload('big', loaded)),
    );

    const secure = await SecureChannel.establish(client, { peerId: 'bench', trusted: pinned });
    await measure(quick ? 500 : 3000, [
      ['health check, unsealed (Session stream)', '-', () => client.healthCheck({})],
      ['health check, sealed (Session stream)', '-', () => secure.call('healthCheck', {})],
    ]);
  } finally {
    client.close();
    await doors.close(0);
  }

  const p50 = (op: string, backend: string) => Number(rows.find((r) => r.op.toString().startsWith(op) && r.backend === backend)!['p50 ms']);
  const ratios = Object.fromEntries(
    [...new Set(rows.filter((r) => r.backend === 'noble' && rows.some((q) => q.op === r.op && q.backend === 'pqclean')).map((r) => String(r.op)))].map((op) => [`${op}: noble / pqclean, p50`, Number((p50(op, 'noble') / p50(op, 'pqclean')).toFixed(1))]),
  );
  report('crypto: both post-quantum backends, one run', rows, {
    sealedOverheadMs: Number((p50('health check, sealed', '-') - p50('health check, unsealed', '-')).toFixed(3)),
    ratios,
    targets: {
      'hybrid sign 1 KiB p50 < 2 ms (pqclean)': p50('hybrid sign 1 KiB', 'pqclean') < 2,
      'hybrid verify 1 KiB p50 < 2 ms (pqclean)': p50('hybrid verify 1 KiB', 'pqclean') < 2,
      'channel establishment p50 < 5 ms (pqclean, in process)': p50('channel establishment (both ends', 'pqclean') < 5,
      'channel establishment p50 < 5 ms (pqclean, over gRPC)': p50('channel establishment over gRPC', 'pqclean') < 5,
      'cold hot-load of 100 KiB p50 < 2 ms (pqclean)': p50('cold hot-load', 'pqclean') < 2,
    },
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
