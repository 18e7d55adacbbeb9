// The kernel foundation's doors: gRPC unary, the Session stream, HTTP/JSON and in-process
// all reach the same pipeline; health and reflection; tokens; error mapping; limits.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createRequire } from 'node:module';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { z } from 'zod';
import { startKernel, type RunningKernel } from './helpers/kernel.ts';
import { invoke } from '../host/syscalls/pipeline.ts';
import { notYet } from '../host/syscalls/unavailable.ts';
import type { AuditEntry } from '../host/contract/index.ts';
import type { SyscallRow } from '../host/syscalls/types.ts';

const require = createRequire(import.meta.url);
let k: RunningKernel;
const audit: AuditEntry[] = [];

before(async () => {
  // Many calls here are refused for their token on purpose: past auth.failedPerMinute they would be RESOURCE_EXHAUSTED.
  k = await startKernel({ maxMessageBytes: 64 * 1024, drivers: { loadExamples: false }, auth: { failedPerMinute: 100_000 } });
  const original = k.kernel.auditSink;
  k.kernel.auditSink = { record: (e) => (audit.push(e), original.record(e)), committed: () => original.committed(), refusal: () => original.refusal() };
});
after(() => k.stop());

const http = (path: string, body?: unknown, token: string | null = k.adminToken, raw?: string) =>
  fetch(`http://${k.address}${path}`, {
    method: body === undefined && raw === undefined ? 'GET' : 'POST',
    headers: token ? { authorization: `Bearer ${token}` } : {},
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });

function openSession(token: string | null = k.adminToken) {
  const stream = k.client.Session(k.metadata(token)) as grpc.ClientDuplexStream<any, any>;
  const answers = new Map<string, any>();
  const waiters = new Map<string, (r: any) => void>();
  stream.on('data', (r: any) => {
    answers.set(r.requestId, r);
    waiters.get(r.requestId)?.(r);
  });
  return {
    stream,
    answers,
    send(req: any): Promise<any> {
      return new Promise((resolve) => {
        waiters.set(req.requestId, resolve);
        stream.write(req);
      });
    },
  };
}

