// The TPM 2.0 backend against a software TPM (swtpm) that this file starts on free ports:
// the classical half is ECDSA P-256 by a key that lives in the TPM, the post-quantum half
// ML-DSA-65; both verify with node:crypto (OpenSSL) and noble.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, verify as nodeVerify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { KeyStore, SIGNING_PURPOSE, decodeSignature } from '../host/crypto/index.ts';
import { p256PublicKeyObject } from '../host/crypto/hybrid.ts';
import { tpmtSignatureToP1363 } from '../host/crypto/tpm.ts';
import { openKernel } from './helpers/kernel.ts';

const SKIP = 'install swtpm and tpm2-tools (apt-get install swtpm swtpm-tools tpm2-tools)';
const installed = ['swtpm', 'tpm2_sign', 'tpm2_createprimary'].every((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status === 0);

let swtpm: ChildProcess | undefined;
let tcti = '';
const dirs: string[] = [];
const tempDir = (p: string) => {
  const d = mkdtempSync(join(tmpdir(), p));
  dirs.push(d);
  return d;
};

function listenOn(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const s = createServer().listen(port, '127.0.0.1', () => {
      const got = (s.address() as { port: number }).port;
      s.close(() => resolve(got));
    });
    s.on('error', () => resolve(undefined));
  });
}

/** Two free consecutive ports: the swtpm TCTI talks to the server on `port` and to the control channel on `port + 1`. */
async function freePortPair(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = await listenOn(0);
    if (port && port < 65535 && (await listenOn(port + 1))) return port;
  }
  throw new Error('found no two free consecutive ports for swtpm');
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = createConnection({ port, host: '127.0.0.1' }, () => {
        c.destroy();
        resolve(true);
      });
      c.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`swtpm did not listen on port ${port}`);
}

before(async () => {
  if (!installed) return;
  const state = tempDir('camos-swtpm-');
  // The pair was free when probed; another process may take it before swtpm binds it, and
  // then swtpm exits: try another pair. Listening counts only while swtpm is still running.
  for (let attempt = 0; attempt < 5 && !tcti; attempt++) {
    const server = await freePortPair();
    const ctrl = server + 1;
    const child = spawn('swtpm', ['socket', '--tpm2', '--tpmstate', `dir=${state}`, '--server', `type=tcp,port=${server},bindaddr=127.0.0.1`, '--ctrl', `type=tcp,port=${ctrl},bindaddr=127.0.0.1`, '--flags', 'not-need-init,startup-clear'], { stdio: 'ignore' });
    const gone = new Promise<'gone'>((resolve) => child.once('exit', () => resolve('gone')));
    if ((await Promise.race([waitForPort(server).then(() => 'up' as const, () => 'gone' as const), gone])) === 'up' && child.exitCode === null) {
      swtpm = child;
      tcti = `swtpm:host=127.0.0.1,port=${server}`;
    } else child.kill('SIGKILL');
  }
  if (!tcti) throw new Error('swtpm did not start on five free port pairs');
});

