// `npm run bench -- <name> [--json]`: runs bench/<name>.ts. Each benchmark prints a table,
// or one JSON document with --json.
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const names = readdirSync(dir).filter((f) => f.endsWith('.ts') && !['run.ts', 'lib.ts'].includes(f) && !f.startsWith('_')).map((f) => f.slice(0, -3));
const name = process.argv.slice(2).find((a) => !a.startsWith('-'));
if (!name || !existsSync(`${dir}/${name}.ts`)) {
  console.error(`usage: npm run bench -- <${names.join('|')}> [--json]`);
  process.exit(name ? 1 : 0);
}
await import(`./${name}.ts`);
