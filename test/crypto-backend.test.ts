// The post-quantum backend of a kernel as a user starts it (`camos start`): reported by
// `camos status`, chosen by CAMOS_CRYPTO_BACKEND, and what happens on a machine where the
// pqclean native addon cannot load (test/fixtures/no-pqclean-addon.cjs makes one).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { camos, startKernelProcess } from './helpers/process.ts';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'camos-pqbackend-'));
  dirs.push(d);
  return d;
};
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const withoutAddon = { NODE_OPTIONS: `--require ${fileURLToPath(new URL('./fixtures/no-pqclean-addon.cjs', import.meta.url))}` };
const quiet = ['--port', '0', '--log-level', 'warn'];

/** Starts a kernel, returns what `camos status` says of its crypto backend and what it logged, and stops it. */
async function backendOf(env: NodeJS.ProcessEnv): Promise<{ backend: string; output: string }> {
  const dataDir = tempDir();
  const k = await startKernelProcess([...quiet, '--data-dir', dataDir], env);
  try {
    const status = await camos(['status', '--address', `127.0.0.1:${k.port}`, '--data-dir', dataDir]);
    assert.equal(status.code, 0, status.stderr);
    return { backend: JSON.parse(status.stdout).components.keys.details['crypto.backend'], output: k.output() };
  } finally {
    k.child.kill('SIGTERM');
    await k.exited;
  }
}

test('camos status reports the pqclean backend by default, and noble when CAMOS_CRYPTO_BACKEND asks for it', async () => {
  assert.equal((await backendOf({})).backend, 'pqclean');
  assert.equal((await backendOf({ CAMOS_CRYPTO_BACKEND: 'noble' })).backend, 'noble');
});

test('where the pqclean addon cannot load, the kernel starts on noble and warns, saying why and how to build it', async () => {
  const { backend, output } = await backendOf(withoutAddon);
  assert.equal(backend, 'noble');
  assert.match(output, /the pqclean native addon cannot load \(.*node_pqclean\.node: invalid ELF header\); using @noble\/post-quantum.*npm rebuild pqclean/);
});

test('asking for pqclean where its addon cannot load fails start with a message naming the setting, the cause and the fix', async () => {
  const r = await camos(['start', ...quiet, '--data-dir', tempDir()], { env: { ...withoutAddon, CAMOS_CRYPTO_BACKEND: 'pqclean' } });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^camos: cannot start: crypto\.backend is 'pqclean', but the pqclean native addon cannot load \(.*invalid ELF header\)\. Build it with `npm rebuild pqclean`.*set crypto\.backend \(or CAMOS_CRYPTO_BACKEND\) to 'noble'\.$/m);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
});
