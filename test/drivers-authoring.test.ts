// docs/drivers.md's guide, command by command, as a driver author runs it: the real CLI in
// a new directory outside the camos checkout, against a kernel running in another process.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { camos, startKernelProcess, type KernelProcess } from './helpers/process.ts';

let work: string;
let dataDir: string;
let kernel: KernelProcess;
let conn: string[];
/** Runs camos in the author's directory, with no data dir from the environment. */
const author = (...args: string[]) => camos(args, { cwd: work, env: { CAMOS_DATA_DIR: '', CAMOS_ADDRESS: '', CAMOS_TOKEN: '' } });
const json = (r: { code: number; stdout: string; stderr: string }) => {
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
};

before(async () => {
  const root = mkdtempSync(join(tmpdir(), 'camos-authoring-'));
  work = join(root, 'author');
  dataDir = join(root, 'kernel', 'data');
  mkdirSync(work);
  const config = join(root, 'kernel', 'camos.config.json');
  mkdirSync(join(root, 'kernel'));
  writeFileSync(config, JSON.stringify({ drivers: { loadExamples: false, poolSize: 1 } }));
  kernel = await startKernelProcess(['--port', '0', '--data-dir', dataDir, '--config', config, '--log-level', 'warn']);
  conn = ['--address', `127.0.0.1:${kernel.port}`, '-d', dataDir];
});

after(async () => {
  kernel.child.kill('SIGTERM');
  await kernel.exited;
  rmSync(join(work, '..'), { recursive: true, force: true });
});

test('trust add (and key rotate) without -d refuse where no kernel has started, name the directory and create nothing', async () => {
  const key = json(await author('keygen', '--out', 'me.json'));
  for (const args of [['trust', 'add', key.publicKeyFile], ['key', 'rotate']]) {
    const r = await author(...args);
    assert.equal(r.code, 1, args.join(' '));
    assert.match(r.stderr, new RegExp(`no kernel data directory at ${join(work, '.camos')} .*pass -d <dir>`));
  }
  assert.equal(existsSync(join(work, '.camos')), false);
});

test('new, build, load --key (sign and load in one step) and call: a signed driver answers', async () => {
  const trusted = json(await author('trust', 'add', 'me.pub.json', '--name', 'author', '-d', dataDir));
  assert.equal(trusted.trustStore, join(dataDir, 'trust.json'));
  assert.equal((await author('driver', 'new', 'greeter')).code, 0);
  const built = json(await author('driver', 'build', 'greeter'));
  assert.equal(built.manifest, join(work, 'greeter', 'build', 'greeter.manifest.json'), "the build goes under the driver's own folder");
  const loaded = json(await author('driver', 'load', 'greeter', '--key', 'me.json', ...conn));
  assert.equal(loaded.driver.publisher, trusted.trusted);
  assert.deepEqual(json(await author('driver', 'call', 'greeter', '{"name": "Ada"}', ...conn)), { greeting: 'Hello, Ada!' });
});

test("the guide's separate steps: sign, inspect, load a manifest file, list", async () => {
  const signed = json(await author('driver', 'sign', 'greeter/build/greeter.manifest.json', '--key', 'me.json'));
  assert.equal(signed.driver, 'greeter@0.1.0');
  const inspected = await author('driver', 'inspect', 'greeter/build/greeter.component.wasm');
  assert.match(inspected.stdout, new RegExp(`digest: +${signed.digest}`));
  json(await author('driver', 'load', 'greeter/build/greeter.manifest.json', ...conn));
  const listed = json(await author('driver', 'list', ...conn));
  assert.deepEqual(listed.drivers.map((d: { name: string }) => d.name), ['greeter']);
  const trust = await author('trust', 'list', '-d', dataDir);
  assert.match(trust.stderr, new RegExp(`trust store ${join(dataDir, 'trust.json')}`));
});

test("the scaffolded driver's own test passes in its folder (npm test)", async () => {
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT; // set for this file's own runner: it would make the driver's runner answer to it
  const { stdout } = await promisify(execFile)('npm', ['test'], { cwd: join(work, 'greeter'), env, timeout: 240_000 });
  assert.match(stdout, /^# pass 1$/m);
  assert.match(stdout, /^# fail 0$/m);
});
