// Compiles the kernel's TypeScript (host/, sdk/client/) to JavaScript in build/js/, file by
// file with esbuild (the compiler tsx uses), so that `camos` runs without a TypeScript
// loader: a kernel 35–45 MB smaller (tsx's hooks run on a thread of their own) and a CLI
// that starts in about half the time. bin/camos.mjs uses build/js only while it is newer
// than every source; otherwise it runs the sources through tsx, so an edit never runs stale
// code. Run by `npm install` (prepare) and `npm run build`; plain JavaScript, so that it
// needs no loader itself. A failure is reported and leaves the sources in charge.
//
//   node scripts/compile.mjs [--out <dir under the project>]
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OUT as DEFAULT_OUT, SOURCES, STAMP } from './compiled.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const at = process.argv.indexOf('--out');
const OUT = join(ROOT, at > 0 ? process.argv[at + 1] : DEFAULT_OUT);

// A relative import of a .ts module, static or dynamic: `from './x.ts'`, `import('../y.ts')`.
const TS_IMPORT = /((?:\bfrom|\bimport)\s*\(?\s*)(['"])(\.{1,2}\/[^'"]+?)\.ts\2/g;

function compileTree(esbuild, tsconfigRaw, tree) {
  let files = 0;
  const walk = (rel) => {
    mkdirSync(join(OUT, rel), { recursive: true });
    for (const e of readdirSync(join(ROOT, rel), { withFileTypes: true })) {
      const path = join(rel, e.name);
      if (e.isDirectory()) {
        walk(path);
        continue;
      }
      const assembly = path.split(/[\\/]/).includes('assembly');
      if (!path.endsWith('.ts') || path.endsWith('.d.ts') || assembly) {
        copyFileSync(join(ROOT, path), join(OUT, path)); // workers (.mjs), schemas, AssemblyScript
        continue;
      }
      const { code } = esbuild.transformSync(readFileSync(join(ROOT, path), 'utf8'), { loader: 'ts', format: 'esm', target: 'es2022', sourcefile: path, tsconfigRaw });
      writeFileSync(join(OUT, path.replace(/\.ts$/, '.js')), code.replace(TS_IMPORT, '$1$2$3.js$2'));
      files++;
    }
  };
  walk(tree);
  return files;
}

const started = Date.now();
try {
  const esbuild = await import('esbuild');
  const tsconfigRaw = readFileSync(join(ROOT, 'tsconfig.json'), 'utf8');
  rmSync(OUT, { recursive: true, force: true });
  let files = 0;
  for (const tree of SOURCES) files += compileTree(esbuild, tsconfigRaw, tree); // AssemblyScript (assembly/) is copied as it is
  writeFileSync(join(OUT, STAMP), `${new Date().toISOString()}\n`);
  console.log(`camos: compiled ${files} modules to ${relative(ROOT, OUT) || '.'}/ in ${Date.now() - started} ms`);
} catch (e) {
  rmSync(join(OUT, STAMP), { force: true });
  console.warn(`camos: could not compile to JavaScript (${e.message}); camos runs its TypeScript sources through tsx`);
}
