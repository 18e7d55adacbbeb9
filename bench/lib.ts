// Shared by the benchmarks: percentiles, a table printer, --json output, and with --svg the
// charts (bench/svg.ts) written beside the JSON (docs/bench/, or --out <dir>).
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fromRoot } from '../host/base/root.ts';
import { latencyChart, throughputChart, type LatencySeries, type ThroughputBar } from './svg.ts';

export const wantJson = process.argv.includes('--json');
export const wantSvg = process.argv.includes('--svg') || process.argv.includes('--plot');

/** The percentiles a latency distribution is drawn through (the "nines" of a latency chart). */
export const CURVE_PERCENTILES = [0, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 100] as const;

export interface Stats {
  n: number;
  mean: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
  /** The sample at each of CURVE_PERCENTILES. */
  curve: number[];
}

export function stats(samples: number[]): Stats {
  const s = Float64Array.from(samples).sort();
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  const mean = s.reduce((a, b) => a + b, 0) / (s.length || 1);
  return { n: s.length, mean, p50: at(0.5), p99: at(0.99), p999: at(0.999), max: s[s.length - 1], curve: CURVE_PERCENTILES.map((p) => at(p / 100)) };
}

export type Row = Record<string, string | number>;

/** What a benchmark can draw: latency distributions (one line each) and throughputs (one bar each). */
export interface Plots {
  latency?: { unit: string; series: { label: string; stats: Stats }[] };
  throughput?: { unit: string; bars: ThroughputBar[] };
}

/** Prints rows as an aligned table (or collects them for --json); with --svg also writes the charts. */
export function report(title: string, rows: Row[], extra: Record<string, unknown> = {}, plots: Plots = {}): void {
  if (wantSvg) writePlots(title, rows, extra, plots);
  if (wantJson) {
    console.log(JSON.stringify({ benchmark: title, machine: machine(), rows, ...extra }, null, 2));
    return;
  }
  console.log(`\n${title}  (${machine().cpus}x ${machine().cpu}, node ${process.version})`);
  if (!rows.length) return;
  const cols = Object.keys(rows[0]);
  const cell = (v: unknown) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(v < 10 ? 3 : 1)) : String(v));
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  console.log(cols.map((c, i) => c.padEnd(widths[i])).join('  '));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(cols.map((c, i) => cell(r[c]).padEnd(widths[i])).join('  '));
  for (const [k, v] of Object.entries(extra)) console.log(`${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`);
}

/** <out>/<bench>.json (what --json prints, plus the plotted data) and <bench>-latency.svg, <bench>-throughput.svg beside it. */
function writePlots(title: string, rows: Row[], extra: Record<string, unknown>, plots: Plots): void {
  const at = process.argv.indexOf('--out');
  const dir = at > 0 ? process.argv[at + 1] : fromRoot('docs/bench');
  const name = process.argv.slice(2).find((a) => !a.startsWith('-')) ?? 'bench'; // as bench/run.ts reads it
  mkdirSync(dir, { recursive: true });
  const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const subtitle = `${when} UTC · ${machine().cpus}x ${machine().cpu} · node ${process.version}`;
  const written: string[] = [];
  if (plots.latency?.series.length) {
    const series: LatencySeries[] = plots.latency.series.map((s) => ({ label: s.label, points: CURVE_PERCENTILES.map((p, i) => [p, s.stats.curve[i]]) }));
    writeFileSync(join(dir, `${name}-latency.svg`), latencyChart({ title: `${title}: latency distribution`, subtitle, unit: plots.latency.unit, series }));
    written.push(`${name}-latency.svg`);
  }
  if (plots.throughput?.bars.length) {
    writeFileSync(join(dir, `${name}-throughput.svg`), throughputChart({ title: `${title}: throughput`, subtitle, unit: plots.throughput.unit, bars: plots.throughput.bars }));
    written.push(`${name}-throughput.svg`);
  }
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify({ benchmark: title, machine: machine(), rows, ...extra, plots }, null, 2)}\n`);
  console.error(`bench: wrote ${[`${name}.json`, ...written].map((f) => join(dir, f)).join(', ')}`);
}

export function machine() {
  const c = cpus();
  return { cpus: c.length, cpu: c[0]?.model.trim() ?? 'unknown', node: process.version, platform: process.platform };
}
