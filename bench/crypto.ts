// `npm run bench -- crypto [--json]`: p50 per operation of the kernel's cryptography:
// hybrid sign/verify (ML-DSA-65 + Ed25519 over camos-sign-v2) at 1 KiB and 1 MiB, the main
// thread's stalls while signing (on the signing thread, and on the main thread), secure
// channel establishment, seal+open of one record, and a sealed health check versus an
// unsealed one over the same Session stream.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChannelHandshake, ChannelTable, KeyStore, SIGNING_PURPOSE } from '../host/crypto/index.ts';
import { generateHybridKeyPair, hybridSign } from '../host/crypto/hybrid.ts';
import { createKernel, serve } from '../host/index.ts';
import { CamosClient } from '../sdk/client/index.ts';
import { SecureChannel } from '../sdk/client/channel.ts';
import { report, stats, type Row } from './lib.ts';

const dir = mkdtempSync(join(tmpdir(), 'camos-bench-crypto-'));
const rows: Row[] = [];
const P = SIGNING_PURPOSE.tpmSign;

/** Runs the operations in turn, n rounds, so that all of them see the same machine load. */
async function measure(n: number, ops: [string, () => unknown][]): Promise<void> {
  for (let i = 0; i < Math.min(10, n); i++) for (const [, fn] of ops) await fn(); // warm-up
  const samples = ops.map(() => [] as number[]);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < ops.length; j++) {
      const t = performance.now();
      await ops[j][1]();
      samples[j].push(performance.now() - t);
    }
  }
  ops.forEach(([op], j) => {
    const s = stats(samples[j]);
    rows.push({ op, n: s.n, 'p50 ms': s.p50, 'p99 ms': s.p99, 'mean ms': s.mean });
  });
}

try {
  const keys = await KeyStore.open({ dataDir: join(dir, 'keys'), backend: 'software', tpmTcti: '', passphraseEnv: '' });
  const small = Buffer.alloc(1024, 0x5a);
  const large = Buffer.alloc(1 << 20, 0x5a);
  const [smallSig, largeSig] = [await keys.sign(P, small), await keys.sign(P, large)];
  await measure(200, [
    ['hybrid sign 1 KiB', () => keys.sign(P, small)],
    ['hybrid sign 1 MiB', () => keys.sign(P, large)],
    ['hybrid verify 1 KiB', () => keys.verify(P, small, smallSig.signature)],
    ['hybrid verify 1 MiB', () => keys.verify(P, large, largeSig.signature)],
  ]);

  // What a signature costs everything else: the main thread's stalls, as the gaps between
  // ticks of a 1 ms timer, while 50 signatures are made one after another, by the key store
  // (on its signing thread) and by hybridSign on the main thread, as the key store did before.
  const onMain = generateHybridKeyPair();
  for (const [op, sign] of [
    ['main-thread stalls (1 ms timer gaps) while signing, key store (signing thread)', () => keys.sign(P, small)],
    ['main-thread stalls (1 ms timer gaps) while signing, hybridSign on the main thread', () => hybridSign(onMain, small)],
  ] as const) {
    const gaps: number[] = [];
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      gaps.push(now - last);
      last = now;
    }, 1);
    for (let i = 0; i < 50; i++) {
      await sign();
      await new Promise((r) => setImmediate(r));
    }
    clearInterval(ticker);
    const g = stats(gaps);
    rows.push({ op, n: g.n, 'p50 ms': g.p50, 'p99 ms': g.p99, 'mean ms': g.mean });
  }

  const table = new ChannelTable(keys, { ttlMs: 3_600_000, rekeyAfter: 1000, maxChannels: 100_000, maxChannelsPerPrincipal: 100_000 });
  const trusted = [keys.identity()];
  await measure(50, [
    [
      'channel establishment (both ends, in process)',
      async () => {
        const hs = new ChannelHandshake('bench');
        hs.finish(await table.establish('bench', hs.share, 'bench'), trusted);
      },
    ],
  ]);
  const hs = new ChannelHandshake('bench');
  const answer = await table.establish('bench', hs.share, 'bench');
  const end = hs.finish(answer, trusted);
  const record = Buffer.alloc(64, 1);
  await measure(5000, [
    [
      'seal + open one 64 B record each way (2 seals, 2 opens)',
      () => {
        table.openSealed(answer.channelId, end.seal(record));
        end.open(table.seal(answer.channelId, record));
      },
    ],
  ]);

  const kernel = await createKernel({ config: { dataDir: join(dir, 'kernel'), logLevel: 'silent', keys: { channelRekeyAfter: 100_000 } } });
  const doors = await serve(kernel, { host: '127.0.0.1', port: 0 });
  const client = new CamosClient({ address: `127.0.0.1:${doors.port}`, token: kernel.identity.adminToken() });
  try {
    const pinned = [kernel.keys!.identity()];
    await measure(30, [['channel establishment over gRPC (Session stream, incl. client verify)', () => SecureChannel.establish(client, { peerId: 'bench', trusted: pinned })]]);
    const secure = await SecureChannel.establish(client, { peerId: 'bench', trusted: pinned });
    await measure(3000, [
      ['health check, unsealed (Session stream)', () => client.healthCheck({})],
      ['health check, sealed (Session stream)', () => secure.call('healthCheck', {})],
    ]);
  } finally {
    client.close();
    await doors.close(0);
  }
  const p50 = (op: string) => Number(rows.find((r) => r.op === op)!['p50 ms']);
  report('crypto: p50 per operation', rows, {
    sealedOverheadMs: Number((p50('health check, sealed (Session stream)') - p50('health check, unsealed (Session stream)')).toFixed(3)),
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
