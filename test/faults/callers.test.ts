// Hostile callers and agents (issue 16, items 8-12), over real sockets: an agent with its
// own token trying to raise its standing, borrow the kernel's signature, crowd out other
// agents' channels and metrics; a caller with no token flooding the audit log.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { startKernel, type RunningKernel } from '../helpers/kernel.ts';
import { fromRoot } from '../../host/base/root.ts';
import { CHANNEL_CIPHER, ChannelHandshake, decodeSignature } from '../../host/crypto/index.ts';
import { transcript } from '../../host/crypto/channel.ts';
import { publicKeyToJson, signatureToJson } from '../../host/crypto/hybrid.ts';
import { checkpointMessage, openAuditDb } from '../../host/audit/schema.ts';
import { verifyAuditDb } from '../../host/audit/verify.ts';
import type { AuditEntry } from '../../host/contract/index.ts';
import { CamosClient } from '../../sdk/client/index.ts';
import { SecureChannel } from '../../sdk/client/channel.ts';

const DEFAULT_POLICIES = readFileSync(fromRoot('policies/default.cedar'), 'utf8');

/** Rejects with the gRPC status `code` and a message matching `message`. */
async function refused(p: Promise<unknown>, code: grpc.status, message: RegExp): Promise<grpc.ServiceError> {
  const err = await p.then(
    () => assert.fail(`expected ${grpc.status[code]}, the call succeeded`),
    (e: grpc.ServiceError) => e,
  );
  assert.equal(err.code, code, `${grpc.status[code]} expected, got ${grpc.status[err.code]}: ${err.details}`);
  assert.match(err.details, message);
  return err;
}

async function agentToken(k: RunningKernel, agentId: string): Promise<string> {
  return (await k.unary('TokenCreate', { agentId })).token;
}

describe('agents cannot set what policies trust (item 8)', () => {
  let k: RunningKernel;
  let mallory: string;
  before(async () => {
    k = await startKernel({ drivers: { loadExamples: false } });
    mallory = await agentToken(k, 'mallory');
    await k.unary('PolicyUpdate', {
      policyData: `${DEFAULT_POLICIES}
@id("vault-readers")
permit (principal is Agent, action == Action::"context_read", resource == Namespace::"vault")
when { principal.capabilities.contains("vault-reader") };

@id("registered-writers")
permit (principal is Agent, action == Action::"context_write", resource == Namespace::"board")
when { principal.registered };
`,
    });
    await k.unary('ContextWrite', { namespace: 'vault', key: 'secret', data: Buffer.from('s3cret') });
  });
  after(() => k.stop());

  test('an agent registering itself with a capability does not satisfy a policy gated on it', async () => {
    await k.unary('AgentRegister', { agentId: 'mallory', capabilities: ['vault-reader'] }, mallory);
    await refused(k.unary('ContextRead', { namespace: 'vault', key: 'secret' }, mallory), grpc.status.PERMISSION_DENIED, /mallory.*context_read.*vault/);
    await refused(k.unary('ContextWrite', { namespace: 'board', key: 'note', data: Buffer.from('x') }, mallory), grpc.status.PERMISSION_DENIED, /context_write/);
    const { agents } = await k.unary('AgentList', {});
    const m = agents.find((a: { agentId: string }) => a.agentId === 'mallory');
    assert.deepEqual([m.capabilities, m.claimedCapabilities, m.registeredBy], [[], ['vault-reader'], 'self'], 'the claim is kept apart, visible to the admin');
  });

  test('the admin granting the capability satisfies it, and the agent cannot take it back or add to it', async () => {
    await k.unary('AgentRegister', { agentId: 'mallory', capabilities: ['vault-reader'] });
    assert.equal((await k.unary('ContextRead', { namespace: 'vault', key: 'secret' }, mallory)).data.toString(), 's3cret');
    await k.unary('ContextWrite', { namespace: 'board', key: 'note', data: Buffer.from('x') }, mallory);
    await k.unary('AgentRegister', { agentId: 'mallory', capabilities: ['vault-reader', 'root'] }, mallory);
    const { agents } = await k.unary('AgentList', {});
    const m = agents.find((a: { agentId: string }) => a.agentId === 'mallory');
    assert.deepEqual([m.capabilities, m.claimedCapabilities, m.registeredBy], [['vault-reader'], ['root', 'vault-reader'], 'admin']);
  });

  test('an agent may not set its own status, trust, share, quota or groups', async () => {
    for (const [field, value] of [['status', 'active'], ['trust', 1], ['shareWeight', 100], ['quotaRate', 1e6], ['groups', ['admins']]] as const) {
      await refused(k.unary('AgentRegister', { agentId: 'mallory', [field]: value }, mallory), grpc.status.PERMISSION_DENIED, /only the admin may set/);
    }
  });

  test('a suspended agent cannot lift its suspension by registering again', async () => {
    const eve = await agentToken(k, 'eve');
    await k.unary('AgentRegister', { agentId: 'eve', status: 'suspended' });
    await refused(k.unary('AgentRegister', { agentId: 'eve', status: 'active' }, eve), grpc.status.PERMISSION_DENIED, /suspended-agents/);
    await refused(k.unary('AgentRegister', { agentId: 'eve', capabilities: ['x'] }, eve), grpc.status.PERMISSION_DENIED, /suspended-agents/);
    assert.equal(k.kernel.agents!.get('eve')!.status, 'suspended');
  });
});

