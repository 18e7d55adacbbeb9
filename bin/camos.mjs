#!/usr/bin/env node
// The camos CLI. It runs the kernel compiled to JavaScript (build/js, scripts/compile.mjs,
// made by `npm install` and `npm run build`) while that is newer than every source file and
// folder under host/ and sdk/client/; otherwise the TypeScript sources, through tsx. An
// edit therefore never runs stale code, and costs only tsx's start until the next build.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The newest modification time in a tree (a folder's changes when a file is added or removed). */
function newest(dir) {
  let t = statSync(dir).mtimeMs;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return t;
}

function compiledIsFresh() {
  try {
    return statSync(join(root, 'build', 'js', '.stamp')).mtimeMs >= Math.max(newest(join(root, 'host')), newest(join(root, 'sdk', 'client')));
  } catch {
    return false; // not compiled (or not completely)
  }
}

if (compiledIsFresh()) {
  await import('../build/js/host/cli/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../host/cli/main.ts');
}
