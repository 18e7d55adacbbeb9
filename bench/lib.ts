// Shared by the benchmarks: percentiles, a table printer, and --json output.
export const wantJson = process.argv.includes('--json');

export interface Stats { n: number; mean: number; p50: number; p99: number; p999: number; max: number }

export function stats(samples: number[]): Stats {
  const s = Float64Array.from(samples).sort();
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  const mean = s.reduce((a, b) => a + b, 0) / (s.length || 1);
  return { n: s.length, mean, p50: at(0.5), p99: at(0.99), p999: at(0.999), max: s[s.length - 1] };
}

export type Row = Record<string, string | number>;

/** Prints rows as an aligned table (or collects them for --json). */
export function report(title: string, rows: Row[], extra: Record<string, unknown> = {}): void {
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

import { cpus } from 'node:os';
export function machine() {
  const c = cpus();
  return { cpus: c.length, cpu: c[0]?.model.trim() ?? 'unknown', node: process.version, platform: process.platform };
}
