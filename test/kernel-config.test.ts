// Configuration: defaults < file < environment < flags, one schema, errors that name the field and its source.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../host/config/index.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'camos-config-'));

test('defaults: 127.0.0.1:8080, data in .camos, 4 MiB messages', () => {
  const c = loadConfig({ cwd: dir(), env: {} });
  assert.equal(c.host, '127.0.0.1');
  assert.equal(c.port, 8080);
  assert.equal(c.dataDir, '.camos');
  assert.equal(c.maxMessageBytes, 4 * 1024 * 1024);
});

test('a YAML file is read from the working directory, the environment overrides it, flags override both', () => {
  const d = dir();
  writeFileSync(join(d, 'camos.config.yaml'), 'port: 9001\nhost: 0.0.0.0\nlogLevel: warn\n');
  const fromFile = loadConfig({ cwd: d, env: {} });
  assert.equal(fromFile.port, 9001);
  assert.equal(fromFile.host, '0.0.0.0');
  const fromEnv = loadConfig({ cwd: d, env: { CAMOS_PORT: '9002' } });
  assert.equal(fromEnv.port, 9002);
  const fromFlags = loadConfig({ cwd: d, env: { CAMOS_PORT: '9002' }, flags: { port: 9003 } });
  assert.equal(fromFlags.port, 9003);
  assert.equal(fromFlags.logLevel, 'warn');
  rmSync(d, { recursive: true });
});

test('the YAML parser is loaded with the first YAML file only: a kernel configured otherwise never loads it', () => {
  const d = dir();
  writeFileSync(join(d, 'camos.config.yaml'), 'port: 9004\n');
  // A fresh process: this one may have loaded the parser already.
  const script = `
    import { createRequire } from 'node:module';
    import { loadConfig } from ${JSON.stringify(new URL('../host/config/index.ts', import.meta.url).href)};
    const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('/node_modules/yaml/'));
    loadConfig({ cwd: ${JSON.stringify(tmpdir())}, env: {} });
    const before = loaded();
    const port = loadConfig({ cwd: ${JSON.stringify(d)}, env: {} }).port;
    console.log(JSON.stringify({ before, after: loaded(), port }));`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.deepEqual(JSON.parse(out), { before: false, after: true, port: 9004 });
  rmSync(d, { recursive: true });
});

test('a bad field in the file names the field and the file', () => {
  const d = dir();
  writeFileSync(join(d, 'camos.config.json'), JSON.stringify({ port: 70000 }));
  assert.throws(() => loadConfig({ cwd: d, env: {} }), (e: Error) => e instanceof ConfigError && /camos\.config\.json: field 'port'/.test(e.message));
  rmSync(d, { recursive: true });
});

test('an unknown field in the file is refused by name', () => {
  const d = dir();
  writeFileSync(join(d, 'camos.config.json'), JSON.stringify({ prot: 80 }));
  assert.throws(() => loadConfig({ cwd: d, env: {} }), /prot/);
  rmSync(d, { recursive: true });
});

test('a non-numeric CAMOS_PORT names the variable', () => {
  assert.throws(() => loadConfig({ cwd: dir(), env: { CAMOS_PORT: 'abc' } }), /CAMOS_PORT="abc" is not a number/);
});

test('a file that is not valid JSON says so', () => {
  const d = dir();
  writeFileSync(join(d, 'camos.config.json'), '{ port: ');
  assert.throws(() => loadConfig({ cwd: d, env: {} }), /not valid JSON/);
  rmSync(d, { recursive: true });
});

test("CAMOS_HELPER_THREADS sets helperThreads ('idle' by default); another value is refused with the choices", () => {
  assert.equal(loadConfig({ cwd: dir(), env: {} }).helperThreads, 'idle');
  assert.equal(loadConfig({ cwd: dir(), env: { CAMOS_HELPER_THREADS: 'normal' } }).helperThreads, 'normal');
  assert.throws(() => loadConfig({ cwd: dir(), env: { CAMOS_HELPER_THREADS: 'sometimes' } }), /helperThreads.*"idle"\|"normal"/);
});

test('crypto.backend is unset by default; the file sets it, CAMOS_CRYPTO_BACKEND overrides it; another value is refused with the choices', () => {
  assert.equal(loadConfig({ cwd: dir(), env: {} }).crypto.backend, undefined);
  const d = dir();
  writeFileSync(join(d, 'camos.config.json'), JSON.stringify({ crypto: { backend: 'pqclean' } }));
  assert.equal(loadConfig({ cwd: d, env: {} }).crypto.backend, 'pqclean');
  assert.equal(loadConfig({ cwd: d, env: { CAMOS_CRYPTO_BACKEND: 'noble' } }).crypto.backend, 'noble');
  assert.throws(() => loadConfig({ cwd: dir(), env: { CAMOS_CRYPTO_BACKEND: 'openssl' } }), (e: Error) => e instanceof ConfigError && /the environment \(CAMOS_\*\): field 'crypto\.backend'.*"pqclean"\|"noble"/.test(e.message));
  writeFileSync(join(d, 'camos.config.json'), JSON.stringify({ crypto: { backend: 'liboqs' } }));
  assert.throws(() => loadConfig({ cwd: d, env: {} }), /camos\.config\.json: field 'crypto\.backend'/);
  rmSync(d, { recursive: true });
});

test('federation: absent by default; the file sets it, CAMOS_FEDERATION_URL and CAMOS_NODE_ID override its fields, flags keep the rest of the section', () => {
  const d = dir();
  assert.equal(loadConfig({ cwd: d, env: {} }).federation, undefined);
  writeFileSync(join(d, 'camos.config.json'), JSON.stringify({ federation: { url: 'nats://a:4222', cluster: 'east', replicas: 3 } }));
  assert.deepEqual(
    { ...loadConfig({ cwd: d, env: { CAMOS_FEDERATION_URL: 'nats://b:4222', CAMOS_NODE_ID: 'k7' } }).federation },
    { url: 'nats://b:4222', nodeId: 'k7', cluster: 'east', replicas: 3, casTimeoutMs: 5000, maxClockAheadMs: 60000, workAckWaitMs: 30000, questionTimeoutMs: 2000 },
  );
  const flagged = loadConfig({ cwd: d, env: {}, flags: { federation: { url: 'nats://c:4222', nodeId: 'k8' } as never } }).federation!;
  assert.equal(flagged.url, 'nats://c:4222');
  assert.equal(flagged.cluster, 'east');
  assert.throws(() => loadConfig({ cwd: d, env: { CAMOS_NODE_ID: 'no dots.here' } }), /federation.nodeId/);
  rmSync(d, { recursive: true });
});