describe('sys_tpm_sign is no signing oracle for the kernel identity (item 9)', () => {
  let k: RunningKernel;
  let signer: string;
  before(async () => {
    k = await startKernel({ drivers: { loadExamples: false } });
    signer = await agentToken(k, 'signer');
    await k.unary('PolicyUpdate', { policyData: `${DEFAULT_POLICIES}\n@id("signer-signs") permit (principal == Agent::"signer", action == Action::"tpm_sign", resource);\n` });
  });
  after(() => k.stop());

  test('a transcript signed through sys_tpm_sign does not pass as the kernel answering a handshake', async () => {
    // Mallory sits between a client and the kernel: she answers the handshake with her own
    // key share and has the kernel's key sign the transcript through the syscall.
    const victim = new ChannelHandshake('victim');
    const kem = ml_kem768.encapsulate(victim.share.subarray(0, 1184));
    const kernelShare = Buffer.concat([kem.cipherText, randomBytes(32)]);
    const keyId = k.kernel.keys!.identity().keyId;
    const fields = { peerId: 'victim', clientShare: victim.share, kernelShare, channelId: randomBytes(16).toString('hex'), expiresAt: Date.now() + 60_000, rekeyAfter: 1000, keyId, cipher: CHANNEL_CIPHER };
    const signed = await k.unary('TpmSign', { data: Buffer.from(transcript(fields)) }, signer);
    assert.equal(signed.keyId, keyId, 'the agent got a signature by the kernel identity');
    assert.throws(() => victim.finish({ ...fields, ephemeralPublicKey: kernelShare, signature: signed.signature }, [k.kernel.keys!.identity()]), /handshake signature does not verify/);
  });

  test('a checkpoint signed through sys_tpm_sign does not verify as an audit checkpoint', async () => {
    k.kernel.audit!.flush();
    const copy = join(k.dataDir, 'forged-audit.db');
    await k.kernel.audit!.database.backup(copy);
    const db = openAuditDb(copy);
    try {
      const tail = db.prepare('SELECT seq, hash FROM records ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string };
      const time = Date.now();
      const signed = await k.unary('TpmSign', { data: Buffer.from(checkpointMessage(tail.seq, tail.hash, time, true)) }, signer);
      const keys = k.kernel.keys!;
      db.prepare('INSERT OR REPLACE INTO checkpoints (seq, hash, time, final, key_id, algorithm, backend, signature, public_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
        tail.seq, tail.hash, time, 1, signed.keyId, signed.algorithm, signed.backend,
        JSON.stringify(signatureToJson(decodeSignature(signed.signature, signed.keyId))), JSON.stringify(publicKeyToJson(keys.identity())),
      );
      const report = verifyAuditDb(db, { trustedKeys: new Map([[signed.keyId, keys.identity()]]) });
      assert.equal(report.ok, false, report.summary);
      assert.ok(report.problems.some((p) => p.kind === 'checkpoint' && p.seq === tail.seq && /invalid signature/.test(p.message)), JSON.stringify(report.problems));
    } finally {
      db.close();
    }
  });
});

describe('one agent cannot crowd out the others\' secure channels (item 10)', () => {
  let k: RunningKernel;
  let mallory: string;
  let alice: CamosClient;
  let aliceChannel: SecureChannel;
  const establish = (share: Uint8Array, token: string) => k.unary('EstablishSecureChannel', { peerId: 'p', ephemeralPublicKey: Buffer.from(share) }, token);
  before(async () => {
    k = await startKernel({ drivers: { loadExamples: false }, keys: { maxChannelsPerPrincipal: 3, maxChannels: 5 } });
    mallory = await agentToken(k, 'mallory');
    alice = new CamosClient({ address: k.address, token: await agentToken(k, 'alice') });
    aliceChannel = await SecureChannel.establish(alice, { peerId: 'alice', trusted: [k.kernel.keys!.identity()] });
  });
  after(async () => {
    alice.close();
    await k.stop();
  });

  test('a reused ephemeral key share is refused, whole or either half', async () => {
    const first = new ChannelHandshake('p').share;
    await establish(first, mallory);
    await refused(establish(first, mallory), grpc.status.ALREADY_EXISTS, /ML-KEM-768 encapsulation key is already in use.*fresh key pair/);
    const fresh = new ChannelHandshake('p').share;
    const sameX25519 = Buffer.concat([fresh.subarray(0, 1184), first.subarray(1184)]);
    await refused(establish(sameX25519, mallory), grpc.status.ALREADY_EXISTS, /X25519 public key is already in use/);
    await refused(establish(first, await agentToken(k, 'bob')), grpc.status.ALREADY_EXISTS, /already in use/);
  });

  test('past keys.maxChannelsPerPrincipal an agent\'s new channels are refused, and the others\' keep working', async () => {
    // Mallory holds one from the test before; a handshake that fails holds none.
    await refused(establish(Buffer.concat([new ChannelHandshake('p').share.subarray(0, 1184), Buffer.alloc(32)]), mallory), grpc.status.INVALID_ARGUMENT, /X25519/);
    await establish(new ChannelHandshake('p').share, mallory);
    await establish(new ChannelHandshake('p').share, mallory);
    await refused(establish(new ChannelHandshake('p').share, mallory), grpc.status.RESOURCE_EXHAUSTED, /'mallory' already holds 3 secure channels.*keys\.maxChannelsPerPrincipal/);
    assert.equal((await aliceChannel.call<{ status: string }>('healthCheck', {})).status, 'ok');
  });

  test('past keys.maxChannels new channels are refused rather than anyone\'s dropped', async () => {
    const carol = await agentToken(k, 'carol');
    await establish(new ChannelHandshake('p').share, carol); // alice 1 + mallory 3 + carol 1 = 5
    await refused(establish(new ChannelHandshake('p').share, carol), grpc.status.RESOURCE_EXHAUSTED, /5 secure channels, its limit \(keys\.maxChannels\)/);
    assert.equal((await aliceChannel.call<{ status: string }>('healthCheck', {})).status, 'ok');
  });
});

describe('one agent cannot flood the metric series (item 11)', () => {
  let k: RunningKernel;
  const tokens: Record<string, string> = {};
  const emit = (agent: string, name: string, tags: Record<string, string>, type = 'gauge') => k.unary('EmitMetric', { name, value: 1, type, tags }, tokens[agent]);
  const agentSeries = async () => (await (await fetch(`http://${k.address}/metrics`)).text()).split('\n').filter((l) => l.startsWith('camos_agent_'));
  before(async () => {
    k = await startKernel({ drivers: { loadExamples: false }, telemetry: { maxSeriesPerAgent: 20, maxSeries: 50 } });
    for (const a of ['mallory', 'hist', 'alice', 'bob', 'carol']) tokens[a] = await agentToken(k, a);
  });
  after(() => k.stop());

  test('past telemetry.maxSeriesPerAgent an agent\'s new label sets are refused; its existing ones still take samples', async () => {
    for (let i = 0; i < 20; i++) await emit('mallory', 'flood', { id: String(i) });
    await refused(emit('mallory', 'flood', { id: '20' }), grpc.status.RESOURCE_EXHAUSTED, /agent 'mallory' already holds 20 metric series.*telemetry\.maxSeriesPerAgent/);
    await refused(emit('mallory', 'other_name', {}), grpc.status.RESOURCE_EXHAUSTED, /telemetry\.maxSeriesPerAgent/);
    await emit('mallory', 'flood', { id: '7' });
    await emit('alice', 'flood', { id: '0' });
  });

  test('a histogram\'s label set counts as the series it adds to a scrape', async () => {
    await emit('hist', 'latency_seconds', { step: 'a' }, 'histogram');
    await refused(emit('hist', 'latency_seconds', { step: 'b' }, 'histogram'), grpc.status.RESOURCE_EXHAUSTED, /holds 14 metric series.*a histogram's label set is 14 series/);
  });

  test('a label value cannot forge a line of the exposition', async () => {
    await emit('alice', 'flood', { id: 'x"} 1\ncamos_syscalls_total{syscall="forged",code="OK"} 999\n# ' });
    const text = await (await fetch(`http://${k.address}/metrics`)).text();
    assert.doesNotMatch(text, /^camos_syscalls_total\{syscall="forged"/m);
    assert.match(text, /^camos_agent_flood\{agent="alice",id="x\\"\} 1\\ncamos_syscalls_total/m);
  });

  test('past telemetry.maxSeries no agent adds series, and a scrape holds no more than that', async () => {
    for (let i = 0; i < 14; i++) await emit('bob', 'flood', { id: String(i) }); // 20 + 14 + 2 + 14 = 50
    await refused(emit('carol', 'flood', { id: '0' }), grpc.status.RESOURCE_EXHAUSTED, /already make 50 series, the kernel's limit is 50 \(telemetry\.maxSeries/);
    assert.equal((await agentSeries()).length, 50);
  });
});

describe('a caller with no token cannot flood the audit log (item 12)', () => {
  let k: RunningKernel;
  const audit: AuditEntry[] = [];
  const bigId = 'r'.repeat(15 * 1024);
  const http = (path: string, headers: Record<string, string> = {}, body = '{}') => fetch(`http://${k.address}${path}`, { method: 'POST', headers, body });
  const admin = () => ({ authorization: `Bearer ${k.adminToken}` });
  /** A Session stream: send() resolves with the answer to that request id. */
  function session(token: string | null) {
    const stream = k.client.Session(k.metadata(token)) as grpc.ClientDuplexStream<any, any>;
    const waiting: ((r: any) => void)[] = [];
    stream.on('data', (r: any) => waiting.shift()?.(r));
    return {
      send: (req: object) => new Promise<any>((resolve) => (waiting.push(resolve), stream.write(req))),
      end: () => stream.end(),
    };
  }
  before(async () => {
    k = await startKernel({ drivers: { loadExamples: false }, auth: { failedPerMinute: 5 } });
    const sink = k.kernel.auditSink;
    k.kernel.auditSink = { record: (e) => (audit.push(e), sink.record(e)), committed: () => sink.committed(), refusal: () => sink.refusal() };
  });
  after(async () => {
    k.client.close();
    await k.doors.close(2000).catch(() => undefined);
    rmSync(k.dataDir, { recursive: true, force: true });
  });

  test('an oversized x-request-id is HTTP 431, and the record of the call keeps none of it', async () => {
    audit.length = 0;
    const res = await http('/v1/sys_health_check', { ...admin(), 'x-request-id': bigId });
    assert.equal(res.status, 431);
    const body = await res.json();
    assert.equal(body.status, 'RESOURCE_EXHAUSTED');
    assert.match(body.message, /request id .* 15360 characters; at most 128/);
    const [entry] = audit.filter((e) => e.syscall === 'sys_health_check');
    assert.ok(entry.requestId.length < 64, entry.requestId.slice(0, 80));
    assert.ok(JSON.stringify(entry).length < 2048);
  });

  test('an oversized traceparent is refused on gRPC, and a request id with spaces or control bytes on the Session stream', async () => {
    const md = k.metadata();
    md.set('traceparent', `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01-${'x'.repeat(999)}`);
    const err = await new Promise<grpc.ServiceError>((resolve) => k.client.HealthCheck({}, md, (e: grpc.ServiceError) => resolve(e)));
    assert.equal(err?.code, grpc.status.RESOURCE_EXHAUSTED);
    assert.match(err.details, /traceparent is 1055 characters; at most 512/);
    const s = session(k.adminToken);
    const answer = await s.send({ requestId: 'two words\u0000', healthCheck: {} });
    s.end();
    assert.equal(answer.code, grpc.status.INVALID_ARGUMENT);
    assert.match(answer.message, /printable ASCII/);
  });

  test('past auth.failedPerMinute a source\'s refused calls are RESOURCE_EXHAUSTED and counted, not recorded; valid tokens from it still work', async () => {
    audit.length = 0;
    const s = session(null); // no token
    const answers = [];
    for (let i = 0; i < 200; i++) answers.push(await s.send({ requestId: i % 2 ? bigId : `flood-${i}`, contextRead: { namespace: 'x', key: 'y' } }));
    s.end();
    assert.deepEqual(answers.slice(0, 5).map((a) => a.code), Array(5).fill(grpc.status.UNAUTHENTICATED));
    assert.ok(answers.slice(5).every((a) => a.code === grpc.status.RESOURCE_EXHAUSTED && /auth\.failedPerMinute = 5/.test(a.message)));
    // The same address over the other doors shares the allowance.
    assert.equal((await http('/v1/sys_context_read', {}, '{"namespace":"x","key":"y"}')).status, 429);
    await refused(k.unary('ContextRead', { namespace: 'x', key: 'y' }, 'camos_wrongwrongwro_' + 'x'.repeat(43)), grpc.status.RESOURCE_EXHAUSTED, /too many refused calls without a valid token from 127\.0\.0\.1/);
    const recorded = audit.filter((e) => e.callerKind === 'anonymous');
    assert.equal(recorded.length, 5, 'only the allowance is recorded one by one');
    assert.ok(recorded.every((e) => e.requestId.length <= 128));
    assert.equal((await k.unary('ContextRead', { namespace: 'admin', key: 'none' }).catch((e) => e)).code, grpc.status.NOT_FOUND, 'a valid token from the same address is served');
  });

  test('the audit log still shows the refused calls: one summary per source when the minute ends (here: at shutdown)', async () => {
    const path = join(k.dataDir, 'audit.db');
    k.client.close();
    await k.doors.close(2000);
    const db = openAuditDb(path, { readonly: true });
    try {
      const rows = db.prepare("SELECT * FROM records WHERE syscall = 'auth.refused'").all() as { target: string; code: number; evidence: string }[];
      assert.equal(rows.length, 1);
      assert.equal(rows[0].target, 'Source::127.0.0.1');
      assert.equal(rows[0].code, grpc.status.RESOURCE_EXHAUSTED);
      const evidence = JSON.parse(rows[0].evidence);
      assert.equal(evidence.unrecorded, 197);
      assert.deepEqual(evidence.doors, { session: 195, http: 1, grpc: 1 });
      assert.deepEqual(evidence.syscalls, { sys_context_read: 197 });
    } finally {
      db.close();
    }
  });
});
