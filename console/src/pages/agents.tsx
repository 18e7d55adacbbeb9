// Registered agents with their quota buckets and tasks (sys_agent_list), and their recent
// throttles and denials from the audit log (sys_audit_query), each linking to its explanation.
import { useState } from 'preact/hooks';
import { call } from '../api.ts';
import type { PageProps } from '../main.tsx';
import { Explanation, Show, num, time, usePoll, type ExplainTarget } from '../ui.tsx';

const POLL_MS = 5000;
const RESOURCE_EXHAUSTED = 8;

interface AuditRecordInfo {
  seq: number | string;
  time: number | string;
  caller: string;
  syscall: string;
  target: string;
  outcome: string;
  code: number;
  message: string;
  policies: string[];
  taskId: string;
}

export function Agents({ me }: PageProps) {
  const [explain, setExplain] = useState<ExplainTarget>();
  const agents = usePoll(() => call('sys_agent_list', {}), POLL_MS);
  const events = usePoll(async () => {
    const [throttled, denied] = await Promise.all([
      call('sys_audit_query', { code: RESOURCE_EXHAUSTED, syscalls: ['sys_commit_task'], limit: 50 }),
      call('sys_audit_query', { outcome: 'denied', limit: 50 }),
    ]);
    return { throttled: throttled.records as AuditRecordInfo[], denied: denied.records as AuditRecordInfo[] };
  }, POLL_MS);
  return (
    <div class="with-panel">
      <div>
        {me.callerKind !== 'admin' && <p class="muted">Signed in as agent {me.caller}: the registry is the admin's by default; your own throttles and denials are below.</p>}
        <Show loaded={agents}>
          {(d) => (
            <table data-testid="agents">
              <thead>
                <tr><th>agent</th><th>status</th><th>capabilities</th><th>groups</th><th>trust</th><th>share weight</th><th>quota bucket</th><th>queued</th><th>running</th><th>failed</th><th>throttles / denials</th></tr>
              </thead>
              <tbody>
                {(d.agents ?? []).map((a: any) => {
                  const throttles = events.data?.throttled.filter((r) => r.caller === a.agentId).length ?? 0;
                  const denials = events.data?.denied.filter((r) => r.caller === a.agentId).length ?? 0;
                  const full = Number.isFinite(a.quotaBurst) && a.quotaBurst > 0 ? Math.max(0, Math.min(1, a.bucketTokens / a.quotaBurst)) : 1;
                  return (
                    <tr key={a.agentId} data-agent={a.agentId}>
                      <td>{a.agentId}</td>
                      <td><span class={`badge status-${a.status}`}>{a.status}</span></td>
                      <td>{(a.capabilities ?? []).join(', ')}</td>
                      <td>{(a.groups ?? []).join(', ')}</td>
                      <td class="n">{num(a.trust)}</td>
                      <td class="n">{num(a.shareWeight)}</td>
                      <td>
                        <meter min={0} max={1} value={full} title={`${num(a.bucketTokens)} of ${num(a.quotaBurst)} tokens`} />{' '}
                        <span class="n">{num(a.bucketTokens)} / {num(a.quotaBurst)}</span> <span class="muted">at {num(a.quotaRate, 3)}/s</span>
                      </td>
                      <td class="n">{a.tasksQueued}</td>
                      <td class="n">{a.tasksRunning}</td>
                      <td class="n">{a.tasksFailed}</td>
                      <td class="n">{throttles} / {denials}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </Show>
        <Show loaded={events}>
          {(e) => (
            <>
              <h2>Recent throttles</h2>
              <Events records={e.throttled} onExplain={setExplain} testid="throttles" />
              <h2>Recent denials</h2>
              <Events records={e.denied} onExplain={setExplain} testid="denials" />
            </>
          )}
        </Show>
      </div>
      {explain && <Explanation target={explain} onClose={() => setExplain(undefined)} />}
    </div>
  );
}

function Events({ records, onExplain, testid }: { records: AuditRecordInfo[]; onExplain: (t: ExplainTarget) => void; testid: string }) {
  if (!records.length) return <p class="muted" data-testid={testid}>none recorded</p>;
  return (
    <table data-testid={testid}>
      <thead>
        <tr><th>record</th><th>time</th><th>agent</th><th>syscall</th><th>target</th><th>why</th></tr>
      </thead>
      <tbody>
        {records.map((r) => (
          <tr key={r.seq}>
            <td>
              <a href={`#explain-${r.seq}`} onClick={(ev) => (ev.preventDefault(), onExplain({ actionId: String(r.seq) }))}>
                #{r.seq} explain
              </a>
            </td>
            <td>{time(r.time)}</td>
            <td>{r.caller}</td>
            <td>{r.syscall}</td>
            <td>{r.target}</td>
            <td>{r.message}{r.policies?.length ? ` (${r.policies.join(', ')})` : ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
