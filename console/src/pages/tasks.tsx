// The scheduler's tasks (sys_task_list): the queue in score order with each score's terms
// (five dimensions and aging) and the agent's fair-share standing; a task's timeline from
// the audit log (sys_explain_action); rollback, confirmed (sys_rollback_task).
import { useState } from 'preact/hooks';
import { call } from '../api.ts';
import type { PageProps } from '../main.tsx';
import { ConfirmButton, Show, Timeline, num, time, usePoll } from '../ui.tsx';

const POLL_MS = 3000;

interface Term {
  name: string;
  value: number;
  weight: number;
  contribution: number;
}

function Breakdown({ terms }: { terms: Term[] }) {
  const total = terms.reduce((n, t) => n + t.contribution, 0) || 1;
  return (
    <div class="breakdown" title={terms.map((t) => `${t.name}: ${num(t.value, 3)} × ${num(t.weight, 3)} = ${num(t.contribution, 3)}`).join('\n')}>
      <div class="bar">
        {terms.map((t) => (
          <span key={t.name} class={`term term-${t.name}`} style={{ width: `${(100 * t.contribution) / total}%` }} />
        ))}
      </div>
      <small>{terms.map((t) => `${t.name} ${num(t.contribution, 3)}`).join(' · ')}</small>
    </div>
  );
}

function TaskDetail({ taskId, canRollback, onDone }: { taskId: string; canRollback: boolean; onDone: () => void }) {
  const timeline = usePoll(() => call('sys_explain_action', { taskId }), POLL_MS, [taskId]);
  const [reason, setReason] = useState('');
  const [result, setResult] = useState<any>();
  return (
    <aside class="panel" aria-label={`task ${taskId}`}>
      <header>
        <h3>Task {taskId}</h3>
        <button type="button" onClick={onDone} aria-label="close">×</button>
      </header>
      <Show loaded={timeline}>{(ex) => <Timeline records={ex.records ?? []} />}</Show>
      {canRollback && (
        <div class="actions">
          <input aria-label="rollback reason" placeholder="reason (recorded)" value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />{' '}
          <ConfirmButton label="Roll back" question={`Roll back task ${taskId}?`} onConfirm={async () => setResult(await call('sys_rollback_task', { taskId, reason }))} />
          {result && <p>rollback: {result.state}{result.keysRestored?.length ? `, restored ${result.keysRestored.join(', ')}` : ''}</p>}
        </div>
      )}
    </aside>
  );
}

export function Tasks({ me }: PageProps) {
  const [state, setState] = useState('');
  const [picked, setPicked] = useState<string>();
  const list = usePoll(() => call('sys_task_list', { state, limit: 500 }), POLL_MS, [state]);
  return (
    <div class="with-panel">
      <div>
        <label>
          state{' '}
          <select value={state} onChange={(e) => setState((e.target as HTMLSelectElement).value)}>
            {['', 'queued', 'assigned', 'running', 'succeeded', 'failed', 'rolled_back', 'cancelled'].map((s) => (
              <option key={s} value={s}>{s || 'any'}</option>
            ))}
          </select>
        </label>
        <Show loaded={list}>
          {(d) => (
            <>
              <p class="summary">
                {d.queued} queued, {d.running} running. Score = Σ weight × dimension
                {' '}({Object.entries(d.weights ?? {}).map(([k, v]) => `${k} ${num(v as number)}`).join(', ')}) + aging {num(d.agingPerSecond, 3)}/s waited;
                the agent with the lowest stride pass goes next unless another task beats it by {num(d.preemptMargin)}.
              </p>
              <table data-testid="tasks">
                <thead>
                  <tr><th>rank</th><th>task</th><th>state</th><th>agent</th><th>handler</th><th>score</th><th>breakdown</th><th>agent pass / weight</th><th>queued at</th><th>attempts</th></tr>
                </thead>
                <tbody>
                  {(d.tasks ?? []).map((e: any) => (
                    <tr key={e.task.taskId} class={picked === e.task.taskId ? 'picked' : ''}>
                      <td class="n">{e.rank || ''}</td>
                      <td><a href={`#task-${e.task.taskId}`} onClick={(ev) => (ev.preventDefault(), setPicked(e.task.taskId))}>{e.task.taskId}</a></td>
                      <td><span class={`badge state-${e.task.state}`}>{e.task.state}</span></td>
                      <td>{e.task.agentId}</td>
                      <td>{e.task.handler}</td>
                      <td class="n">{num(e.task.score, 3)}</td>
                      <td><Breakdown terms={e.scoreBreakdown ?? []} /></td>
                      <td class="n">{num(e.agentPass, 3)} / {num(e.shareWeight)}</td>
                      <td>{time(e.task.queuedAt)}</td>
                      <td class="n">{e.task.attempts}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {!d.tasks?.length && <p class="muted">no task{state ? ` ${state}` : ''}</p>}
            </>
          )}
        </Show>
      </div>
      {picked && <TaskDetail taskId={picked} canRollback={me.callerKind !== 'anonymous'} onDone={() => setPicked(undefined)} />}
    </div>
  );
}
