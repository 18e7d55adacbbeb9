// Federated kernels for tests: a real nats-server (nats.ts) and kernels in this process,
// each with its own data directory, trusting each other's kernel keys.
import { before, after } from 'node:test';
import { publicKeyToJson } from '../../host/crypto/index.ts';
import { addTrustedPeer } from '../../host/federation/index.ts';
import { startKernel, type RunningKernel } from './kernel.ts';
import { startNats, type Nats } from './nats.ts';

export const nodeOf = (k: RunningKernel) => (k.kernel.config.federation as { nodeId: string }).nodeId;

export async function until(check: () => boolean | Promise<boolean>, what = 'condition'): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Kernels k<first>..k<first+n-1> on `nats`, each trusting the others and `peers`; resolves when every one is connected. */
export async function mesh(nats: Nats, n: number, extra: Record<string, unknown> = {}, first = 1, peers: RunningKernel[] = []): Promise<RunningKernel[]> {
  const ks: RunningKernel[] = [];
  for (let i = first; i < first + n; i++) {
    ks.push(await startKernel({ drivers: { loadExamples: false, watch: false }, federation: { url: nats.url, nodeId: `k${i}`, ...extra } } as never));
  }
  const all = [...peers, ...ks];
  for (const a of all) for (const b of all) if (a !== b) addTrustedPeer(a.dataDir, nodeOf(b), publicKeyToJson(b.kernel.keys!.identity()));
  for (const k of ks) await until(() => k.kernel.health().then((h) => h.components.federation?.status === 'ok'));
  return ks;
}

/** Polls `k`'s audit log until a record of `syscall` mentions `text`. */
export const audited = (k: RunningKernel, syscall: string, text: string) =>
  until(async () => {
    const r = await k.kernel.call('sys_audit_query', { syscalls: [syscall], limit: 100 });
    return r.records.some((x: unknown) => JSON.stringify(x).includes(text));
  }, `a ${syscall} record mentioning ${text}`);

/** For the describe block it is called in: a NATS server and `n` kernels federated through it, started before its tests and stopped after. */
export function useMesh(n: number): RunningKernel[] & { nats?: Nats } {
  const ks: RunningKernel[] & { nats?: Nats } = [];
  before(async () => {
    ks.nats = await startNats();
    ks.push(...(await mesh(ks.nats, n)));
  });
  after(async () => {
    for (const k of ks) await k.stop();
    await ks.nats?.stop();
  });
  return ks;
}
