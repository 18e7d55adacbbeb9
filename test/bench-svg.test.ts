// The benchmark charts (bench/svg.ts): standalone SVG, every series drawn, text escaped.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { latencyChart, throughputChart } from '../bench/svg.ts';

const curve = (scale: number): [number, number][] => [[0, scale], [50, 2 * scale], [99, 10 * scale], [99.9, 50 * scale], [100, 80 * scale]];

test('a latency chart draws one line per series through its percentiles, left to right, slower higher', () => {
  const svg = latencyChart({ title: 'calls <fast> & slow', subtitle: 's', unit: 'µs', series: [{ label: 'a', points: curve(1) }, { label: 'b "quoted"', points: curve(100) }] });
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.ok(svg.includes('calls &#60;fast&#62; &#38; slow') && svg.includes('b &#34;quoted&#34;'), 'text is escaped');
  const paths = [...svg.matchAll(/<path d="([^"]+)"/g)].map((m) => m[1].split(' ').map((p) => p.slice(1).split(',').map(Number)));
  assert.equal(paths.length, 2);
  for (const pts of paths) for (let i = 1; i < pts.length; i++) assert.ok(pts[i][0] >= pts[i - 1][0] && pts[i][1] <= pts[i - 1][1], 'x grows with the percentile, y (downwards) shrinks as latency grows');
  assert.ok(paths[1][0][1] < paths[0][0][1], 'the slower series is drawn higher');
  assert.match(svg, /b &#34;quoted&#34; — p50 200, p99 1,000 µs/);
});

test('a throughput chart draws bars in proportion to their values', () => {
  const svg = throughputChart({ title: 't', subtitle: 's', unit: 'calls/s', bars: [{ label: 'x', value: 1000 }, { label: 'y', value: 250 }] });
  const widths = [...svg.matchAll(/<rect x="16" y="[\d.]+" width="([\d.]+)"/g)].map((m) => Number(m[1]));
  assert.equal(widths.length, 2);
  assert.ok(Math.abs(widths[0] / widths[1] - 4) < 0.01, `${widths}`);
  assert.match(svg, /1,000 calls\/s/);
});
