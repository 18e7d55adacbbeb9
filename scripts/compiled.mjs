// Where the kernel compiled to JavaScript lives (scripts/compile.mjs writes it) and whether
// it may run: only while its stamp is newer than every file and folder of the sources it
// was made from (a folder's time changes when a file is added or removed). bin/camos.mjs
// asks before each run; otherwise it runs the TypeScript sources through tsx.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The trees compiled, under the project's root. */
export const SOURCES = ['host', join('sdk', 'client')];
/** The output, under the project's root. */
export const OUT = join('build', 'js');
/** Written last by a complete compilation, in the output folder. */
export const STAMP = '.stamp';

/** The newest modification time in a tree. */
function newest(dir) {
  let t = statSync(dir).mtimeMs;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return t;
}

/** True when `root`'s compiled kernel is complete and newer than its sources. */
export function compiledIsFresh(root) {
  try {
    return statSync(join(root, OUT, STAMP)).mtimeMs >= Math.max(...SOURCES.map((s) => newest(join(root, s))));
  } catch {
    return false; // not compiled (or not completely), or no sources
  }
}
