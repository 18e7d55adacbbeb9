// Manifest verification: a signed manifest and its component verify; every tampering or
// policy breach is refused with a reason that names it, and all reasons are listed.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Kernel } from '../host/index.ts';
import { openKernel, type OpenKernel } from './helpers/kernel.ts';
import { generateHybridKeyPair, hybridSign, signatureToJson, type HybridKeyPair } from '../host/crypto/hybrid.ts';
import { buildDriver, DRIVERS_DIR, type BuildResult } from '../host/toolchain/build.ts';
import { canonicalBytes, sha256Digest, verifyManifest, type Manifest } from '../host/drivers/manifest.ts';
import { manifestText, signManifest } from '../host/toolchain/sign.ts';
import { TrustStore } from '../host/drivers/trust.ts';
import { inspectCoreModule } from '../host/drivers/wasm.ts';

let dir: string;
let trust: TrustStore;
let publisher: HybridKeyPair;
let stranger: HybridKeyPair;
let router: BuildResult;
let validator: BuildResult;
let signed: Manifest;

const enc = (s: string) => new TextEncoder().encode(s);
const flipBit = (bytes: Uint8Array, bit: number) => {
  const copy = new Uint8Array(bytes);
  copy[bit >> 3] ^= 1 << (bit & 7);
  return copy;
};
const str = (s: string) => [s.length, ...enc(s)];
const section = (id: number, body: number[]) => [id, body.length, ...body];
/** A core module that imports its memory as host.mem and exports only `handle` (no cabi_realloc). */
const offAbiModule = new Uint8Array([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
  ...section(1, [1, 0x60, 0, 0]),
  ...section(2, [1, ...str('host'), ...str('mem'), 0x02, 0x01, 1, 1]),
  ...section(3, [1, 0]),
  ...section(7, [1, ...str('handle'), 0x00, 0]),
  ...section(10, [1, 2, 0, 0x0b]),
]);
const routerManifest = (overrides: Record<string, unknown> = {}) => ({ ...router.template, digest: router.digest, ...overrides });

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'camos-drivers-manifest-'));
  trust = new TrustStore(dir);
  publisher = generateHybridKeyPair();
  stranger = generateHybridKeyPair();
  trust.add(publisher.publicKey, 'test publisher');
  router = await buildDriver(join(DRIVERS_DIR, 'router'));
  validator = await buildDriver(join(DRIVERS_DIR, 'validator'));
  signed = signManifest(routerManifest(), publisher) as Manifest;
});

after(() => rmSync(dir, { recursive: true, force: true }));

