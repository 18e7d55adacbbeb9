// Health of every component (sys_health_check), and live charts from GET /metrics: calls/s,
// errors/s and p99 latency per syscall, each point the rate over the last poll interval.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, call, metricsText } from '../api.ts';
import { LineChart } from '../chart.tsx';
import { parseMetrics, rates, type Sample, type SyscallRate } from '../metrics.ts';
import { ErrorNote, Show, num, time, usePoll } from '../ui.tsx';

const POLL_MS = 2000;
const POINTS = 60;
const TOP = 5;

interface Point {
  at: number;
  rates: SyscallRate[];
}

function useMetricHistory() {
  const last = useRef<Sample>();
  const [points, setPoints] = useState<Point[]>([]);
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    let stopped = false;
    const tick = async () => {
      if (document.visibilityState !== 'visible') return;
      try {
        const s = parseMetrics(await metricsText());
        if (stopped) return;
        if (last.current) setPoints((p) => [...p, { at: s.at, rates: rates(last.current!, s) }].slice(-POINTS));
        last.current = s;
        setError(undefined);
      } catch (e) {
        setError(e);
      }
    };
    tick();
    const timer = setInterval(tick, POLL_MS);
    return () => ((stopped = true), clearInterval(timer));
  }, []);
  return { points, error };
}

function Charts({ points }: { points: Point[] }) {
  const x = points.map((p) => p.at / 1000);
  const totals = new Map<string, number>();
  for (const p of points) for (const r of p.rates) totals.set(r.syscall, (totals.get(r.syscall) ?? 0) + r.callsPerSecond);
  const top = [...totals.entries()].sort((a, b) => b[1] - a[1]).slice(0, TOP).map(([s]) => s);
  const per = (f: (r: SyscallRate) => number | null) => top.map((name) => ({ name, values: points.map((p) => { const r = p.rates.find((q) => q.syscall === name); return r ? f(r) : null; }) }));
  const sum = (f: (r: SyscallRate) => number) => points.map((p) => p.rates.reduce((n, r) => n + f(r), 0));
  const latest = points.at(-1)?.rates ?? [];
  return (
    <>
      <div class="charts">
        <LineChart title="syscalls/s" unit="calls/s" x={x} series={[{ name: 'all', values: sum((r) => r.callsPerSecond) }, ...per((r) => r.callsPerSecond)]} />
        <LineChart title="errors/s" unit="errors/s" x={x} series={[{ name: 'all', values: sum((r) => r.errorsPerSecond) }, ...per((r) => r.errorsPerSecond)]} />
        <LineChart title="p99 latency per syscall" unit="ms" x={x} series={per((r) => (r.p99Ms === Infinity ? null : r.p99Ms))} />
      </div>
      <table>
        <caption>over the last {POLL_MS / 1000} s</caption>
        <thead>
          <tr><th>syscall</th><th>calls/s</th><th>errors/s</th><th>error rate</th><th>p99 (bucket bound)</th></tr>
        </thead>
        <tbody>
          {latest.map((r) => (
            <tr key={r.syscall}>
              <td>{r.syscall}</td>
              <td class="n">{num(r.callsPerSecond, 1)}</td>
              <td class="n">{num(r.errorsPerSecond, 1)}</td>
              <td class="n">{((100 * r.errorsPerSecond) / r.callsPerSecond).toFixed(1)}%</td>
              <td class="n">{r.p99Ms === null ? '—' : r.p99Ms === Infinity ? '> 1000 ms' : `≤ ${num(r.p99Ms, 3)} ms`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

interface Component {
  status: string;
  details: Record<string, string>;
}

function ComponentCard({ name, c }: { name: string; c: Component }) {
  return (
    <section class={`card status-${c.status}`} aria-label={`component ${name}`}>
      <h3>
        {name} <span class="badge">{c.status}</span>
      </h3>
      <dl>
        {Object.entries(c.details ?? {}).map(([k, v]) => (
          <>
            <dt key={`${k}-t`}>{k}</dt>
            <dd key={`${k}-d`}>{v}</dd>
          </>
        ))}
      </dl>
    </section>
  );
}

// The components an operator looks at first: the driver pool, the audit writer, federation once it exists.
const FIRST = ['kernel', 'drivers', 'audit', 'federation'];

/**
 * The detailed report needs a health_detail grant (the admin's unless a policy gives it);
 * refused once, the page asks for the summary from then on.
 */
function useHealth() {
  const detailed = useRef(true);
  return usePoll(async () => {
    if (detailed.current) {
      try {
        return await call('sys_health_check', { detailed: true });
      } catch (e) {
        if (!(e instanceof ApiError && e.status === 'PERMISSION_DENIED')) throw e;
        detailed.current = false;
      }
    }
    return call('sys_health_check', {});
  }, POLL_MS);
}

export function Overview() {
  const health = useHealth();
  const { points, error } = useMetricHistory();
  return (
    <>
      <Show loaded={health}>
        {(h) => {
          const names = Object.keys(h.components ?? {}).sort((a, b) => (FIRST.indexOf(a) + 1 || 99) - (FIRST.indexOf(b) + 1 || 99) || a.localeCompare(b));
          return (
            <>
              <p class="summary">
                kernel <span class={`badge status-${h.status}`} data-testid="kernel-status">{h.status}</span> version {h.version}, up {Math.round(Number(h.uptimeMs) / 1000)} s (as of {time(h.timestamp)})
              </p>
              {names.length ? (
                <div class="cards">{names.map((n) => <ComponentCard key={n} name={n} c={h.components[n]} />)}</div>
              ) : (
                <p class="muted" data-testid="health-summary-only">
                  The components' details need a health_detail grant.
                </p>
              )}
            </>
          );
        }}
      </Show>
      <h2>Syscalls</h2>
      <ErrorNote error={error} />
      {points.length ? <Charts points={points} /> : <p class="muted">collecting the first interval…</p>}
    </>
  );
}
