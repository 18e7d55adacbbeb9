// The shared-state rows of `npm run bench -- federation` (bench/federation.ts runs them on
// its two kernels): a driver loaded on k1 until callable on k2, and a token revoked on k1
// until refused on k2. Both through kernel.call, one at a time, polled on every turn of
// the event loop.
import { generateHybridKeyPair } from '../host/crypto/hybrid.ts';
import type { Kernel } from '../host/index.ts';
import { buildProbe, probeManifest } from '../test/fixtures/probe.ts';
import { stats, type Row } from './lib.ts';

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setImmediate(r));
}

export async function sharedStateRows(k1: Kernel, k2: Kernel, quick: boolean): Promise<Row[]> {
  const core = await buildProbe();
  const publisher = generateHybridKeyPair();
  for (const k of [k1, k2]) k.drivers.trust.add(publisher.publicKey, 'bench publisher');
  const loads: number[] = [];
  for (let i = 0; i < (quick ? 5 : 30); i++) {
    const manifest = probeManifest(core, publisher, { version: `1.0.${i}` });
    const t0 = performance.now();
    await k1.call('sys_driver_load', { manifestData: Buffer.from(manifest), module: Buffer.from(core) });
    await until(() => k2.drivers.has(`probe@1.0.${i}`));
    loads.push(performance.now() - t0);
    await k1.call('sys_driver_unload', { name: 'probe', version: `1.0.${i}` });
    await until(() => !k2.drivers.has(`probe@1.0.${i}`));
  }
  const revocations: number[] = [];
  for (let i = 0; i < (quick ? 20 : 200); i++) {
    const { token, tokenId } = await k1.call('sys_token_create', { agentId: 'bench-agent' });
    await until(() => k2.identity.authenticate(token) !== undefined);
    const t0 = performance.now();
    await k1.call('sys_token_revoke', { tokenId });
    await until(() => k2.identity.authenticate(token) === undefined);
    revocations.push(performance.now() - t0);
  }
  const row = (measure: string, xs: number[]): Row => {
    const s = stats(xs);
    return { measure, n: s.n, 'p50 ms': s.p50, 'p99 ms': s.p99, 'writes/s': '', 'vs unfederated': '' };
  };
  return [row('driver load on k1 -> callable on k2', loads), row('revocation on k1 -> refused on k2', revocations)];
}
