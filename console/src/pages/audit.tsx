// The audit log as a filterable timeline (sys_audit_query), the chain's verification (admin),
// and the Ask box: a question to sys_nl_query, its answer with the records it came from,
// each opening its explanation (sys_explain_action).
import { useState } from 'preact/hooks';
import { call } from '../api.ts';
import type { PageProps } from '../main.tsx';
import { ErrorNote, Explanation, ExtraFields, Show, Timeline, time, usePoll, type ExplainTarget } from '../ui.tsx';

const ASK_KNOWN = ['answer', 'evidence', 'queryRan', 'understood', 'intent'];

interface Filter {
  caller: string;
  syscall: string;
  outcome: string;
  since: string;
  until: string;
}

const ms = (local: string) => (local ? new Date(local).getTime() : 0);

function Ask({ onExplain }: { onExplain: (t: ExplainTarget) => void }) {
  const [question, setQuestion] = useState('');
  const [answer, setAnswer] = useState<any>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const ask = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      setAnswer(await call('sys_nl_query', { query: question }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="ask" aria-label="ask">
      <form onSubmit={ask}>
        <input aria-label="question" placeholder="Why did agent-b get throttled last night?" value={question} onInput={(e) => setQuestion((e.target as HTMLInputElement).value)} required />
        <button type="submit" disabled={busy}>Ask</button>
      </form>
      <ErrorNote error={error} />
      {answer && (
        <div data-testid="answer">
          <p class={answer.understood === false ? 'muted' : 'answer'}>{answer.answer}</p>
          <p class="muted">
            intent <code>{answer.intent || '—'}</code>
            {answer.queryRan && <> · ran <code>{answer.queryRan}</code></>}
          </p>
          <ExtraFields value={answer} known={ASK_KNOWN} />
          {answer.evidence?.length > 0 && <Timeline records={answer.evidence} onPick={(id) => onExplain({ actionId: id })} />}
        </div>
      )}
    </section>
  );
}

function Chain() {
  const [report, setReport] = useState<any>();
  const [error, setError] = useState<unknown>();
  const verify = () => call('sys_audit_query', { verify: true, limit: 1 }).then((r) => setReport(r.chain), setError);
  return (
    <section aria-label="chain">
      <button type="button" onClick={verify}>Verify the hash chain</button>{' '}
      {report && <span class={`badge status-${report.ok ? 'ok' : 'down'}`} data-testid="chain">{report.ok ? 'intact' : 'BROKEN'}</span>} {report?.summary}
      <ErrorNote error={error} />
    </section>
  );
}

export function Audit({ me }: PageProps) {
  const [explain, setExplain] = useState<ExplainTarget>();
  const [draft, setDraft] = useState<Filter>({ caller: '', syscall: '', outcome: '', since: '', until: '' });
  const [filter, setFilter] = useState<Filter>(draft);
  const records = usePoll(
    () => call('sys_audit_query', { caller: filter.caller, syscalls: filter.syscall ? [filter.syscall] : [], outcome: filter.outcome, since: ms(filter.since), until: ms(filter.until), limit: 200 }),
    5000,
    [JSON.stringify(filter)],
  );
  const field = (k: keyof Filter) => (e: Event) => setDraft({ ...draft, [k]: (e.target as HTMLInputElement).value });
  return (
    <div class="with-panel">
      <div>
        <h2>Ask</h2>
        <Ask onExplain={setExplain} />
        {me.callerKind === 'admin' && <Chain />}
        <h2>Timeline</h2>
        <form class="filters" onSubmit={(e) => (e.preventDefault(), setFilter(draft))}>
          <input aria-label="agent" placeholder={me.callerKind === 'admin' ? 'agent (caller)' : me.caller} value={draft.caller} onInput={field('caller')} />
          <input aria-label="syscall" placeholder="syscall (sys_commit_task, task.failed)" value={draft.syscall} onInput={field('syscall')} />
          <select aria-label="outcome" value={draft.outcome} onChange={field('outcome')}>
            {['', 'ok', 'denied', 'error'].map((o) => <option key={o} value={o}>{o || 'any outcome'}</option>)}
          </select>
          <label>from <input type="datetime-local" aria-label="since" value={draft.since} onInput={field('since')} /></label>
          <label>to <input type="datetime-local" aria-label="until" value={draft.until} onInput={field('until')} /></label>
          <button type="submit">Filter</button>
        </form>
        <Show loaded={records}>
          {(d) => (
            <table data-testid="records">
              <thead><tr><th>record</th><th>time</th><th>caller</th><th>syscall</th><th>target</th><th>outcome</th><th>message</th><th>policies</th></tr></thead>
              <tbody>
                {(d.records ?? []).map((r: any) => (
                  <tr key={r.seq} class={`outcome-${r.outcome}`}>
                    <td><a href={`#explain-${r.seq}`} onClick={(e) => (e.preventDefault(), setExplain({ actionId: String(r.seq) }))}>#{r.seq}</a></td>
                    <td>{time(r.time)}</td>
                    <td>{r.caller}</td>
                    <td>{r.syscall}</td>
                    <td>{r.target}</td>
                    <td><span class={`badge outcome-${r.outcome}`}>{r.outcome}</span></td>
                    <td>{r.message}</td>
                    <td>{(r.policies ?? []).join(', ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Show>
      </div>
      {explain && <Explanation target={explain} onClose={() => setExplain(undefined)} />}
    </div>
  );
}
