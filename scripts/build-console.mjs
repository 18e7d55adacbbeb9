// Builds the console (console/) into build/console/: one JavaScript bundle and one
// stylesheet under assets/, named by their content hash (so the kernel can serve them as
// immutable), and index.html pointing at them. esbuild, which the kernel's own compile
// step already uses, bundles Preact and uPlot; no other build tool is involved. Run by
// `npm install` (prepare) and `npm run build:console`.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SRC = join(ROOT, 'console');
const OUT = join(ROOT, 'build/console');

const started = Date.now();
rmSync(OUT, { recursive: true, force: true });
mkdirSync(join(OUT, 'assets'), { recursive: true });
const result = await esbuild.build({
  entryPoints: { main: join(SRC, 'src/main.tsx') },
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2022',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  outdir: join(OUT, 'assets'),
  entryNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  legalComments: 'linked',
  metafile: true,
  logLevel: 'warning',
});
const outputs = Object.keys(result.metafile.outputs).map((p) => basename(p));
const js = outputs.find((f) => f.endsWith('.js'));
const css = outputs.find((f) => f.endsWith('.css'));
if (!js || !css) throw new Error(`console build: expected a .js and a .css bundle, got ${outputs.join(', ')}`);
const html = readFileSync(join(SRC, 'index.html'), 'utf8').replace('%MAIN_JS%', `/assets/${js}`).replace('%MAIN_CSS%', `/assets/${css}`);
writeFileSync(join(OUT, 'index.html'), html);
const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
console.log(`camos: console built in ${((Date.now() - started) / 1000).toFixed(1)} s (${outputs.length} assets, ${(bytes / 1024).toFixed(0)} KiB)`);
