// Cedar in the authorize stage: one decision uncached (pre-parsed set), a cache miss that
// needs partial evaluation, a cached decision, and a cheap syscall through the whole
// pipeline with and without the policy engine, interleaved in one run.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKernel } from '../host/index.ts';
import { PolicyEngine } from '../host/policy/index.ts';
import type { AuthorizationQuery, Authorizer } from '../host/contract/index.ts';
import { report, stats, type Row } from './lib.ts';

const N = Number(process.env.BENCH_N ?? 5000);
const dir = mkdtempSync(join(tmpdir(), 'camos-bench-policy-'));

function sample(n: number, f: () => unknown): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    f();
    out[i] = Number(process.hrtime.bigint() - t) / 1000;
  }
  return out;
}

async function sampleAsync(n: number, f: () => Promise<unknown>): Promise<number[]> {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await f();
    out[i] = Number(process.hrtime.bigint() - t) / 1000;
  }
  return out;
}

const row = (name: string, s: number[]): Row => {
  const st = stats(s);
  return { measure: name, n: st.n, 'p50 µs': st.p50, 'p99 µs': st.p99, 'mean µs': st.mean };
};

const agents = { agent: () => ({ capabilities: ['plan'], trust: 0.8, groups: ['ops'], status: 'active', registeredBy: 'admin' as const }), taskAgents: () => [] };
const q: AuthorizationQuery = {
  principal: { id: 'agent-b', kind: 'agent' },
  action: 'context_write',
  resource: { type: 'Namespace', id: 'agent-b' },
  syscall: 'sys_context_write',
  request: {},
};
const rows: Row[] = [];

// One Cedar decision without the cache: entities built, pre-parsed set evaluated.
{
  const uncached = new PolicyEngine({ dataDir: mkdtempSync(join(dir, 'u-')), directory: agents, cacheSize: 0 });
  sample(500, () => uncached.authorize(q));
  rows.push(row('authorize, uncached (Cedar, pre-parsed default set)', sample(Math.min(N, 2000), () => uncached.authorize(q))));
  uncached.close();
}

// A cache miss under a set where a policy reads the hour: partial evaluation decides whether to cache.
{
  const text = readFileSync(new URL('../policies/default.cedar', import.meta.url), 'utf8');
  const partial = new PolicyEngine({ dataDir: mkdtempSync(join(dir, 'p-')), directory: agents, cacheSize: 1_000_000 });
  partial.update({ text: `${text}\n@id("night") forbid (principal is Agent, action, resource) when { principal.trust.lessThan(decimal("0.5")) && context.hour < 6 };`, author: 'bench' });
  let i = 0;
  const fresh = () => ({ ...q, resource: { type: 'Namespace', id: `agent-b/${i++}` } });
  sample(200, () => partial.authorize(fresh()));
  rows.push(row('authorize, cache miss with partial evaluation', sample(Math.min(N, 1000), () => partial.authorize(fresh()))));
  partial.close();
}

// The cached path.
const cached = new PolicyEngine({ dataDir: mkdtempSync(join(dir, 'c-')), directory: agents, cacheSize: 100_000 });
cached.authorize(q);
sample(10_000, () => cached.authorize(q));
rows.push(row('authorize, cached', sample(N * 4, () => cached.authorize(q))));
cached.close();

// A cheap syscall through the pipeline, as an agent, alternating between the policy
// engine (cached) and an authorizer that allows everything, in blocks of 250.
const kernel = await createKernel({ config: { dataDir: join(dir, 'kernel'), logLevel: 'silent', drivers: { loadExamples: false, watch: false } } });
const engine = kernel.authorizer;
const allowAll: Authorizer = { authorize: () => ({ allowed: true, reason: 'bench', policies: [] }) };
const call = () => kernel.call('sys_health_check', {}, { agent: 'agent-b' });
const withPolicy: number[] = [];
const without: number[] = [];
await sampleAsync(2000, call);
for (let block = 0; block < Math.max(4, Math.round(N / 250)); block++) {
  kernel.authorizer = engine;
  withPolicy.push(...(await sampleAsync(250, call)));
  kernel.authorizer = allowAll;
  without.push(...(await sampleAsync(250, call)));
}
kernel.authorizer = engine;
rows.push(row('sys_health_check in-process, allow-all authorizer', without));
rows.push(row('sys_health_check in-process, Cedar policy engine', withPolicy));
await kernel.close();
rmSync(dir, { recursive: true, force: true });

const added = stats(withPolicy).p50 - stats(without).p50;
report('policy: Cedar decisions and their cost per syscall', rows, { 'added by the policy engine per syscall, p50 µs': Number(added.toFixed(2)) });
