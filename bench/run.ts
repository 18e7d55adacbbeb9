// `npm run bench -- <name> [--json] [--svg [--out <dir>]]`: runs bench/<name>.ts. Each
// benchmark prints a table, or one JSON document with --json; --svg (or --plot) also writes
// <name>.json and its latency and throughput charts as SVG into docs/bench/ (or <dir>).
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const names = readdirSync(dir).filter((f) => f.endsWith('.ts') && !['run.ts', 'lib.ts', 'svg.ts'].includes(f) && !f.startsWith('_')).map((f) => f.slice(0, -3));
const name = process.argv.slice(2).find((a) => !a.startsWith('-'));
if (!name || !existsSync(`${dir}/${name}.ts`)) {
  console.error(`usage: npm run bench -- <${names.join('|')}> [--json] [--svg [--out <dir>]]`);
  process.exit(name ? 1 : 0);
}
await import(`./${name}.ts`);