after(() => {
  swtpm?.kill('SIGTERM');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const P = SIGNING_PURPOSE.tpmSign;
// camos-sign-v3 for sys_tpm_sign's purpose, rebuilt here from docs/crypto.md.
const message = (data: Uint8Array) => Buffer.concat([Buffer.from('camos-sign-v3\0camos-tpm-sign\0'), createHash('sha512').update(data).digest()]);

/** r || s (IEEE P1363) to the DER SEQUENCE { INTEGER r, INTEGER s } that OpenSSL also reads. */
function p1363ToDer(sig: Uint8Array): Buffer {
  const int = (b: Buffer) => {
    let v = b;
    while (v.length > 1 && v[0] === 0 && v[1] < 0x80) v = v.subarray(1);
    if (v[0] >= 0x80) v = Buffer.concat([Buffer.from([0]), v]);
    return Buffer.concat([Buffer.from([0x02, v.length]), v]);
  };
  const body = Buffer.concat([int(Buffer.from(sig.subarray(0, 32))), int(Buffer.from(sig.subarray(32)))]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

test('a TPM-backed key signs: ECDSA P-256 verifies with node:crypto (P1363 and DER), ML-DSA-65 with noble', async (t) => {
  if (!installed) return t.skip(SKIP);
  const ks = await KeyStore.open({ dataDir: tempDir('camos-tpm-'), backend: 'tpm', tpmTcti: tcti, passphraseEnv: '' });
  const data = Buffer.from('signed inside the TPM');
  const r = await ks.sign(P, data);
  const pub = ks.publicKey(r.keyId)!;
  assert.equal(r.backend, 'tpm');
  assert.equal(r.algorithm, 'ML-DSA-65+ECDSA-P256');
  assert.equal(ks.info(r.keyId)!.tpmHandle?.startsWith('0x81'), true);
  const key = p256PublicKeyObject(pub.p256!);
  assert.equal(nodeVerify('sha256', message(data), { key, dsaEncoding: 'ieee-p1363' }, r.signature.p256!), true);
  assert.equal(nodeVerify('sha256', message(data), key, p1363ToDer(r.signature.p256!)), true);
  assert.equal(ml_dsa65.verify(r.signature.mldsa, message(data), pub.mldsa), true);
  assert.equal(await ks.verify(P, data, r.signature), true);
  assert.equal(await ks.verify(P, Buffer.from('something else'), r.signature), false);
});

test('sys_tpm_sign on a kernel configured with keys.backend tpm answers backend "tpm" and both halves', async (t) => {
  if (!installed) return t.skip(SKIP);
  const k = await openKernel({ keys: { backend: 'tpm', tpmTcti: tcti } });
  const kernel = k.kernel;
  try {
    const data = Buffer.from('kernel data');
    const r = await kernel.call('sys_tpm_sign', { data });
    assert.equal(r.backend, 'tpm');
    assert.equal(r.algorithm, 'ML-DSA-65+ECDSA-P256');
    const pub = kernel.keys!.publicKey(r.keyId)!;
    assert.equal(nodeVerify('sha256', message(data), { key: p256PublicKeyObject(pub.p256!), dsaEncoding: 'ieee-p1363' }, r.classicalSignature), true);
    assert.equal(ml_dsa65.verify(r.pqSignature, message(data), pub.mldsa), true);
    assert.equal(await kernel.keys!.verify(P, data, decodeSignature(r.signature, r.keyId)), true);
  } finally {
    await k.close();
  }
});

test('rotating a TPM-backed key makes a new TPM key; the old signatures still verify', async (t) => {
  if (!installed) return t.skip(SKIP);
  const ks = await KeyStore.open({ dataDir: tempDir('camos-tpm-'), backend: 'tpm', tpmTcti: tcti, passphraseEnv: '' });
  const data = Buffer.from('before rotation');
  const before = await ks.sign(P, data);
  const fresh = await ks.rotate();
  assert.notEqual(fresh.tpmHandle, ks.info(before.keyId)!.tpmHandle);
  assert.equal((await ks.sign(P, data)).keyId, fresh.keyId);
  assert.equal(await ks.verify(P, data, before.signature), true);
});

test('the TPM signature format (TPMT_SIGNATURE) converts to r || s with each half left-padded', () => {
  const r = Buffer.alloc(31, 0x11);
  const s = Buffer.alloc(32, 0x22);
  const tpmt = Buffer.concat([Buffer.from([0x00, 0x18, 0x00, 0x0b, 0x00, 31]), r, Buffer.from([0x00, 32]), s]);
  assert.deepEqual(Buffer.from(tpmtSignatureToP1363(tpmt)), Buffer.concat([Buffer.alloc(1), r, s]));
  assert.throws(() => tpmtSignatureToP1363(Buffer.from([0x00, 0x14, 0x00, 0x0b])), /not return an ECDSA signature/);
});

test('a TPM that cannot be reached stops the key store from opening, naming the TCTI', async (t) => {
  if (!installed) return t.skip(SKIP);
  const unreachable = 'swtpm:host=127.0.0.1,port=1';
  await assert.rejects(KeyStore.open({ dataDir: tempDir('camos-tpm-'), backend: 'tpm', tpmTcti: unreachable, passphraseEnv: '' }), /failed against TPM 'swtpm:host=127\.0\.0\.1,port=1'/);
});
