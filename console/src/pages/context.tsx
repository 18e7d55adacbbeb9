// Context memory: the namespaces the principal may read and their keys (sys_context_list),
// a key's versions with author and time (sys_context_version_list), a diff between two of
// them (sys_context_read at each version), snapshots and restore.
import { useEffect, useState } from 'preact/hooks';
import { b64, call } from '../api.ts';
import { Diff } from '../diff.tsx';
import { ConfirmButton, ErrorNote, Show, time, usePoll } from '../ui.tsx';

const POLL_MS = 5000;

function Versions({ namespace, keyName }: { namespace: string; keyName: string }) {
  const versions = usePoll(() => call('sys_context_version_list', { namespace, key: keyName, limit: 100 }), POLL_MS, [namespace, keyName]);
  const [pair, setPair] = useState<[number, number]>();
  const [values, setValues] = useState<{ before: string; after: string }>();
  const [error, setError] = useState<unknown>();
  const list: any[] = versions.data?.versions ?? [];
  // By default, the newest version against the one before it.
  useEffect(() => {
    if (!pair && list.length >= 2) setPair([Number(list[1].version), Number(list[0].version)]);
  }, [list.length]);
  useEffect(() => {
    if (!pair) return;
    const read = (version: number) => call('sys_context_read', { namespace, key: keyName, version }).then((r) => b64.decode(r.data), (e) => (e.status === 'NOT_FOUND' ? '' : Promise.reject(e)));
    Promise.all(pair.map(read)).then(([before, after]) => setValues({ before, after }), setError);
  }, [pair?.[0], pair?.[1]]);
  return (
    <section aria-label="versions">
      <h3>{namespace}/{keyName}</h3>
      <Show loaded={versions}>
        {() => (
          <table data-testid="versions">
            <thead>
              <tr><th>version</th><th>time</th><th>author</th><th>size</th><th>description</th><th>hash</th><th>diff: old</th><th>new</th></tr>
            </thead>
            <tbody>
              {list.map((v) => (
                <tr key={v.version} class={v.deleted ? 'deleted' : ''}>
                  <td class="n">{v.version}{v.deleted ? ' (deleted)' : ''}</td>
                  <td>{time(v.timestamp)}</td>
                  <td>{v.author}</td>
                  <td class="n">{v.size}</td>
                  <td>{v.description}</td>
                  <td><code>{String(v.hash).slice(0, 12)}</code></td>
                  <td><input type="radio" name="old" aria-label={`old ${v.version}`} checked={pair?.[0] === Number(v.version)} onChange={() => setPair([Number(v.version), pair?.[1] ?? Number(v.version)])} /></td>
                  <td><input type="radio" name="new" aria-label={`new ${v.version}`} checked={pair?.[1] === Number(v.version)} onChange={() => setPair([pair?.[0] ?? Number(v.version), Number(v.version)])} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Show>
      <ErrorNote error={error} />
      {pair && values && (
        <>
          <p class="muted">version {pair[0]} → version {pair[1]}</p>
          <Diff before={values.before} after={values.after} />
        </>
      )}
    </section>
  );
}

function Snapshots({ namespace }: { namespace: string }) {
  const snaps = usePoll(() => call('sys_context_snapshot_list', { namespace }), 0, [namespace]);
  const [description, setDescription] = useState('');
  const [note, setNote] = useState<string>();
  const [error, setError] = useState<unknown>();
  const take = async (e: Event) => {
    e.preventDefault();
    try {
      const s = await call('sys_context_snapshot', { namespace, description });
      setNote(`snapshot ${s.snapshotId} of ${s.itemCount} keys`);
      snaps.refresh();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section aria-label="snapshots">
      <h3>Snapshots of {namespace}</h3>
      <form onSubmit={take}>
        <input aria-label="snapshot description" placeholder="description" value={description} onInput={(e) => setDescription((e.target as HTMLInputElement).value)} /> <button type="submit">Take snapshot</button>
      </form>
      {note && <p>{note}</p>}
      <ErrorNote error={error} />
      <Show loaded={snaps}>
        {(d) => (
          <table>
            <thead><tr><th>snapshot</th><th>time</th><th>author</th><th>keys</th><th>description</th><th /></tr></thead>
            <tbody>
              {(d.snapshots ?? []).map((s: any) => (
                <tr key={s.snapshotId}>
                  <td><code>{s.snapshotId}</code></td>
                  <td>{time(s.timestamp)}</td>
                  <td>{s.author}</td>
                  <td class="n">{s.itemCount}</td>
                  <td>{s.description}</td>
                  <td>
                    <ConfirmButton label="Restore" question={`Restore ${namespace} to ${s.snapshotId}? (new versions are written; history stays)`} onConfirm={async () => {
                      const r = await call('sys_context_restore', { snapshotId: s.snapshotId });
                      setNote(`restored ${r.restoredItems} keys of ${r.namespace}`);
                    }} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Show>
    </section>
  );
}

export function Context() {
  const namespaces = usePoll(() => call('sys_context_list', {}), POLL_MS);
  const [namespace, setNamespace] = useState('');
  const [typed, setTyped] = useState('');
  const [keyName, setKeyName] = useState('');
  const keys = usePoll(() => (namespace ? call('sys_context_list', { namespace, limit: 500 }) : Promise.resolve({ keys: [] })), POLL_MS, [namespace]);
  const open = (ns: string) => {
    setNamespace(ns);
    setKeyName('');
  };
  return (
    <div class="columns">
      <nav aria-label="namespaces">
        <h2>Namespaces</h2>
        <Show loaded={namespaces}>
          {(d) => (
            <ul data-testid="namespaces">
              {(d.namespaces ?? []).map((ns: string) => (
                <li key={ns}><a href={`#ns-${ns}`} aria-current={ns === namespace ? 'true' : undefined} onClick={(e) => (e.preventDefault(), open(ns))}>{ns}</a></li>
              ))}
              {!d.namespaces?.length && <li class="muted">none readable</li>}
            </ul>
          )}
        </Show>
        <form onSubmit={(e) => (e.preventDefault(), open(typed.trim()))}>
          <input aria-label="open namespace" placeholder="open a namespace" value={typed} onInput={(e) => setTyped((e.target as HTMLInputElement).value)} />
        </form>
      </nav>
      <div>
        {namespace && (
          <>
            <h2>Keys of {namespace}</h2>
            <Show loaded={keys}>
              {(d) => (
                <table data-testid="keys">
                  <thead><tr><th>key</th><th>version</th><th>time</th><th>author</th><th>size</th></tr></thead>
                  <tbody>
                    {(d.keys ?? []).map((k: any) => (
                      <tr key={k.key} class={k.deleted ? 'deleted' : ''}>
                        <td><a href={`#key-${k.key}`} onClick={(e) => (e.preventDefault(), setKeyName(k.key))}>{k.key}</a></td>
                        <td class="n">{k.version}{k.deleted ? ' (deleted)' : ''}</td>
                        <td>{time(k.timestamp)}</td>
                        <td>{k.author}</td>
                        <td class="n">{k.size}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </Show>
            {keyName && <Versions namespace={namespace} keyName={keyName} />}
            <Snapshots namespace={namespace} />
          </>
        )}
      </div>
    </div>
  );
}
