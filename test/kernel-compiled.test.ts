// The kernel compiled to JavaScript (scripts/compile.mjs; bin/camos.mjs runs it while it is
// fresh) behaves as its TypeScript sources do: every module compiled, no import left
// pointing at a .ts file, the same CLI, and a kernel that starts, answers and stops.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { compiledIsFresh } from '../scripts/compiled.mjs';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
// Under the project, as build/js is: the compiled kernel finds its files from the root.
const OUT_REL = join('build', `test-compile-${process.pid}`);
const OUT = join(ROOT, OUT_REL);

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

let compileOutput = '';
before(async () => {
  const { stdout, stderr } = await run(process.execPath, [join(ROOT, 'scripts', 'compile.mjs'), '--out', OUT_REL], { cwd: ROOT, timeout: 120_000 });
  compileOutput = stdout + stderr;
});

after(() => rmSync(OUT, { recursive: true, force: true }));

test('every TypeScript module of host/ and sdk/client/ is compiled, and no import points at a .ts file', () => {
  assert.match(compileOutput, /camos: compiled \d+ modules to build\/test-compile-\d+\//);
  assert.ok(existsSync(join(OUT, '.stamp')), 'a complete compilation is stamped');
  const sources = [...filesUnder(join(ROOT, 'host')), ...filesUnder(join(ROOT, 'sdk', 'client'))]
    .map((f) => relative(ROOT, f))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.split('/').includes('assembly'));
  assert.ok(sources.length > 100);
  for (const f of sources) assert.ok(existsSync(join(OUT, f.replace(/\.ts$/, '.js'))), `${f} compiled`);
  for (const f of ['host/drivers/worker.mjs', 'host/audit/writer.mjs', 'host/policy/camos.cedarschema', 'host/scheduler/assembly/heap.ts']) {
    assert.ok(existsSync(join(OUT, f)), `${f} copied`);
  }
  const tsImport = /(?:\bfrom|\bimport)\s*\(?\s*["']\.{1,2}\/[^"']+\.ts["']/;
  const leftovers = filesUnder(OUT).filter((f) => f.endsWith('.js') && tsImport.test(readFileSync(f, 'utf8')));
  assert.deepEqual(leftovers.map((f) => relative(OUT, f)), []);
});

test('the compiled CLI prints what the sources print', async () => {
  const compiled = await run(process.execPath, [join(OUT, 'host', 'cli', 'main.js'), 'syscalls']);
  const sources = await run(process.execPath, ['--import', 'tsx', join(ROOT, 'host', 'cli', 'main.ts'), 'syscalls']);
  assert.match(compiled.stdout, /sys_health_check/);
  assert.equal(compiled.stdout, sources.stdout);
  const help = await run(process.execPath, [join(OUT, 'host', 'cli', 'main.js'), '--help']);
  for (const command of ['start', 'call', 'token', 'audit', 'driver']) assert.match(help.stdout, new RegExp(`\\n  ${command}\\b`), `camos ${command}`);
});

test('the compiled kernel starts, answers on its port and stops on SIGTERM', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'camos-compiled-'));
  const child = spawn(process.execPath, [join(OUT, 'host', 'cli', 'main.js'), 'start', '--port', '0', '--data-dir', dataDir, '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    let out = '';
    const port = await new Promise<number>((resolve, reject) => {
      const onData = (d: Buffer) => {
        out += d.toString();
        const m = out.match(/listening on [\d.]+:(\d+)/);
        if (m) resolve(Number(m[1]));
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      exited.then((code) => reject(new Error(`the compiled kernel exited with ${code}: ${out}`)));
    });
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.equal(health.status, 200);
    const token = readFileSync(join(dataDir, 'admin.token'), 'utf8').trim();
    const res = await fetch(`http://127.0.0.1:${port}/v1/sys_health_check`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: '{"detailed": true}' });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { status: string; components: Record<string, { status: string }> };
    assert.equal(body.status, 'ok', JSON.stringify(body));
    assert.ok(body.components.policy && body.components.drivers && body.components.audit, Object.keys(body.components).join(', '));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('bin/camos.mjs runs the compiled kernel only while it is newer than every source file and folder', () => {
  const root = mkdtempSync(join(tmpdir(), 'camos-fresh-'));
  try {
    const at = (path: string, seconds: number) => utimesSync(join(root, path), seconds, seconds);
    for (const d of ['host/cli', 'sdk/client', 'build/js']) mkdirSync(join(root, d), { recursive: true });
    writeFileSync(join(root, 'host/cli/main.ts'), '');
    writeFileSync(join(root, 'sdk/client/index.ts'), '');
    for (const p of ['host/cli/main.ts', 'host/cli', 'host', 'sdk/client/index.ts', 'sdk/client', 'sdk']) at(p, 1000);
    assert.equal(compiledIsFresh(root), false, 'not compiled');
    writeFileSync(join(root, 'build/js/.stamp'), '');
    at('build/js/.stamp', 2000);
    assert.equal(compiledIsFresh(root), true, 'compiled after the last edit');
    at('host/cli/main.ts', 3000);
    assert.equal(compiledIsFresh(root), false, 'a source edited since');
    at('host/cli/main.ts', 1000);
    at('sdk/client', 3000); // what adding or removing a file does to its folder
    assert.equal(compiledIsFresh(root), false, 'a file added or removed since');
    at('build/js/.stamp', 4000);
    assert.equal(compiledIsFresh(root), true, 'compiled again');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