describe('verifyManifest', () => {
  test('accepts a manifest signed by a trusted publisher for the exact component', () => {
    const v = verifyManifest({ manifest: manifestText(signed), module: router.component, trust });
    assert.deepEqual(v.reasons, []);
    assert.equal(v.valid, true);
    assert.equal(v.issuer, publisher.publicKey.keyId);
    assert.equal(v.digest, router.digest);
    // The core module the runtime compiles: the component's own, exporting handle.
    assert.deepEqual(inspectCoreModule(v.core!).exports.map((e) => e.name).sort(), ['cabi_post_handle', 'cabi_realloc', 'handle', 'init', 'memory']);
  });

  test('accepts a detached signature in place of the manifest’s own', () => {
    const { signature, ...bare } = signed;
    const v = verifyManifest({ manifest: JSON.stringify(bare), signature: enc(JSON.stringify(signature)), module: router.component, trust });
    assert.deepEqual(v.reasons, []);
  });

  test('answers a repeated question from its cache, and a trust change expires it', () => {
    const manifest = manifestText(signManifest(routerManifest({ description: 'cache probe' }), publisher));
    assert.equal(verifyManifest({ manifest, module: router.component, trust }).cached, false);
    assert.equal(verifyManifest({ manifest, module: router.component, trust }).cached, true);
    const other = new TrustStore(dir);
    other.add(stranger.publicKey, 'unrelated');
    assert.equal(verifyManifest({ manifest, module: router.component, trust }).cached, false);
    other.remove(stranger.publicKey.keyId);
  });

  test('refuses one flipped bit anywhere in the module', () => {
    const bits = router.component.length * 8;
    for (const bit of [0, 70, 8 * 9 + 3, Math.floor(bits / 3), Math.floor(bits / 2) + 5, bits - 1]) {
      const v = verifyManifest({ manifest: manifestText(signed), module: flipBit(router.component, bit), trust });
      assert.equal(v.valid, false, `bit ${bit}`);
      assert.ok(v.reasons.some((r) => r.includes('does not match the manifest\'s digest')), `bit ${bit}: ${v.reasons.join(' | ')}`);
    }
  });

  test('refuses one flipped bit anywhere in the manifest', () => {
    const bytes = enc(manifestText(signed));
    const bits = bytes.length * 8;
    // 48 bits spread over the whole file: names, digest, limits, signature, whitespace.
    for (let i = 0; i < 48; i++) {
      const bit = Math.floor((i * bits) / 48) + (i % 8);
      const v = verifyManifest({ manifest: flipBit(bytes, bit), module: router.component, trust });
      assert.equal(v.valid, false, `bit ${bit} (byte ${bit >> 3}) was accepted`);
      assert.ok(v.reasons.length > 0);
    }
  });

  test('refuses a manifest whose signed content changed, naming both halves', () => {
    const tampered = { ...signed, limits: { ...signed.limits, timeoutMs: signed.limits.timeoutMs + 1 } };
    const v = verifyManifest({ manifest: JSON.stringify(tampered), module: router.component, trust });
    assert.equal(v.valid, false);
    assert.ok(v.reasons.some((r) => r.includes('ML-DSA-65 signature does not verify')));
    assert.ok(v.reasons.some((r) => r.includes('Ed25519 signature does not verify')));
  });

  test('refuses a publisher key that is not in the trust store', () => {
    const v = verifyManifest({ manifest: JSON.stringify(signManifest(routerManifest(), stranger)), module: router.component, trust });
    assert.equal(v.valid, false);
    assert.deepEqual(v.reasons, [`driver 'router@1.0.0': publisher key ${stranger.publicKey.keyId} is not in the trust store (\`camos trust add <pubkey-file>\`)`]);
  });

  test('refuses a revoked publisher key', () => {
    const revokedDir = mkdtempSync(join(tmpdir(), 'camos-drivers-revoked-'));
    try {
      const store = new TrustStore(revokedDir);
      store.add(publisher.publicKey, 'soon revoked');
      assert.equal(verifyManifest({ manifest: JSON.stringify(signed), module: router.component, trust: store }).valid, true);
      store.revoke(publisher.publicKey.keyId);
      const v = verifyManifest({ manifest: JSON.stringify(signed), module: router.component, trust: store });
      assert.equal(v.valid, false);
      assert.deepEqual(v.reasons, [`driver 'router@1.0.0': publisher key ${publisher.publicKey.keyId} (soon revoked) is revoked`]);
    } finally {
      rmSync(revokedDir, { recursive: true, force: true });
    }
  });

  test('refuses a signature made by another key than the publisher’s', () => {
    const claim = { ...routerManifest(), publisher: publisher.publicKey.keyId };
    const forged = { ...claim, signature: signatureToJson(hybridSign(stranger, canonicalBytes(claim))) };
    const v = verifyManifest({ manifest: JSON.stringify(forged), module: router.component, trust });
    assert.equal(v.valid, false);
    assert.ok(v.reasons.includes(`driver 'router@1.0.0': signature was made by key ${stranger.publicKey.keyId}, not by the manifest's publisher ${publisher.publicKey.keyId}`));
    assert.ok(v.reasons.some((r) => r.includes('ML-DSA-65 signature does not verify')));
  });

  test('refuses a manifest whose digest is another module’s', () => {
    const manifest = signManifest(routerManifest({ digest: validator.digest }), publisher);
    const v = verifyManifest({ manifest: JSON.stringify(manifest), module: router.component, trust });
    assert.equal(v.valid, false);
    assert.deepEqual(v.reasons, [`driver 'router@1.0.0': module digest ${router.digest} does not match the manifest's digest ${validator.digest}`]);
  });

  test('refuses a module that imports a host function the manifest does not grant', () => {
    const manifest = signManifest(routerManifest({ capabilities: { imports: ['log'], context: { read: [], write: [] } } }), publisher);
    const v = verifyManifest({ manifest: JSON.stringify(manifest), module: router.component, trust });
    assert.equal(v.valid, false);
    assert.deepEqual(v.reasons, ["driver 'router@1.0.0' imports 'emit-metric' but its manifest grants only 'log'"]);
  });

  test('refuses a module that declares more memory than its manifest allows', () => {
    const manifest = signManifest(routerManifest({ limits: { ...router.template.limits, maxMemoryPages: 2 } }), publisher);
    const v = verifyManifest({ manifest: JSON.stringify(manifest), module: router.component, trust });
    assert.equal(v.valid, false);
    assert.deepEqual(v.reasons, ["driver 'router@1.0.0' declares a memory maximum of 4 pages (256 KiB) but its manifest allows 2 pages (128 KiB)"]);
  });

  test('refuses what only the loader refused before: a memory other than env.memory, no cabi_realloc', () => {
    const manifest = signManifest(routerManifest({ digest: sha256Digest(offAbiModule) }), publisher);
    const v = verifyManifest({ manifest: JSON.stringify(manifest), module: offAbiModule, trust });
    assert.deepEqual(v.reasons, [
      "driver 'router@1.0.0' imports memory 'host.mem'; only env.memory can be provided by the host",
      "driver 'router@1.0.0' does not export func 'cabi_realloc' (the camos:driver world needs cabi_realloc and handle)",
    ]);
  });

  test('lists every reason when several checks fail', () => {
    const manifest = signManifest(routerManifest({ capabilities: { imports: [] }, limits: { ...router.template.limits, maxMemoryPages: 1 } }), stranger);
    const v = verifyManifest({ manifest: JSON.stringify(manifest), module: router.component, trust });
    assert.equal(v.valid, false);
    assert.equal(v.reasons.length, 4, v.reasons.join('\n'));
    assert.ok(v.reasons.some((r) => r.includes('not in the trust store')));
    assert.ok(v.reasons.some((r) => r.includes("imports 'log'")));
    assert.ok(v.reasons.some((r) => r.includes("imports 'emit-metric'")));
    assert.ok(v.reasons.some((r) => r.includes('memory maximum of 4 pages')));
  });

  test('refuses a manifest that breaks the schema, naming the field', () => {
    const manifest = signManifest(routerManifest({ version: 'one', limits: { ...router.template.limits, timeoutMs: -5 } }), publisher);
    const v = verifyManifest({ manifest: JSON.stringify(manifest), module: router.component, trust });
    assert.equal(v.valid, false);
    assert.ok(v.reasons.some((r) => r.startsWith("manifest field 'version'")));
    assert.ok(v.reasons.some((r) => r.startsWith("manifest field 'limits.timeoutMs'")));
  });

  test('refuses a module cut short, saying it cannot be read', () => {
    const v = verifyManifest({ manifest: manifestText(signed), module: router.component.subarray(0, 1000), trust });
    assert.equal(v.valid, false);
    assert.ok(v.reasons.some((r) => r.startsWith("driver 'router@1.0.0': module is not a readable WebAssembly component or module")), v.reasons.join(' | '));
  });

  test('refuses an unsigned manifest', () => {
    const v = verifyManifest({ manifest: JSON.stringify({ ...routerManifest(), publisher: publisher.publicKey.keyId }), module: router.component, trust });
    assert.deepEqual(v.reasons, ["driver 'router@1.0.0': manifest is not signed (no signature in the manifest or the request)"]);
  });
});