describe('doors', () => {
  test('every door reaches the same handler through the same pipeline', async () => {
    audit.length = 0;
    const viaGrpc = await k.unary('HealthCheck', { detailed: true });
    const s = openSession();
    const viaSession = (await s.send({ requestId: 'one', healthCheck: { detailed: true } })).healthCheck;
    s.stream.end();
    const viaHttp = await (await http('/v1/sys_health_check', { detailed: true })).json();
    const viaLib = await k.kernel.call('sys_health_check', { detailed: true });
    for (const r of [viaGrpc, viaSession, viaHttp, viaLib]) assert.deepEqual(Object.keys(r.components).sort(), Object.keys(viaLib.components).sort());
    const doors = audit.filter((e) => e.syscall === 'sys_health_check').map((e) => e.door).sort();
    assert.deepEqual(doors, ['grpc', 'http', 'inprocess', 'session']);
  });

  test('the RPC names of the seed and the syscall names reach the same row (TmpSign is TpmSign)', () => {
    assert.equal(k.kernel.row('TmpSign'), k.kernel.row('sys_tpm_sign'));
    assert.equal(k.kernel.row('sys_tmp_sign'), k.kernel.row('TpmSign'));
  });

  test('server reflection lists the service and describes it', async () => {
    const dir = require.resolve('@grpc/reflection').replace(/build\/src\/index\.js$/, 'build/proto/grpc/reflection/v1alpha/reflection.proto');
    const def = grpc.loadPackageDefinition(protoLoader.loadSync(dir, { keepCase: true })) as any;
    const client = new def.grpc.reflection.v1alpha.ServerReflection(k.address, grpc.credentials.createInsecure());
    const call = client.ServerReflectionInfo();
    const answers: any[] = [];
    await new Promise<void>((resolve, reject) => {
      call.on('data', (r: any) => {
        answers.push(r);
        if (answers.length === 2) call.end();
      });
      call.on('end', resolve);
      call.on('error', reject);
      call.write({ list_services: '' });
      call.write({ file_containing_symbol: 'cam_os.SyscallService' });
    });
    const names = answers[0].list_services_response.service.map((s: any) => s.name);
    assert.ok(names.includes('cam_os.SyscallService'), `services: ${names}`);
    assert.ok(answers[1].file_descriptor_response.file_descriptor_proto.length > 0);
    client.close();
  });

  test('the gRPC health protocol answers SERVING without a token', async () => {
    const healthProto = require.resolve('grpc-health-check').replace(/build\/src\/health\.js$/, 'proto/health/v1/health.proto');
    const def = grpc.loadPackageDefinition(protoLoader.loadSync(healthProto, { enums: String })) as any;
    const client = new def.grpc.health.v1.Health(k.address, grpc.credentials.createInsecure());
    for (const service of ['', 'cam_os.SyscallService']) {
      const res: any = await new Promise((resolve, reject) => client.Check({ service }, (e: Error | null, r: unknown) => (e ? reject(e) : resolve(r))));
      assert.equal(res.status, 'SERVING');
    }
    client.close();
  });

  test('GET /healthz and the health summary need no token; the detailed report does', async () => {
    const res = await http('/healthz', undefined, null);
    assert.equal(res.status, 200);
    assert.equal((await res.json()).status, 'ok');
    const summary = await k.unary('HealthCheck', { detailed: false }, null);
    assert.equal(summary.status, 'ok');
    await assert.rejects(k.unary('HealthCheck', { detailed: true }, null), (e: any) => e.code === grpc.status.UNAUTHENTICATED);
  });

  test('GET /metrics serves Prometheus text with per-syscall counts and latency', async () => {
    await k.kernel.call('sys_health_check', {});
    const text = await (await http('/metrics', undefined, null)).text();
    assert.match(text, /camos_syscalls_total\{syscall="sys_health_check",code="OK"\} \d+/);
    assert.match(text, /camos_syscall_duration_seconds_bucket\{le="0\.001",syscall="sys_health_check"\}/);
    assert.match(text, /camos_syscall_errors_total/);
  });

  test('an unknown HTTP route answers 404 naming the routes that exist', async () => {
    const res = await http('/nowhere');
    assert.equal(res.status, 404);
    assert.match((await res.json()).message, /POST \/v1\/<syscall>/);
  });
});

describe('tokens', () => {
  test('a missing token is UNAUTHENTICATED on gRPC (16) and HTTP (401)', async () => {
    await assert.rejects(k.unary('TokenList', {}, null), (e: any) => e.code === grpc.status.UNAUTHENTICATED && /bearer token/.test(e.details));
    const res = await http('/v1/sys_token_list', {}, null);
    assert.equal(res.status, 401);
    assert.equal((await res.json()).status, 'UNAUTHENTICATED');
  });

  test('a wrong token is UNAUTHENTICATED', async () => {
    await assert.rejects(k.unary('TokenList', {}, 'camos_aaaaaaaaaaaa_' + 'x'.repeat(43)), (e: any) => e.code === grpc.status.UNAUTHENTICATED);
    await assert.rejects(k.unary('TokenList', {}, 'not-a-token'), (e: any) => e.code === grpc.status.UNAUTHENTICATED);
  });

  test('an agent token works until it is revoked', async () => {
    const created = await k.unary('TokenCreate', { agentId: 'agent-a', description: 'test' });
    assert.match(created.token, /^camos_/);
    const answer = await k.unary('QueryPolicy', { query: 'agent-a context_read agent-a' }, created.token);
    assert.equal(answer.allowed, true);
    const revoked = await k.unary('TokenRevoke', { tokenId: created.tokenId });
    assert.equal(revoked.revoked, 1);
    await assert.rejects(k.unary('QueryPolicy', { query: 'agent-a context_read agent-a' }, created.token), (e: any) => e.code === grpc.status.UNAUTHENTICATED && /revoked/.test(e.details));
  });

  test('tokens are stored hashed, never in clear', async () => {
    const created = await k.unary('TokenCreate', { agentId: 'agent-b' });
    const { readFileSync } = await import('node:fs');
    const stored = readFileSync(`${k.dataDir}/tokens.json`, 'utf8');
    assert.ok(!stored.includes(created.token.split('_')[2]));
    assert.ok(stored.includes(created.tokenId));
  });

  test('only the admin may create tokens', async () => {
    const agent = await k.unary('TokenCreate', { agentId: 'agent-c' });
    await assert.rejects(k.unary('TokenCreate', { agentId: 'agent-d' }, agent.token), (e: any) => e.code === grpc.status.PERMISSION_DENIED);
  });

  test('the admin token file is readable by its owner only', async () => {
    const { statSync } = await import('node:fs');
    assert.equal(statSync(`${k.dataDir}/admin.token`).mode & 0o777, 0o600);
  });
});

