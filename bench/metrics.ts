// `npm run bench -- metrics [--json]`: what agents' metric series cost a /metrics scrape,
// and what a scrape costs another caller. For each population of agent series (none; the
// default kernel-wide cap, telemetry.maxSeries, as gauges and as histograms; and ten times
// the cap, which agents could make before the caps): the time the main thread takes to
// write the exposition (every other call waits behind it), one GET /metrics over HTTP (the
// client in this process too), and the latency of sys_health_check over HTTP from a second
// caller while a scraper loops. One more row writes the default cap's worth of series
// through prom-client's registry, as the kernel did before it wrote agents' metrics itself.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Gauge, Registry } from 'prom-client';
import { createKernel, serve } from '../host/index.ts';
import { report, stats, type Row } from './lib.ts';

const SCRAPES = Number(process.env.BENCH_N ?? 30);
const DEFAULT_CAP = 20_000;
const rows: Row[] = [];

async function run(label: string, series: number, type: 'gauge' | 'histogram'): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'camos-bench-metrics-'));
  // The caps raised past the population, so that the bench can make it.
  const kernel = await createKernel({ config: { dataDir: dir, logLevel: 'silent', drivers: { loadExamples: false }, telemetry: { maxMetrics: 100_000, maxSeriesPerMetric: 1_000_000, maxSeriesPerAgent: 10_000_000, maxSeries: 10_000_000 } } });
  const doors = await serve(kernel, { host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${doors.port}`;
  try {
    const perSet = type === 'histogram' ? 14 : 1;
    for (let i = 0; i < Math.ceil(series / perSet); i++) kernel.telemetry!.metrics.emit(`agent-${i % 20}`, { name: `m${i % 50}`, value: 1, unit: '', type, tags: { id: String(i) } });
    const scrape = async () => {
      const t = performance.now();
      await (await fetch(`${base}/metrics`)).text();
      return performance.now() - t;
    };
    // Written in process first: a long pause between scrapes lets the server close the client's idle connection.
    const renders: number[] = [];
    for (let i = 0; i < SCRAPES + 3; i++) {
      const t = performance.now();
      await kernel.metrics.text();
      if (i >= 3) renders.push(performance.now() - t);
    }
    for (let i = 0; i < 3; i++) await scrape();
    const scrapes: number[] = [];
    for (let i = 0; i < SCRAPES; i++) scrapes.push(await scrape());
    // Another caller's health checks while a scraper loops.
    let scraping = true;
    const scraper = (async () => {
      while (scraping) await scrape();
    })();
    const health: number[] = [];
    for (let i = 0; i < SCRAPES * 10; i++) {
      const t = performance.now();
      await (await fetch(`${base}/v1/sys_health_check`, { method: 'POST', body: '{}' })).text();
      health.push(performance.now() - t);
    }
    scraping = false;
    await scraper;
    const r = stats(renders);
    const s = stats(scrapes);
    const h = stats(health);
    rows.push({ 'agent series': label, 'write p50 ms': r.p50, 'write p99 ms': r.p99, 'scrape p50 ms': s.p50, 'scrape p99 ms': s.p99, 'health check p50 ms (while scraping)': h.p50, 'health check p99 ms': h.p99 });
  } finally {
    await doors.close(500);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The same series as prom-client gauges: its registry formats every label at each scrape. */
async function viaPromClient(series: number): Promise<void> {
  const registry = new Registry();
  const gauges = Array.from({ length: 50 }, (_, i) => new Gauge({ name: `camos_agent_m${i}`, help: 'bench', labelNames: ['agent', 'id'], registers: [registry] }));
  for (let i = 0; i < series; i++) gauges[i % 50].set({ agent: `agent-${i % 20}`, id: String(i) }, 1);
  for (let i = 0; i < 3; i++) await registry.metrics();
  const writes: number[] = [];
  for (let i = 0; i < SCRAPES; i++) {
    const t = performance.now();
    await registry.metrics();
    writes.push(performance.now() - t);
  }
  const w = stats(writes);
  rows.push({ 'agent series': `${series} gauges through prom-client's registry (before)`, 'write p50 ms': w.p50, 'write p99 ms': w.p99, 'scrape p50 ms': '', 'scrape p99 ms': '', 'health check p50 ms (while scraping)': '', 'health check p99 ms': '' });
}

await run('none', 0, 'gauge');
await run(`${DEFAULT_CAP} gauges (the default telemetry.maxSeries)`, DEFAULT_CAP, 'gauge');
await run(`${DEFAULT_CAP} as histograms (1,429 label sets)`, DEFAULT_CAP, 'histogram');
await viaPromClient(DEFAULT_CAP);
await run(`${DEFAULT_CAP * 10} gauges (possible before the caps)`, DEFAULT_CAP * 10, 'gauge');
report('agent metric series and /metrics', rows, { scrapes: SCRAPES, healthChecks: SCRAPES * 10 });