describe('sys_verify_manifest', () => {
  let fixture: OpenKernel;
  let kernel: Kernel;
  before(async () => {
    // On the trust store's directory: the kernel trusts the test's publisher.
    fixture = await openKernel({}, { dataDir: dir });
    kernel = fixture.kernel;
  });
  after(() => fixture.close());

  test('answers valid with the issuer and digest for a good manifest', async () => {
    const res = await kernel.call('sys_verify_manifest', { manifestData: Buffer.from(JSON.stringify(signed)), module: router.component });
    assert.deepEqual(res, { valid: true, issuer: publisher.publicKey.keyId, reasons: [], digest: router.digest });
  });

  test('answers invalid with every reason for a bad one', async () => {
    const manifest = signManifest(routerManifest({ capabilities: { imports: ['log'] } }), publisher);
    const res = await kernel.call('sys_verify_manifest', { manifestData: Buffer.from(JSON.stringify(manifest)), module: flipBit(router.component, 800) });
    assert.equal(res.valid, false);
    assert.ok(res.reasons.some((r: string) => r.includes('does not match')));
    assert.ok(res.reasons.some((r: string) => r.includes("imports 'emit-metric'")));
  });

  test('rejects a request without a module', async () => {
    await assert.rejects(kernel.call('sys_verify_manifest', { manifestData: Buffer.from(JSON.stringify(signed)) }), /module is required/);
  });
});
