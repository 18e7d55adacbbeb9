// The doors against callers that hold connections, never read, or send what is not valid:
// slowloris, silent and idle connections, a connection flood past the cap, a Session
// stream whose answers are never read, invalid Unicode, malformed paths and entity names.
import assert from 'node:assert/strict';
import { connect as connectH2 } from 'node:http2';
import { connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { encode } from '../../host/wire/codec.ts';
import { messageType } from '../../host/wire/proto.ts';
import { startKernel, type RunningKernel } from '../helpers/kernel.ts';

let k: RunningKernel;
before(async () => {
  k = await startKernel({
    drivers: { loadExamples: false, watch: false },
    doors: { headersTimeoutMs: 400, requestTimeoutMs: 2000, idleTimeoutMs: 600, maxConnections: 40, sessionMaxInflight: 8, sessionMaxBufferedBytes: 256 * 1024 },
  });
});
after(() => k.stop());

/** Resolves once the server has closed `socket` (it never closes it itself). */
const closedByServer = (socket: Socket) => new Promise<void>((resolve) => socket.once('close', () => resolve()));

const http = async (path: string, body?: string, token: string | null = k.adminToken) => {
  const r = await fetch(`http://127.0.0.1:${k.port}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body });
  return { status: r.status, body: (await r.json()) as any };
};

describe('connections', () => {
  test('a connection that sends nothing is closed', async () => {
    const s = connect(k.port, '127.0.0.1');
    await closedByServer(s);
  });

  test('slowloris: an HTTP/1.1 request whose headers trickle in is closed', async () => {
    const s = connect(k.port, '127.0.0.1');
    s.on('error', () => undefined);
    await new Promise((r) => s.once('connect', r));
    s.write('GET /healthz HTTP/1.1\r\nHost: camos\r\n');
    const drip = setInterval(() => s.writable && s.write('X-A: b\r\n'), 100);
    try {
      await closedByServer(s);
    } finally {
      clearInterval(drip);
    }
  });

  test('an idle HTTP/2 connection (no call open) is closed', async () => {
    const session = connectH2(`http://127.0.0.1:${k.port}`);
    session.on('error', () => undefined);
    await new Promise((r) => session.once('connect', r));
    await new Promise<void>((resolve) => session.once('close', () => resolve()));
  });

  test('a flood past the connection cap does not lock out a later client once its idle connections time out', async () => {
    const flood: Socket[] = [];
    for (let i = 0; i < 80; i++) {
      const s = connect(k.port, '127.0.0.1');
      s.on('error', () => undefined);
      flood.push(s);
    }
    await Promise.all(flood.map((s) => new Promise((r) => (s.destroyed ? r(undefined) : s.once('close', r)))));
    // Every flooding connection is gone (dropped past the cap, or closed for silence): a well-behaved client gets in.
    const later = new (k.client.constructor as any)(k.address, grpc.credentials.createInsecure());
    const health = await new Promise<any>((resolve, reject) => later.HealthCheck({}, (e: Error | null, r: unknown) => (e ? reject(e) : resolve(r))));
    later.close();
    assert.equal(health.status, 'ok');
  });
});

describe('a Session stream that never reads its answers', () => {
  // grpc-js's own client keeps reading its connection and holds unread answers itself, so
  // this client speaks gRPC over node:http2 and stops reading the response stream, as a
  // client that respects flow control does: what the kernel would hold is then its own.
  test('is not read past its bounds, and every answer comes once the client reads', async () => {
    const value = Buffer.alloc(64 * 1024, 3);
    await k.unary('ContextWrite', { namespace: 'bp', key: 'big', data: value });
    let started = 0;
    const dispatch = k.kernel.dispatch.bind(k.kernel);
    k.kernel.dispatch = (name, req, meta) => {
      if (meta.door === 'session') started++;
      return dispatch(name, req, meta);
    };
    const N = 400;
    const session = connectH2(`http://127.0.0.1:${k.port}`);
    const stream = session.request({ ':method': 'POST', ':path': '/cam_os.SyscallService/Session', 'content-type': 'application/grpc', te: 'trailers', authorization: `Bearer ${k.adminToken}` });
    stream.pause();
    for (let i = 0; i < N; i++) stream.write(grpcFrame(encode('SyscallRequest', { requestId: String(i), contextRead: { namespace: 'bp', key: 'big' } })));
    // Wait until the kernel has started no more for a while (it waits for the client).
    let last = -1;
    for (let still = 0; still < 5; ) {
      await new Promise((r) => setTimeout(r, 200));
      still = started === last ? still + 1 : 0;
      last = started;
    }
    // Started: those in flight (8) and those whose answers fill the 256 KiB buffer and the
    // connection's HTTP/2 window, far fewer than sent; the 25 MiB of answers are not held.
    assert.ok(started < N / 4, `${started} of ${N} requests were started while no answer was read`);
    const answers = await new Promise<number>((resolve) => {
      let pending = Buffer.alloc(0);
      let n = 0;
      stream.on('data', (chunk: Buffer) => {
        pending = Buffer.concat([pending, chunk]);
        while (pending.length >= 5 && pending.length >= 5 + pending.readUInt32BE(1)) {
          const answer = decode('SyscallResponse', pending.subarray(5, 5 + pending.readUInt32BE(1)));
          if (answer.code === 0 && answer.contextRead.data.length === value.length) n++;
          pending = pending.subarray(5 + pending.readUInt32BE(1));
        }
        if (n === N) resolve(n);
      });
      stream.resume();
    });
    assert.equal(answers, N);
    stream.end();
    session.close();
    k.kernel.dispatch = dispatch;
  });
});

