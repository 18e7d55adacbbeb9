// A diff between two versions of a value: JSON values are compared as pretty-printed JSON
// with sorted keys (so a reordered object is no change), anything else line by line (jsdiff).
import { diffLines } from 'diff';

const sorted = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(sorted) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])])) : v;

function asJson(text: string): string | undefined {
  try {
    return JSON.stringify(sorted(JSON.parse(text)), null, 2) + '\n';
  } catch {
    return undefined;
  }
}

export function Diff({ before, after }: { before: string; after: string }) {
  const [a, b] = [asJson(before), asJson(after)];
  const json = a !== undefined && b !== undefined;
  const parts = diffLines(json ? a : before.endsWith('\n') ? before : `${before}\n`, json ? b : after.endsWith('\n') ? after : `${after}\n`);
  return (
    <figure class="diff">
      <figcaption>{json ? 'JSON diff (keys sorted)' : 'text diff'}</figcaption>
      <pre data-testid="diff">
        {parts.map((p, i) =>
          p.value
            .replace(/\n$/, '')
            .split('\n')
            .map((line, j) => (
              <div key={`${i}-${j}`} class={p.added ? 'added' : p.removed ? 'removed' : 'same'}>
                {p.added ? '+ ' : p.removed ? '- ' : '  '}
                {line}
              </div>
            )),
        )}
      </pre>
    </figure>
  );
}
