// Two charts as standalone SVG text, for docs/BENCHMARKS.md: a latency distribution (the
// latency at each percentile, x on a "nines" scale so that p99, p99.9 and p99.99 are as far
// apart as p0 and p90, y logarithmic) and a throughput bar chart. Small enough that a
// chart library would be the larger part.
export interface LatencySeries {
  label: string;
  /** [percentile 0..100, latency] pairs, percentiles increasing. */
  points: [number, number][];
}

export interface ThroughputBar {
  label: string;
  value: number;
}

const COLORS = ['#2563eb', '#dc2626', '#059669', '#d97706', '#7c3aed', '#0891b2', '#be185d', '#4b5563', '#65a30d', '#9333ea'];
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, sans-serif"';
const MAX_NINES = 4; // p99.99

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const fmt = (v: number) => (v >= 100 ? Math.round(v).toLocaleString('en-US') : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toPrecision(2));
/** A percentile's place on the nines scale: p0 → 0, p90 → 1, p99 → 2, ..., capped at MAX_NINES. */
/** A decade's tick label: 0.01, 0.1, 1, 10, 100, 1k, 10k, 100k, 1M. */
const decade = (e: number) => (e >= 6 ? `${10 ** (e - 6)}M` : e >= 3 ? `${10 ** (e - 3)}k` : e >= 0 ? String(10 ** e) : (10 ** e).toFixed(-e));
const nines = (p: number) => Math.min(MAX_NINES, -Math.log10(Math.max(1 - p / 100, 10 ** -MAX_NINES)));

function frame(width: number, height: number, title: string, subtitle: string, body: string): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT} font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="16" y="24" font-size="15" font-weight="600" fill="#1f2933">${esc(title)}</text>`,
    `<text x="16" y="42" font-size="11" fill="#6b7280">${esc(subtitle)}</text>`,
    body,
    '</svg>',
    '',
  ].join('\n');
}

export function latencyChart(o: { title: string; subtitle: string; unit: string; series: LatencySeries[] }): string {
  const [W, legendH] = [760, 18 * o.series.length + 8];
  const [left, top, right, plotH] = [64, 60, 24, 300];
  const H = top + plotH + 44 + legendH;
  const plotW = W - left - right;
  const values = o.series.flatMap((s) => s.points.map(([, v]) => v)).filter((v) => v > 0);
  const lo = Math.floor(Math.log10(Math.min(...values, 1)));
  const hi = Math.ceil(Math.log10(Math.max(...values, 10)));
  const x = (p: number) => left + (nines(p) / MAX_NINES) * plotW;
  const y = (v: number) => top + plotH - ((Math.log10(Math.max(v, 10 ** lo)) - lo) / Math.max(1, hi - lo)) * plotH;
  const parts: string[] = [];
  for (let e = lo; e <= hi; e++) {
    const yy = y(10 ** e).toFixed(1);
    parts.push(`<line x1="${left}" x2="${W - right}" y1="${yy}" y2="${yy}" stroke="#e5e7eb"/>`, `<text x="${left - 6}" y="${yy}" dy="4" text-anchor="end" fill="#4b5563">${decade(e)}</text>`);
  }
  for (const [p, label] of [[0, 'p0'], [50, 'p50'], [90, 'p90'], [99, 'p99'], [99.9, 'p99.9'], [99.99, 'p99.99']] as const) {
    const xx = x(p).toFixed(1);
    parts.push(`<line x1="${xx}" x2="${xx}" y1="${top}" y2="${top + plotH}" stroke="#e5e7eb"/>`, `<text x="${xx}" y="${top + plotH + 16}" text-anchor="middle" fill="#4b5563">${label}</text>`);
  }
  parts.push(`<text x="${left + plotW / 2}" y="${top + plotH + 34}" text-anchor="middle" fill="#6b7280">percentile of calls</text>`);
  parts.push(`<text transform="translate(16 ${top + plotH / 2}) rotate(-90)" text-anchor="middle" fill="#6b7280">latency (${esc(o.unit)}, log scale)</text>`);
  o.series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const d = s.points.map(([p, v], j) => `${j ? 'L' : 'M'}${x(p).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"/>`);
    const p50 = s.points.find(([p]) => p === 50)?.[1];
    const p99 = s.points.find(([p]) => p === 99)?.[1];
    const ly = top + plotH + 52 + 18 * i;
    parts.push(
      `<rect x="${left}" y="${ly - 9}" width="14" height="4" fill="${color}"/>`,
      `<text x="${left + 22}" y="${ly - 4}" fill="#1f2933">${esc(s.label)}${p50 !== undefined && p99 !== undefined ? ` — p50 ${fmt(p50)}, p99 ${fmt(p99)} ${esc(o.unit)}` : ''}</text>`,
    );
  });
  return frame(W, H, o.title, o.subtitle, parts.join('\n'));
}

export function throughputChart(o: { title: string; subtitle: string; unit: string; bars: ThroughputBar[] }): string {
  const [W, left, right, top, barH, gap] = [760, 16, 120, 60, 18, 10];
  const H = top + o.bars.length * (barH * 2 + gap) + 20;
  const max = Math.max(...o.bars.map((b) => b.value), 1);
  const plotW = W - left - right;
  const parts = o.bars.map((b, i) => {
    const yy = top + i * (barH * 2 + gap);
    const w = Math.max(1, (b.value / max) * plotW);
    return [
      `<text x="${left}" y="${yy + 12}" fill="#1f2933">${esc(b.label)}</text>`,
      `<rect x="${left}" y="${yy + barH}" width="${w.toFixed(1)}" height="${barH - 4}" rx="2" fill="${COLORS[i % COLORS.length]}"/>`,
      `<text x="${(left + w + 6).toFixed(1)}" y="${yy + barH + 11}" fill="#4b5563">${fmt(b.value)} ${esc(o.unit)}</text>`,
    ].join('\n');
  });
  return frame(W, H, o.title, o.subtitle, parts.join('\n'));
}
