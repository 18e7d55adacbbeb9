// Pieces every page uses: polling, error notes, times, confirmation, explanations.
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, call } from './api.ts';

export interface Loaded<T> {
  data?: T;
  error?: unknown;
  loading: boolean;
  refresh: () => void;
}

/**
 * Runs `load` now and every `everyMs` while the tab is visible (0: only on refresh or when
 * `deps` change). Polling, not server-sent events: an EventSource cannot send the
 * Authorization header, and each poll goes through the gateway's policy check like any call.
 */
export function usePoll<T>(load: () => Promise<T>, everyMs: number, deps: unknown[] = []): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const run = useRef(0);
  const refresh = useCallback(() => {
    const n = ++run.current;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => n === run.current && setState({ data, loading: false }),
      (error) => n === run.current && setState({ error, loading: false }),
    );
  }, deps);
  useEffect(() => {
    refresh();
    if (!everyMs) return;
    const timer = setInterval(() => document.visibilityState === 'visible' && refresh(), everyMs);
    return () => {
      clearInterval(timer);
      run.current++;
    };
  }, [refresh, everyMs]);
  return { ...state, refresh };
}

export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  const e = error instanceof ApiError ? error : undefined;
  return (
    <p class="error" role="alert">
      {e ? <strong>{e.status}</strong> : <strong>error</strong>} {e ? e.message : String((error as Error)?.message ?? error)}
    </p>
  );
}

/** Renders a loaded value, its error, or a placeholder. */
export function Show<T>({ loaded, children }: { loaded: Loaded<T>; children: (data: T) => ComponentChildren }) {
  if (loaded.error) return <ErrorNote error={loaded.error} />;
  if (loaded.data === undefined) return <p class="muted">loading…</p>;
  return <>{children(loaded.data)}</>;
}

export const time = (ms: number | string) => (Number(ms) ? new Date(Number(ms)).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '—');
export const num = (v: number, digits = 2) => (Number.isInteger(v) ? String(v) : v.toFixed(digits));

/** A button that asks once more before it acts (admin actions). */
export function ConfirmButton({ label, question, onConfirm, disabled }: { label: string; question: string; onConfirm: () => Promise<unknown>; disabled?: boolean }) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  if (!asking)
    return (
      <span>
        <button type="button" class="danger" disabled={disabled} onClick={() => (setError(undefined), setAsking(true))}>
          {label}
        </button>
        <ErrorNote error={error} />
      </span>
    );
  const go = async () => {
    setBusy(true);
    try {
      await onConfirm();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
      setAsking(false);
    }
  };
  return (
    <span class="confirm" role="group">
      {question}{' '}
      <button type="button" class="danger" disabled={busy} onClick={go}>
        Yes, {label.toLowerCase()}
      </button>{' '}
      <button type="button" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}

export interface EvidenceRecord {
  id: string;
  timestamp: number | string;
  kind: string;
  caller: string;
  syscall: string;
  outcome: string;
  summary: string;
  detailsJson: string;
}

export type ExplainTarget = { actionId: string } | { taskId: string };

/** The recorded causal chain behind an action or a task (sys_explain_action). */
export function Explanation({ target, onClose }: { target: ExplainTarget; onClose: () => void }) {
  const loaded = usePoll(() => call('sys_explain_action', target), 0, [JSON.stringify(target)]);
  return (
    <aside class="panel explanation" aria-label="explanation">
      <header>
        <h3>Explanation of {'taskId' in target ? `task ${target.taskId}` : `record #${target.actionId}`}</h3>
        <button type="button" onClick={onClose} aria-label="close">
          ×
        </button>
      </header>
      <Show loaded={loaded}>
        {(ex) => (
          <>
            <p class="explanation-text">{ex.explanation}</p>
            <Timeline records={ex.records ?? []} />
          </>
        )}
      </Show>
    </aside>
  );
}

export function Timeline({ records, onPick }: { records: EvidenceRecord[]; onPick?: (id: string) => void }) {
  return (
    <ol class="timeline">
      {records.map((r, i) => (
        <li key={`${r.id}-${i}`} class={`outcome-${r.outcome}`}>
          <span class="kind">{r.kind}</span> <time>{time(r.timestamp)}</time>{' '}
          {onPick ? (
            <a href={`#explain-${r.id}`} onClick={(e) => (e.preventDefault(), onPick(r.id))}>
              #{r.id}
            </a>
          ) : (
            <span class="muted">#{r.id}</span>
          )}
          <div>{r.summary}</div>
        </li>
      ))}
    </ol>
  );
}

/** Fields of an answer this console does not know yet, shown as they came. */
export function ExtraFields({ value, known }: { value: Record<string, unknown>; known: string[] }) {
  const extra = Object.entries(value).filter(([k, v]) => !known.includes(k) && v !== '' && v !== null && !(Array.isArray(v) && !v.length));
  if (!extra.length) return null;
  return (
    <dl class="extra">
      {extra.map(([k, v]) => (
        <>
          <dt key={`${k}-t`}>{k}</dt>
          <dd key={`${k}-d`}>{typeof v === 'string' ? v : <pre>{JSON.stringify(v, null, 2)}</pre>}</dd>
        </>
      ))}
    </dl>
  );
}
