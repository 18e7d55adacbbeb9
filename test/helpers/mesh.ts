// Federated kernels for the federation suites: a real NATS server (test/helpers/nats.ts) and
// `n` kernels in this process, each with its own data directory, trusting each other's keys.
import { after, before } from 'node:test';
import { publicKeyToJson } from '../../host/crypto/index.ts';
import { addTrustedPeer } from '../../host/federation/index.ts';
import type { ConfigInput } from '../../host/config/index.ts';
import { startKernel, type RunningKernel } from './kernel.ts';
import { startNats, type Nats } from './nats.ts';

export interface MeshOptions {
  /** Merged into each kernel's federation section. */
  federation?: Record<string, unknown>;
  /** Merged into each kernel's config. */
  config?: ConfigInput;
  /** Node ids, k1..kn by default. */
  names?: string[];
}

export const nodeOf = (k: RunningKernel) => (k.kernel.config.federation as { nodeId: string }).nodeId;

/** Each kernel trusts every other's kernel key. */
export function trustEachOther(ks: RunningKernel[]): void {
  for (const a of ks) for (const b of ks) if (a !== b) addTrustedPeer(a.dataDir, nodeOf(b), publicKeyToJson(b.kernel.keys!.identity()));
}

export async function mesh(nats: Nats, n: number, o: MeshOptions = {}): Promise<RunningKernel[]> {
  const ks: RunningKernel[] = [];
  for (let i = 1; i <= n; i++) {
    ks.push(await startKernel({ ...o.config, drivers: { loadExamples: false, watch: false }, federation: { url: nats.url, nodeId: o.names?.[i - 1] ?? `k${i}`, ...o.federation } } as never));
  }
  trustEachOther(ks);
  for (const k of ks) await until(() => k.kernel.health().then((h) => h.components.federation?.status === 'ok'));
  return ks;
}

export async function until(check: () => boolean | Promise<boolean>, what = 'condition', tries = 1000): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Polls `k`'s audit log until a record of `syscall` mentions `text`. */
export const audited = (k: RunningKernel, syscall: string, text: string) =>
  until(async () => {
    const r = await k.kernel.call('sys_audit_query', { syscalls: [syscall], limit: 100 });
    return r.records.some((x: unknown) => JSON.stringify(x).includes(text));
  }, `a ${syscall} record mentioning ${text}`);

/** For the describe block it is called in: a NATS server and `n` kernels federated through it, started before its tests and stopped after. */
export function useMesh(n: number, o: MeshOptions = {}): RunningKernel[] & { nats?: Nats } {
  const ks: RunningKernel[] & { nats?: Nats } = [];
  before(async () => {
    ks.nats = await startNats();
    ks.push(...(await mesh(ks.nats, n, o)));
  });
  after(async () => {
    for (const k of ks) await k.stop();
    await ks.nats?.stop();
  });
  return ks;
}
