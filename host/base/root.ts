// The project's root directory (the one holding package.json), found by walking up from
// this file, so that paths to the project's files (proto/, policies/, build/, ...) are the
// same whether the kernel runs from its TypeScript sources (host/) or compiled to
// JavaScript (build/js/host/, scripts/compile.mjs).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`camos: no package.json above ${from}`);
  }
}

/** The project's root directory. */
export const ROOT: string = findRoot(dirname(fileURLToPath(import.meta.url)));

/** A path under the project's root. */
export const fromRoot = (...parts: string[]): string => join(ROOT, ...parts);
