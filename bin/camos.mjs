#!/usr/bin/env node
// The camos CLI. It runs the kernel compiled to JavaScript (build/js, scripts/compile.mjs,
// made by `npm install` and `npm run build`) while that is newer than every source file and
// folder under host/ and sdk/client/ (scripts/compiled.mjs); otherwise the TypeScript
// sources, through tsx. An edit therefore never runs stale code, and costs only tsx's start
// until the next build.
import { fileURLToPath } from 'node:url';
import { compiledIsFresh } from '../scripts/compiled.mjs';

if (compiledIsFresh(fileURLToPath(new URL('..', import.meta.url)))) {
  await import('../build/js/host/cli/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../host/cli/main.ts');
}
