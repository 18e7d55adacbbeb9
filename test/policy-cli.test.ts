// `camos policy get|set|test|history` against a running kernel over gRPC: the binary once,
// then the commands in-process (spawning the CLI costs seconds on this machine).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Command } from 'commander';
import { register } from '../host/cli/policy.ts';
import type { Doors, Kernel } from '../host/index.ts';
import { startKernel, type RunningKernel } from './helpers/kernel.ts';

const BIN = new URL('../bin/camos.mjs', import.meta.url).pathname;
let k: RunningKernel;
let dir: string;
let kernel: Kernel;
let doors: Doors;

before(async () => {
  k = await startKernel({ drivers: { loadExamples: false, watch: false } });
  ({ kernel, doors, dataDir: dir } = k);
});
after(() => k.stop());

const connection = () => ['--address', `127.0.0.1:${doors.port}`, '--data-dir', dir];

function spawnCamos(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args, ...connection()], { timeout: 50_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Runs `camos <args>` in this process, capturing its output and exit code. */
async function camos(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  // As host/cli/main.ts builds it: a program-level --version, options after the subcommand.
  const program = new Command('camos').version('0.0.0').enablePositionalOptions().exitOverride();
  register(program);
  const out = { stdout: '', stderr: '' };
  const console_ = { log: console.log, error: console.error };
  console.log = (...a: unknown[]) => void (out.stdout += `${a.join(' ')}\n`);
  console.error = (...a: unknown[]) => void (out.stderr += `${a.join(' ')}\n`);
  try {
    await program.parseAsync(['node', 'camos', ...args, ...connection()]);
  } finally {
    Object.assign(console, console_);
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { code, ...out };
}

describe('camos policy', () => {
  test('test answers a question and exits 1 when it is denied', async () => {
    const r = await spawnCamos('policy', 'test', 'agent-b', 'context_write', 'finance');
    assert.equal(r.code, 1);
    const answer = JSON.parse(r.stdout);
    assert.equal(answer.allowed, false);
    assert.match(answer.reason, /no policy permits Agent::"agent-b" to context_write on Namespace::"finance"/);
  });

  test('set refuses an invalid file with the line and column, and stores a valid one as the next version', async () => {
    const bad = join(dir, 'bad.cedar');
    writeFileSync(bad, 'permit (principal is Admin, action, resource);\n@id("x") permit (principal, action, resource) when { context.hours > 1 };\n');
    const refused = await camos('policy', 'set', bad);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /INVALID_ARGUMENT: .*line 2, column \d+: for policy `x`/);

    const good = join(dir, 'good.cedar');
    writeFileSync(good, 'permit (principal is Admin, action, resource);\n@id("all-read") permit (principal is Agent, action == Action::"context_read", resource);\n');
    const stored = await camos('policy', 'set', good, '--id', 'reads', '--meta', 'ticket=OPS-2');
    assert.equal(stored.code, 0, stored.stderr);
    assert.deepEqual(JSON.parse(stored.stdout), { warnings: [], policyId: 'reads', version: 2 });

    const history = JSON.parse((await camos('policy', 'history')).stdout);
    assert.deepEqual(history.map((h: { policyId: string }) => h.policyId), ['default', 'reads']);
    assert.equal(history[1].metadata.ticket, 'OPS-2');

    const text = await camos('policy', 'get');
    assert.match(text.stdout, /@id\("all-read"\)/);
    assert.match(text.stderr, /policy set version 2 \(reads\)/);

    const first = await camos('policy', 'get', '--version', '1');
    assert.match(first.stdout, /@id\("admin-all"\)/);
    assert.match(first.stderr, /policy set version 1 \(default\)/);
  });
});