/** A gRPC length-prefixed message: not compressed, 4 bytes of length, the bytes. */
function grpcFrame(message: Uint8Array): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt32BE(message.length, 1);
  return Buffer.concat([head, message]);
}

const decode = (type: string, bytes: Uint8Array): any => messageType(type).toObject(messageType(type).decode(bytes), { bytes: Buffer, defaults: true, oneofs: true });

describe('invalid input is a client error', () => {
  test('a lone surrogate in JSON is INVALID_ARGUMENT (400), and the audit log still verifies', async () => {
    const r = await http('/v1/sys_explain_action', '{"actionId":"\\ud800"}');
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.match(r.body.message, /field 'actionId' is not valid Unicode/);
    const keys = await http('/v1/sys_context_write', '{"namespace":"u","key":"k","data":"AA==","metadata":{"\\udc00":"x"}}');
    assert.equal(keys.status, 400);
    assert.equal(k.kernel.audit!.verify().ok, true);
  });

  test('a string field that is not UTF-8 on the wire is INVALID_ARGUMENT', async () => {
    // ExplainActionRequest { trace_id (1): 0xED 0xA0 0x80 }, a surrogate encoded as UTF-8 would have it.
    const bad = Buffer.from([0x0a, 0x03, 0xed, 0xa0, 0x80]);
    const err = await new Promise<grpc.ServiceError>((resolve) =>
      k.client.makeUnaryRequest('/cam_os.SyscallService/ExplainAction', (b: Buffer) => b, (b: Buffer) => b, bad, k.metadata(), (e: any) => resolve(e)),
    );
    assert.equal(err.code, grpc.status.INVALID_ARGUMENT);
    assert.match(err.details, /field 'trace_id' \(#1\) is not valid UTF-8/);
  });

  test('a lone surrogate in a kernel-made audit record is stored as it is hashed', () => {
    k.kernel.auditSink.record({ time: Date.now(), caller: 'kernel', callerKind: 'admin', syscall: 'test.surrogate', door: 'kernel', target: 'Driver::\ud800x', outcome: 'ok', code: 'ok', message: 'bad \udfff', requestId: '', traceId: '', spanId: '', durationUs: 0, evidence: { s: '\ud800' } });
    assert.equal(k.kernel.audit!.verify().ok, true);
  });

  test('an error quoting a 70 KB map key is answered, briefly, and so is the next call on the connection', async () => {
    const key = 'x'.repeat(70_000);
    // The deadline turns a call left unanswered into a failure of this test instead of a hang.
    const unary = (rpc: string, req: unknown) =>
      new Promise<grpc.ServiceError | null>((resolve) => k.client[rpc](req, k.metadata(), { deadline: Date.now() + 10_000 }, (e: grpc.ServiceError | null) => resolve(e)));
    const err = await unary('ContextWrite', { namespace: 'n', key: 'k', data: Buffer.from('v'), metadata: { [key]: 'v' } });
    assert.equal(err?.code, grpc.status.INVALID_ARGUMENT, err?.details);
    assert.match(err!.details, /field 'metadata\.x{39}… \(70009 characters\)'/);
    assert.ok(err!.details.length < 2048, `${err!.details.length} characters`);
    assert.equal(await unary('HealthCheck', {}), null);
    const r = await http('/v1/sys_context_write', JSON.stringify({ namespace: 'n', key: 'k', data: 'AA==', [key]: 1 }));
    assert.equal(r.status, 400);
    assert.match(r.body.message, /unknown field 'x{48}… \(70000 characters\)'/);
  });

  test('/v1/% is 400, not 500', async () => {
    const r = await http('/v1/%', '{}');
    assert.equal(r.status, 400);
    assert.equal(r.body.status, 'INVALID_ARGUMENT');
  });

  test('Agent::"\\x" in a policy question is INVALID_ARGUMENT naming the field', async () => {
    const r = await http('/v1/sys_query_policy', JSON.stringify({ principal: 'Agent::"\\x"', action: 'context_read', resource: 'Namespace::"a"' }));
    assert.equal(r.status, 400);
    assert.match(r.body.message, /field 'principal'/);
    const lone = await http('/v1/sys_query_policy', JSON.stringify({ principal: 'Agent::"\\ud800"', action: 'context_read', resource: 'Namespace::"a"' }));
    assert.equal(lone.status, 400);
  });

  for (const id of ['admin', 'anonymous', 'kernel']) {
    test(`the agent id '${id}' is reserved: registration and token creation refuse it`, async () => {
      const reg = await http('/v1/sys_agent_register', JSON.stringify({ agentId: id, capabilities: [] }));
      assert.equal(reg.status, 400);
      assert.match(reg.body.message, /reserved/);
      const tok = await http('/v1/sys_token_create', JSON.stringify({ agentId: id }));
      assert.equal(tok.status, 400);
      assert.match(tok.body.message, /reserved/);
    });
  }
});
