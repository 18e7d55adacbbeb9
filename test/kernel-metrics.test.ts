// The per-syscall latency histogram (host/telemetry/metrics.ts): Prometheus semantics, in the
// exposition prom-client gives, since it counts on its own rather than through prom-client.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KernelMetrics } from '../host/telemetry/metrics.ts';

const line = (text: string, series: string) => {
  const m = new RegExp(`^${series.replace(/[{}.+"]/g, (c) => `\\${c}`)} (\\S+)$`, 'm').exec(text);
  assert.ok(m, `no line for ${series}`);
  return Number(m[1]);
};

test('latency buckets are cumulative, a value on a bound counts in it, and +Inf, _sum and _count add up', async () => {
  const m = new KernelMetrics();
  for (const s of [0.00001, 0.0004, 0.001, 0.003, 2]) m.observe('sys_health_check', 'ok', s);
  m.observe('sys_context_read', 'not_found', 0.00002);
  m.observe('sys_context_read', 'ok', Number.NaN); // not a duration: not counted
  const text = await m.text();
  const bucket = (le: string, syscall = 'sys_health_check') => line(text, `camos_syscall_duration_seconds_bucket{le="${le}",syscall="${syscall}"}`);
  assert.equal(bucket('0.00001'), 1);
  assert.equal(bucket('0.0005'), 2);
  assert.equal(bucket('0.001'), 3);
  assert.equal(bucket('0.005'), 4);
  assert.equal(bucket('1'), 4);
  assert.equal(bucket('+Inf'), 5);
  assert.equal(line(text, 'camos_syscall_duration_seconds_count{syscall="sys_health_check"}'), 5);
  assert.ok(Math.abs(line(text, 'camos_syscall_duration_seconds_sum{syscall="sys_health_check"}') - 2.00441) < 1e-9);
  assert.equal(bucket('0.00001', 'sys_context_read'), 0);
  assert.equal(bucket('0.000025', 'sys_context_read'), 1);
  assert.equal(line(text, 'camos_syscall_duration_seconds_count{syscall="sys_context_read"}'), 1);
  assert.equal(line(text, 'camos_syscall_errors_total{syscall="sys_context_read",code="NOT_FOUND"}'), 1);
  // The JSON form merges the syscall label in, as prom-client's does.
  const json = (await m.registry.getMetricsAsJSON()).find((x) => x.name === 'camos_syscall_duration_seconds')!;
  assert.equal(json.type, 'histogram');
  assert.deepEqual((json.values as { metricName?: string; labels: Record<string, unknown>; value: number }[]).find((v) => v.metricName === 'camos_syscall_duration_seconds_count' && v.labels.syscall === 'sys_health_check')?.value, 5);
});
