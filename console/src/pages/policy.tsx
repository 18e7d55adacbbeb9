// The Cedar policy set with its versions (sys_policy_get), and "test a request"
// (sys_query_policy): the decision and the policies that determined it.
import { useState } from 'preact/hooks';
import { call } from '../api.ts';
import { ErrorNote, Show, time, usePoll } from '../ui.tsx';

function Test() {
  const [q, setQ] = useState({ principal: 'agent-b', action: 'context_write', resource: 'finance', hour: '' });
  const [answer, setAnswer] = useState<any>();
  const [error, setError] = useState<unknown>();
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    try {
      const { hour, ...rest } = q;
      setAnswer(await call('sys_query_policy', { ...rest, context: hour ? { hour } : {} }));
    } catch (err) {
      setAnswer(undefined);
      setError(err);
    }
  };
  const field = (k: keyof typeof q) => (e: Event) => setQ({ ...q, [k]: (e.target as HTMLInputElement).value });
  return (
    <section aria-label="test a request">
      <h2>Test a request</h2>
      <form class="filters" onSubmit={submit}>
        <label>principal <input name="principal" value={q.principal} onInput={field('principal')} required /></label>
        <label>action <input name="action" value={q.action} onInput={field('action')} required /></label>
        <label>resource <input name="resource" value={q.resource} onInput={field('resource')} required /></label>
        <label>hour (UTC) <input name="hour" type="number" min={0} max={23} value={q.hour} onInput={field('hour')} /></label>
        <button type="submit">Test</button>
      </form>
      <ErrorNote error={error} />
      {answer && (
        <div data-testid="decision" class={`decision ${answer.allowed ? 'allowed' : 'denied'}`}>
          <p><strong>{answer.allowed ? 'ALLOW' : 'DENY'}</strong> — {answer.reason}</p>
          <p>determining policies: {answer.determiningPolicies?.length ? answer.determiningPolicies.map((p: string) => <code key={p} class="policy-id">{p}</code>) : 'none (denied by default)'}</p>
          <p class="muted">policy set version {answer.policyVersion}</p>
          {answer.errors?.length > 0 && <ErrorNote error={new Error(answer.errors.join('; '))} />}
        </div>
      )}
    </section>
  );
}

export function Policy() {
  const [version, setVersion] = useState(0);
  const set = usePoll(() => call('sys_policy_get', { version }), 0, [version]);
  return (
    <>
      <Test />
      <Show loaded={set}>
        {(p) => (
          <div class="columns wide-left">
            <section aria-label="history">
              <h2>Versions</h2>
              <table>
                <thead><tr><th>version</th><th>id</th><th>author</th><th>time</th></tr></thead>
                <tbody>
                  {[...(p.history ?? [])].reverse().map((h: any) => (
                    <tr key={h.version} class={Number(h.version) === Number(p.version) ? 'picked' : ''}>
                      <td><a href={`#v${h.version}`} onClick={(e) => (e.preventDefault(), setVersion(Number(h.version)))}>v{h.version}</a></td>
                      <td>{h.policyId}</td>
                      <td>{h.author}</td>
                      <td>{time(h.timestamp)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
            <section aria-label="policy text">
              <h2>v{p.version} ({p.policyId}){version === 0 && ' — current'}</h2>
              <pre class="cedar">{p.policyData}</pre>
            </section>
          </div>
        )}
      </Show>
      {set.error ? <p class="muted">The policy text is the admin's by default; the test above is open to agents.</p> : null}
    </>
  );
}
