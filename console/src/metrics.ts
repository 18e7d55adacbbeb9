// The kernel's Prometheus exposition (GET /metrics), read into numbers, and two samples of
// it turned into rates: calls/s, errors/s and the p99 latency per syscall over the interval.
export interface Sample {
  at: number;
  /** name -> one entry per label set */
  series: Map<string, { labels: Record<string, string>; value: number }[]>;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parseMetrics(text: string, at = Date.now()): Sample {
  const series: Sample['series'] = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(LABEL)) labels[l[1]] = l[2].replace(/\\(.)/g, '$1');
    const list = series.get(m[1]) ?? [];
    list.push({ labels, value: Number(m[3]) });
    series.set(m[1], list);
  }
  return { at, series };
}

export const value = (s: Sample, name: string, labels: Record<string, string> = {}): number =>
  (s.series.get(name) ?? []).filter((e) => Object.entries(labels).every(([k, v]) => e.labels[k] === v)).reduce((n, e) => n + e.value, 0);

export interface SyscallRate {
  syscall: string;
  callsPerSecond: number;
  errorsPerSecond: number;
  /** Upper bound of the bucket holding the 99th percentile of the interval's calls, in ms (Infinity: above the last bound); null without calls. */
  p99Ms: number | null;
}

const sumBy = (s: Sample, name: string) => {
  const out = new Map<string, number>();
  for (const e of s.series.get(name) ?? []) out.set(e.labels.syscall, (out.get(e.labels.syscall) ?? 0) + e.value);
  return out;
};

/** Rates between two samples of the same kernel, per syscall that was called in between. */
export function rates(prev: Sample, next: Sample): SyscallRate[] {
  const dt = (next.at - prev.at) / 1000;
  if (dt <= 0) return [];
  const [c0, c1] = [sumBy(prev, 'camos_syscalls_total'), sumBy(next, 'camos_syscalls_total')];
  const [e0, e1] = [sumBy(prev, 'camos_syscall_errors_total'), sumBy(next, 'camos_syscall_errors_total')];
  const out: SyscallRate[] = [];
  for (const [syscall, n] of c1) {
    const calls = n - (c0.get(syscall) ?? 0);
    if (calls <= 0) continue;
    out.push({ syscall, callsPerSecond: calls / dt, errorsPerSecond: ((e1.get(syscall) ?? 0) - (e0.get(syscall) ?? 0)) / dt, p99Ms: p99(prev, next, syscall) });
  }
  return out.sort((a, b) => b.callsPerSecond - a.callsPerSecond);
}

function p99(prev: Sample, next: Sample, syscall: string): number | null {
  const buckets = (s: Sample) => new Map((s.series.get('camos_syscall_duration_seconds_bucket') ?? []).filter((e) => e.labels.syscall === syscall).map((e) => [e.labels.le, e.value]));
  const [b0, b1] = [buckets(prev), buckets(next)];
  const bound = (le: string) => (le === '+Inf' ? Infinity : Number(le));
  const bounds = [...b1.keys()].sort((a, b) => bound(a) - bound(b));
  const total = (b1.get('+Inf') ?? 0) - (b0.get('+Inf') ?? 0);
  if (total <= 0) return null;
  for (const le of bounds) if ((b1.get(le) ?? 0) - (b0.get(le) ?? 0) >= 0.99 * total) return bound(le) * 1000;
  return null;
}
