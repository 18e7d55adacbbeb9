// End to end over gRPC: a driver written with the SDK, built from source in this test run,
// signed with a key made here, loaded and called through the doors; and the example
// drivers a fresh kernel comes up with.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { generateHybridKeyPair } from '../host/crypto/hybrid.ts';
import { buildDriver } from '../host/toolchain/build.ts';
import { manifestText, signManifest } from '../host/toolchain/sign.ts';
import { TrustStore } from '../host/drivers/trust.ts';
import { startKernel, type RunningKernel } from './helpers/kernel.ts';

let k: RunningKernel;
let src: string;

before(async () => {
  k = await startKernel({ drivers: { poolSize: 2, watch: false } });
  src = mkdtempSync(join(tmpdir(), 'camos-runtime-grpc-src-'));
});

after(async () => {
  await k.stop();
  rmSync(src, { recursive: true, force: true });
});

test('a driver built from source here, signed with a key made here, is loaded and called over gRPC', async () => {
  mkdirSync(join(src, 'assembly'));
  writeFileSync(
    join(src, 'assembly', 'index.ts'),
    [
      'import { log } from "camos-driver";',
      'export function handle(input: Uint8Array): Uint8Array {',
      '  const out = new Uint8Array(input.length);',
      '  for (let i = 0; i < input.length; i++) out[i] = input[input.length - 1 - i];',
      '  log.info("reversed " + input.length.toString() + " bytes");',
      '  return out;',
      '}',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(src, 'manifest.json'),
    JSON.stringify({
      name: 'reverser',
      version: '0.1.0',
      description: 'reverses its input',
      capabilities: { imports: ['log'] },
      limits: { maxMemoryPages: 4, timeoutMs: 1000, maxOutputBytes: 1024 },
    }),
  );
  const built = await buildDriver(src, { outDir: join(src, 'out') });
  const key = generateHybridKeyPair();
  new TrustStore(k.dataDir).add(key.publicKey, 'grpc test publisher');
  const manifest = manifestText(signManifest({ ...built.template, digest: built.digest }, key));

  const loaded = await k.unary('DriverLoad', { manifestData: Buffer.from(manifest), module: Buffer.from(readFileSync(built.componentPath)) });
  assert.equal(loaded.driver.name, 'reverser');
  assert.equal(loaded.driver.publisher, key.publicKey.keyId);
  assert.equal(loaded.driver.digest, built.digest);

  const answer = await k.unary('DriverInvoke', { name: 'reverser', input: Buffer.from('camos') });
  assert.equal(Buffer.from(answer.output).toString(), 'somac');
  assert.equal(answer.driver, 'reverser@0.1.0');

  const { drivers } = await k.unary('DriverList', {});
  assert.ok(drivers.some((d: { name: string }) => d.name === 'reverser'));
});

test('a fresh kernel comes up with the example drivers loaded, signed by a key it trusts, and callable', async () => {
  const { drivers } = await k.unary('DriverList', {});
  const names = drivers.map((d: { name: string }) => d.name);
  for (const example of ['router', 'validator', 'ratelimit']) assert.ok(names.includes(example), `${example} is loaded (loaded: ${names})`);
  const trust = new TrustStore(k.dataDir);
  for (const d of drivers.filter((d: { name: string }) => d.name !== 'reverser')) assert.ok(trust.get(d.publisher), `${d.name}'s publisher is trusted`);
  const answer = await k.unary('DriverInvoke', { name: 'router', input: Buffer.from(JSON.stringify({ task: 'fix the crash in the python function' })) });
  assert.equal(JSON.parse(Buffer.from(answer.output).toString()).capability, 'code');
});