describe('errors', () => {
  test('an unknown syscall is UNIMPLEMENTED on HTTP (501) and in-process', async () => {
    const res = await http('/v1/sys_does_not_exist', {});
    assert.equal(res.status, 501);
    assert.equal((await res.json()).status, 'UNIMPLEMENTED');
    await assert.rejects(k.kernel.call('sys_does_not_exist', {}), (e: any) => e.code === 'unimplemented');
  });

  test('an unknown syscall in the Session stream is INVALID_ARGUMENT naming the oneof', async () => {
    const s = openSession();
    const r = await s.send({ requestId: 'empty' });
    assert.equal(r.code, grpc.status.INVALID_ARGUMENT);
    assert.match(r.message, /names no syscall/);
    s.stream.end();
  });

  test('a syscall whose subsystem is not built answers UNIMPLEMENTED "sys_x is not available yet"', async () => {
    const row: SyscallRow = { ...notYet('sys_x', 'Kernel'), nr: 99, name: 'sys_x', rpc: 'X', sessionField: 'x', group: 'supporting' };
    await assert.rejects(invoke(k.kernel, row, {}, { door: 'inprocess', principal: { id: 'admin', kind: 'admin' } }), (e: any) => e.code === 'unimplemented' && e.message === 'sys_x is not available yet');
  });

  test('a handler that throws is INTERNAL with a correlation id, and the stack stays in the log', async () => {
    const row: SyscallRow = {
      nr: 98, name: 'sys_broken', rpc: 'Broken', sessionField: 'broken', group: 'supporting', action: 'broken',
      schema: z.object({}), resource: () => ({ type: 'Kernel', id: 'camos' }),
      handle: () => { throw new TypeError('secret internals at line 42'); },
    };
    await assert.rejects(invoke(k.kernel, row, {}, { door: 'inprocess', principal: { id: 'admin', kind: 'admin' }, requestId: 'req-123' }), (e: any) => {
      assert.equal(e.code, 'internal');
      assert.match(e.message, /correlation id req-123/);
      assert.doesNotMatch(e.message, /secret internals/);
      return true;
    });
  });

  test('malformed JSON is INVALID_ARGUMENT (400)', async () => {
    const res = await http('/v1/sys_health_check', undefined, k.adminToken, '{"detailed": tru');
    assert.equal(res.status, 400);
    const body = await res.json();
    assert.equal(body.status, 'INVALID_ARGUMENT');
    assert.match(body.message, /not valid JSON/);
  });

  test('a JSON field of the wrong type or an unknown field is INVALID_ARGUMENT naming the field', async () => {
    let body = await (await http('/v1/sys_token_create', { agent_id: 42 })).json();
    assert.match(body.message, /field 'agent_id' must be a string/);
    body = await (await http('/v1/sys_token_create', { agentId: 'a', colour: 'red' })).json();
    assert.match(body.message, /unknown field 'colour' in TokenCreateRequest/);
  });

  test('snake_case and lowerCamelCase JSON names are both accepted', async () => {
    const a = await (await http('/v1/sys_token_create', { agent_id: 'snake-agent' })).json();
    const b = await (await http('/v1/sys_token_create', { agentId: 'camel-agent' })).json();
    assert.equal(a.agentId, 'snake-agent');
    assert.equal(b.agentId, 'camel-agent');
  });

  test('a value that fails validation is INVALID_ARGUMENT naming the field', async () => {
    await assert.rejects(k.unary('TokenCreate', { agentId: 'bad agent id!' }), (e: any) => e.code === grpc.status.INVALID_ARGUMENT && /field 'agent_id'/.test(e.details));
  });

  test('malformed protobuf is INVALID_ARGUMENT naming the field', async () => {
    const raw = new grpc.Client(k.address, grpc.credentials.createInsecure());
    const err: any = await new Promise((resolve) =>
      raw.makeUnaryRequest('/cam_os.SyscallService/TokenCreate', (b: Buffer) => b, (b: Buffer) => b, Buffer.from([0x0a, 0x09, 0x61]), k.metadata(), (e) => resolve(e)),
    );
    assert.equal(err.code, grpc.status.INVALID_ARGUMENT);
    assert.match(err.details, /field 'agent_id' \(#1\) is truncated/);
    raw.close();
  });

  test('an oversized gRPC message is RESOURCE_EXHAUSTED', async () => {
    await assert.rejects(k.unary('TokenCreate', { agentId: 'x', description: 'y'.repeat(100 * 1024) }), (e: any) => e.code === grpc.status.RESOURCE_EXHAUSTED);
  });

  test('an oversized HTTP body is 413 with RESOURCE_EXHAUSTED', async () => {
    const res = await http('/v1/sys_token_create', { agentId: 'x', description: 'y'.repeat(100 * 1024) });
    assert.equal(res.status, 413);
    assert.equal((await res.json()).status, 'RESOURCE_EXHAUSTED');
  });

  test('the kernel keeps serving after every kind of bad input', async () => {
    const res = await http('/healthz', undefined, null);
    assert.equal(res.status, 200);
  });
});

describe('the Session stream', () => {
  test('1,000 interleaved calls are each answered by their request id', async () => {
    const s = openSession();
    const kinds = ['ok', 'bad', 'unauth', 'list'] as const;
    const sent = Array.from({ length: 1000 }, (_, i) => ({ id: `r${i}`, kind: kinds[i % 4] }));
    const answers = await Promise.all(
      sent.map(({ id, kind }) =>
        s.send(
          kind === 'ok' ? { requestId: id, healthCheck: { detailed: true } }
          : kind === 'bad' ? { requestId: id, tokenCreate: { agentId: '' } }
          : kind === 'unauth' ? { requestId: id, authorization: 'Bearer nope', tokenList: {} }
          : { requestId: id, tokenList: {} },
        ),
      ),
    );
    s.stream.end();
    for (const [i, a] of answers.entries()) {
      assert.equal(a.requestId, sent[i].id);
      const kind = sent[i].kind;
      if (kind === 'ok') assert.ok(a.code === 0 && a.result === 'healthCheck' && a.healthCheck.components.kernel);
      if (kind === 'bad') assert.equal(a.code, grpc.status.INVALID_ARGUMENT);
      if (kind === 'unauth') assert.equal(a.code, grpc.status.UNAUTHENTICATED);
      if (kind === 'list') assert.ok(a.code === 0 && Array.isArray(a.tokenList.tokens));
    }
  });

  test('a per-call token overrides the stream metadata', async () => {
    const s = openSession(null);
    const denied = await s.send({ requestId: 'a', tokenList: {} });
    const allowed = await s.send({ requestId: 'b', authorization: `Bearer ${k.adminToken}`, tokenList: {} });
    s.stream.end();
    assert.equal(denied.code, grpc.status.UNAUTHENTICATED);
    assert.equal(allowed.code, 0);
  });
});
