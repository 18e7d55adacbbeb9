// The kernel as a user runs it: `camos start` in its own process, the CLI against it,
// and a clean shutdown on SIGTERM with calls in flight.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { packageDefinition } from '../host/wire/proto.ts';
import { camos, startKernelProcess, type KernelProcess } from './helpers/process.ts';

const Client = grpc.makeGenericClientConstructor(packageDefinition['cam_os.SyscallService'] as grpc.ServiceDefinition, 'SyscallService');

describe('camos start and the CLI', () => {
  let dataDir: string;
  let k: KernelProcess;
  let address: string;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'camos-proc-'));
    k = await startKernelProcess(['--port', '0', '--data-dir', dataDir, '--log-level', 'warn']);
    address = `127.0.0.1:${k.port}`;
  });
  after(async () => {
    k.child.kill('SIGTERM');
    await k.exited;
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('first start creates an admin token (mode 0600) and says where it is', () => {
    assert.match(k.output(), new RegExp(`admin token in ${join(dataDir, 'admin.token').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.equal(statSync(join(dataDir, 'admin.token')).mode & 0o777, 0o600);
  });

  test('camos call sends any syscall and prints the JSON answer', async () => {
    const r = await camos(['call', 'sys_health_check', '{"detailed": true}', '--address', address, '--data-dir', dataDir]);
    assert.equal(r.code, 0, r.stderr);
    const body = JSON.parse(r.stdout);
    assert.equal(body.status, 'ok');
    assert.ok(body.components.kernel);
  });

  test('camos status prints the detailed health', async () => {
    const r = await camos(['status', '--address', address, '--data-dir', dataDir]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).components.kernel.details.data_dir, dataDir);
  });

  test('camos token create, list and revoke manage agent tokens', async () => {
    const created = await camos(['token', 'create', '--agent', 'agent-cli', '--address', address, '--data-dir', dataDir]);
    assert.equal(created.code, 0, created.stderr);
    const { token, tokenId } = JSON.parse(created.stdout);
    const asAgent = await camos(['call', 'sys_health_check', '{}', '--address', address, '--token', token]);
    assert.equal(asAgent.code, 0, asAgent.stderr);
    assert.equal(JSON.parse(asAgent.stdout).caller, 'agent-cli');
    const list = JSON.parse((await camos(['token', 'list', '--address', address, '--data-dir', dataDir])).stdout);
    assert.ok(list.tokens.some((t: any) => t.tokenId === tokenId && t.agentId === 'agent-cli' && !t.revoked));
    const revoked = await camos(['token', 'revoke', tokenId, '--address', address, '--data-dir', dataDir]);
    assert.equal(revoked.code, 0, revoked.stderr);
    const denied = await camos(['call', 'sys_health_check', '{}', '--address', address, '--token', token]);
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /UNAUTHENTICATED/);
  });

  test('a CLI error prints the status name and message and exits 1', async () => {
    const r = await camos(['call', 'sys_token_create', '{"agentId": ""}', '--address', address, '--data-dir', dataDir]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /INVALID_ARGUMENT: field 'agent_id'/);
  });

  test('camos syscalls lists the table, the seed\'s spellings findable by name', async () => {
    const r = await camos(['syscalls']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ 1  sys_arbitrate +Arbitrate +core$/m);
    assert.match(r.stdout, /^15  sys_health_check +HealthCheck +observability$/m);
  });

  test('every command has --help', async () => {
    for (const args of [['--help'], ['start', '--help'], ['call', '--help'], ['status', '--help'], ['token', 'create', '--help'], ['token', 'revoke', '--help'], ['token', 'list', '--help']]) {
      const r = await camos(args);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stdout, /Usage: camos/);
    }
  });
});

describe('configuration from the command line', () => {
  test('a config file with a bad field stops start with a message naming the field and the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'camos-cfg-'));
    const file = join(dir, 'camos.config.json');
    writeFileSync(file, JSON.stringify({ port: 'eighty' }));
    const r = await camos(['start', '--config', file, '--data-dir', join(dir, 'data')]);
    rmSync(dir, { recursive: true, force: true });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /config file .*camos\.config\.json: field 'port'/);
  });

  test('CAMOS_PORT sets the port and a --port flag overrides it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'camos-env-'));
    const k = await startKernelProcess(['--port', '0', '--data-dir', dir, '--log-level', 'warn'], { CAMOS_PORT: '1' });
    k.child.kill('SIGTERM');
    assert.equal(await k.exited, 0);
    rmSync(dir, { recursive: true, force: true });
    assert.notEqual(k.port, 1);
  });
});

describe('shutdown', () => {
  test('SIGTERM drains calls in flight: every call is answered, the process exits 0', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'camos-drain-'));
    const k = await startKernelProcess(['--port', '0', '--data-dir', dataDir, '--log-level', 'warn']);
    const token = readFileSync(join(dataDir, 'admin.token'), 'utf8').trim();
    const c = new Client(`127.0.0.1:${k.port}`, grpc.credentials.createInsecure()) as grpc.Client & Record<string, any>;
    const md = new grpc.Metadata();
    md.set('authorization', `Bearer ${token}`);
    const s = c.Session(md);
    const answers = new Map<string, number>();
    const N = 400;
    let signalled = false;
    const ended = new Promise<void>((resolve) => {
      s.on('data', (r: any) => {
        answers.set(r.requestId, r.code);
        if (!signalled && answers.size >= 20) {
          signalled = true;
          k.child.kill('SIGTERM');
        }
        if (answers.size === N) resolve();
      });
      s.on('error', () => resolve());
      s.on('end', () => resolve());
    });
    for (let i = 0; i < N; i++) s.write({ requestId: `c${i}`, healthCheck: { detailed: true } });
    await ended;
    const code = await k.exited;
    c.close();
    rmSync(dataDir, { recursive: true, force: true });
    assert.equal(code, 0);
    assert.equal(answers.size, N, `answered ${answers.size} of ${N}`);
    for (const [id, status] of answers) assert.ok(status === 0 || status === grpc.status.UNAVAILABLE, `${id} answered ${status}`);
  });
});
