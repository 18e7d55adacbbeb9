// Loaded drivers (sys_driver_list) with their grants, limits and call statistics; admin
// actions: load a signed driver by upload (sys_driver_load), unload a version
// (sys_driver_unload). Swapping versions is loading the new one, then unloading the old.
import { useState } from 'preact/hooks';
import { b64, call } from '../api.ts';
import type { PageProps } from '../main.tsx';
import { ConfirmButton, ErrorNote, ExtraFields, Show, num, time, usePoll } from '../ui.tsx';

const POLL_MS = 5000;
const KNOWN = ['name', 'version', 'digest', 'publisher', 'capabilities', 'loadedAt', 'calls', 'description', 'size', 'errors', 'p50Ms', 'p99Ms', 'limits'];

const readFile = (input: HTMLInputElement) => input.files?.[0]?.arrayBuffer().then((b) => b64.fromBytes(new Uint8Array(b)));

function Upload({ onLoaded }: { onLoaded: () => void }) {
  const [error, setError] = useState<unknown>();
  const [loaded, setLoaded] = useState<string>();
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    setError(undefined);
    try {
      const manifestData = await readFile(form.elements.namedItem('manifest') as HTMLInputElement);
      const module = await readFile(form.elements.namedItem('module') as HTMLInputElement);
      const { driver } = await call('sys_driver_load', { manifestData, module });
      setLoaded(`${driver.name}@${driver.version}`);
      form.reset();
      onLoaded();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form class="upload" onSubmit={submit}>
      <h2>Load a signed driver</h2>
      <label>manifest (.manifest.json) <input name="manifest" type="file" accept=".json,application/json" required /></label>
      <label>component (.wasm) <input name="module" type="file" accept=".wasm,application/wasm" required /></label>
      <button type="submit">Load</button>
      <p class="muted">The kernel verifies the digest, both signatures and the publisher's trust before anything loads. A new version loads beside the old: unload the old one to swap.</p>
      {loaded && <p>loaded {loaded}</p>}
      <ErrorNote error={error} />
    </form>
  );
}

export function Drivers({ me }: PageProps) {
  const list = usePoll(() => call('sys_driver_list', {}), POLL_MS);
  const admin = me.callerKind === 'admin';
  return (
    <>
      <Show loaded={list}>
        {(d) => (
          <table data-testid="drivers">
            <thead>
              <tr><th>driver</th><th>version</th><th>digest</th><th>publisher</th><th>grants</th><th>limits</th><th>calls</th><th>errors</th><th>p50 / p99</th><th>loaded</th>{admin && <th />}</tr>
            </thead>
            <tbody>
              {(d.drivers ?? []).map((v: any) => (
                <tr key={`${v.name}@${v.version}`} data-driver={v.name}>
                  <td title={v.description}><strong>{v.name}</strong><ExtraFields value={v} known={KNOWN} /></td>
                  <td>{v.version}</td>
                  <td><code title={v.digest}>{String(v.digest).slice(0, 19)}…</code></td>
                  <td><code>{v.publisher}</code></td>
                  <td>{(v.capabilities ?? []).join(', ')}</td>
                  <td>{v.limits ? `${v.limits.memoryPages} pages, ${v.limits.timeoutMs} ms, ${v.limits.maxOutputBytes} B out` : ''}</td>
                  <td class="n">{v.calls}</td>
                  <td class="n">{v.errors ?? ''}</td>
                  <td class="n">{Number(v.calls) ? `${num(v.p50Ms, 3)} / ${num(v.p99Ms, 3)} ms` : '—'}</td>
                  <td>{time(v.loadedAt)}</td>
                  {admin && (
                    <td>
                      <ConfirmButton label="Unload" question={`Unload ${v.name}@${v.version}?`} onConfirm={() => call('sys_driver_unload', { name: v.name, version: v.version }).then(list.refresh)} />
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Show>
      {admin && <Upload onLoaded={list.refresh} />}
    </>
  );
}
