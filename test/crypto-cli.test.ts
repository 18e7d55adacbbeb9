// `camos key list|rotate|revoke` and `camos channel test`, run as the user runs them.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import type { Doors, Kernel } from '../host/index.ts';
import { startKernel, type RunningKernel } from './helpers/kernel.ts';
import { register } from '../host/cli/keys.ts';

const BIN = fileURLToPath(new URL('../bin/camos.mjs', import.meta.url));
let k: RunningKernel;
let dir: string;
let kernel: Kernel;
let doors: Doors;

before(async () => {
  k = await startKernel();
  ({ kernel, doors, dataDir: dir } = k);
});
after(() => k.stop(0));

/** The real binary, for one end-to-end check (each spawn loads the whole CLI: seconds). */
function camosBin(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 60_000, env: { ...process.env, CAMOS_ADDRESS: '', CAMOS_TOKEN: '' } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** The same commands in this process (success paths only: failures call process.exit). */
async function camos(...args: string[]): Promise<string> {
  const program = new Command('camos').exitOverride();
  register(program);
  const lines: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => lines.push(a.join(' '));
  try {
    await program.parseAsync(['node', 'camos', ...args]);
  } finally {
    console.log = log;
  }
  return lines.join('\n');
}

test('key rotate retires the active key, and the running kernel signs with the new one', async () => {
  const old = kernel.keys!.identity().keyId;
  const rotated = await camos('key', 'rotate', '-d', dir, '--reason', 'scheduled');
  const { previous, active } = JSON.parse(rotated);
  assert.equal(previous, old);
  assert.equal((await kernel.call('sys_tpm_sign', { data: Buffer.from('x') })).keyId, active.keyId);
  const listed = JSON.parse(await camos('key', 'list', '-d', dir, '--json'));
  assert.deepEqual(listed.map((k: { keyId: string; status: string }) => [k.keyId, k.status]), [[old, 'retired'], [active.keyId, 'active']]);
  assert.equal(listed[0].reason, 'scheduled');
  assert.ok(listed[1].publicKey.mldsa.length > 2000);
});

test('key revoke marks a key revoked; key list (the real binary) shows it', async () => {
  const old = kernel.keys!.identity().keyId;
  const revoked = await camos('key', 'revoke', old, '-d', dir);
  assert.equal(JSON.parse(revoked).revoked.status, 'revoked');
  assert.equal(kernel.keys!.info(old)!.status, 'revoked');
  const listed = await camosBin('key', 'list', '-d', dir);
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, new RegExp(`${old}\\s+revoked`));
});

test('channel test establishes a secure channel with the running kernel and gets a sealed health answer', async () => {
  const r = await camos('channel', 'test', '-d', dir, '--address', `127.0.0.1:${doors.port}`);
  const out = JSON.parse(r);
  assert.match(out.channelId, /^[0-9a-f]{32}$/);
  assert.equal(out.kernelKey, kernel.keys!.identity().keyId);
  assert.equal(out.sealedHealth.version, kernel.version);
});
