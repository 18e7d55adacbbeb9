// The driver toolchain end to end: `camos driver new`'s scaffold, built from source in this
// run (asc -> core module -> component), inspected, signed with a key made here, trusted,
// verified, loaded and called through the kernel.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { generateHybridKeyPair } from '../host/crypto/hybrid.ts';
import { buildDriver, inspectComponent, type BuildResult } from '../host/toolchain/build.ts';
import { verifyManifest } from '../host/drivers/manifest.ts';
import { manifestText, signManifest } from '../host/toolchain/sign.ts';
import { scaffoldDriver } from '../host/toolchain/scaffold.ts';
import { openKernel } from './helpers/kernel.ts';
import { binaryKind, coreModulesOf, extractCoreModule, inspectCoreModule } from '../host/drivers/wasm.ts';

let dir: string;
let built: BuildResult;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'camos-drivers-build-'));
  const { dir: source } = scaffoldDriver(join(dir, 'greeter'), 'greeter');
  built = await buildDriver(source, { outDir: join(dir, 'out'), force: true });
});

after(() => rmSync(dir, { recursive: true, force: true }));

test('builds a core module and a component from AssemblyScript source', () => {
  assert.equal(built.cached, false);
  assert.equal(binaryKind(built.core), 'module');
  assert.equal(binaryKind(built.component), 'component');
  assert.match(built.digest, /^sha256:[0-9a-f]{64}$/);
});

test('imports only the host functions the source uses', () => {
  assert.deepEqual(built.imports, ['log']);
  const info = inspectCoreModule(built.core);
  const functions = info.imports.filter((i) => i.kind === 'func');
  assert.ok(functions.every((i) => i.module === 'camos:driver/host@0.1.0'), 'no env.abort or other function imports');
  assert.deepEqual(info.imports.filter((i) => i.kind !== 'func').map((i) => `${i.module}.${i.name}:${i.kind}`), ['env.memory:memory'], 'the memory comes from the host');
});

test('exports the canonical-ABI entry points and imports a memory capped by the manifest', () => {
  const info = inspectCoreModule(built.core);
  assert.deepEqual(info.exports.map((e) => e.name).sort(), ['cabi_post_handle', 'cabi_realloc', 'handle', 'init', 'memory']);
  assert.deepEqual(info.memories, [], 'no memory of its own');
  assert.deepEqual(info.imports.filter((i) => i.kind === 'memory').map((i) => i.memory!.maximumPages), [built.template.limits.maxMemoryPages]);
});

test('finds the driver’s core module inside the component', () => {
  const core = extractCoreModule(built.component);
  assert.ok(coreModulesOf(built.component).length >= 1);
  assert.deepEqual(inspectCoreModule(core).imports, inspectCoreModule(built.core).imports);
});

test('inspects the component: WIT, digest and size', async () => {
  const i = await inspectComponent(built.componentPath);
  assert.equal(i.kind, 'component');
  assert.equal(i.digest, built.digest);
  assert.equal(i.size, built.component.length);
  assert.match(i.wit, /import camos:driver\/host@0\.1\.0;/);
  assert.match(i.wit, /export handle: func\(input: list<u8>\) -> result<list<u8>, string>;/);
});

test('answers a second build of unchanged sources from the cache', async () => {
  const again = await buildDriver(join(dir, 'greeter'), { outDir: join(dir, 'out') });
  assert.equal(again.cached, true);
  assert.equal(again.digest, built.digest);
});

test('a driver built here, signed with a key made here, is verified, loaded and called', async () => {
  const k = await openKernel();
  const kernel = k.kernel;
  try {
    const key = generateHybridKeyPair();
    const manifest = manifestText(signManifest({ ...built.template, digest: built.digest }, key));
    assert.equal(verifyManifest({ manifest, module: built.component, trust: kernel.drivers!.trust }).valid, false, 'not trusted yet');
    kernel.drivers!.trust.add(key.publicKey, 'test key');
    const verdict = await kernel.call('sys_verify_manifest', { manifestData: Buffer.from(manifest), module: built.component });
    assert.deepEqual(verdict.reasons, []);
    await kernel.call('sys_driver_load', { manifestData: Buffer.from(manifest), module: built.component });
    const res = await kernel.call('sys_driver_invoke', { name: 'greeter', input: Buffer.from(JSON.stringify({ name: 'Ada' })) });
    assert.equal(res.driver, 'greeter@0.1.0');
    assert.deepEqual(JSON.parse(Buffer.from(res.output).toString()), { greeting: 'Hello, Ada!' });
  } finally {
    await k.close();
  }
});

test("a driver's init gets the manifest's config through the SDK, before each handle", async () => {
  // The scaffold with an init that takes its salutation from the config, and a config in its manifest.
  const { dir: source } = scaffoldDriver(join(dir, 'saluter'), 'saluter');
  const index = join(source, 'assembly', 'index.ts');
  const text = readFileSync(index, 'utf8')
    .replace('export function handle', 'let salutation = "Hello";\n\nexport function init(config: Uint8Array): void {\n  const c = json.parseBytes(config);\n  if (c === null || !c.isObject) return;\n  const s = c.get("salutation");\n  if (s !== null && s.isString) salutation = s.string;\n}\n\nexport function handle')
    .replace('JsonValue.str("Hello, "', 'JsonValue.str(salutation + ", "');
  writeFileSync(index, text);
  const manifestPath = join(source, 'manifest.json');
  writeFileSync(manifestPath, JSON.stringify({ ...JSON.parse(readFileSync(manifestPath, 'utf8')), config: { salutation: 'Grüß Gott' } }));
  const saluter = await buildDriver(source, { outDir: join(dir, 'out-saluter'), force: true });
  const k = await openKernel();
  const kernel = k.kernel;
  try {
    const key = generateHybridKeyPair();
    kernel.drivers!.trust.add(key.publicKey, 'test key');
    const manifest = manifestText(signManifest({ ...saluter.template, digest: saluter.digest }, key));
    await kernel.call('sys_driver_load', { manifestData: Buffer.from(manifest), module: saluter.component });
    for (const name of ['Ada', 'Grace']) {
      const res = await kernel.call('sys_driver_invoke', { name: 'saluter', input: Buffer.from(JSON.stringify({ name })) });
      assert.deepEqual(JSON.parse(Buffer.from(res.output).toString()), { greeting: `Grüß Gott, ${name}!` });
    }
  } finally {
    await k.close();
  }
});
