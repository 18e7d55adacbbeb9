// The TypeScript client in sdk/client: typed methods over one Session stream, errors as
// CamosError with the gRPC code, per-call deadlines, reconnection after the kernel restarts.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { CamosClient, CamosError } from '../sdk/client/index.ts';
import { startKernel } from './helpers/kernel.ts';

test('typed methods call syscalls over the Session stream', async () => {
  const k = await startKernel({ drivers: { loadExamples: false } });
  const c = new CamosClient({ address: k.address, token: k.adminToken });
  const health = await c.healthCheck({ detailed: true });
  assert.equal(health.status, 'ok');
  assert.ok(health.components.kernel);
  const token = await c.tokenCreate({ agentId: 'sdk-agent' });
  assert.equal(token.agentId, 'sdk-agent');
  const list = await c.tokenList();
  assert.ok(list.tokens.some((t) => t.tokenId === token.tokenId));
  c.close();
  await k.stop();
});

test('a failed call rejects with CamosError carrying the gRPC code and message', async () => {
  const k = await startKernel({ drivers: { loadExamples: false } });
  const c = new CamosClient({ address: k.address, token: k.adminToken });
  await assert.rejects(c.tokenCreate({ agentId: '' }), (e: unknown) => e instanceof CamosError && e.code === 3 && /agent_id/.test(e.message));
  const agent = new CamosClient({ address: k.address, token: 'camos_wrongwrongwro_' + 'x'.repeat(43) });
  await assert.rejects(agent.tokenList(), (e: unknown) => e instanceof CamosError && e.code === 16);
  agent.close();
  c.close();
  await k.stop();
});

test('a call past its deadline rejects with DEADLINE_EXCEEDED', async () => {
  // A server that accepts connections and never answers.
  const accepted = new Set<import('node:net').Socket>();
  const silent = createServer((s) => {
    accepted.add(s);
    s.on('data', () => undefined);
  });
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const port = (silent.address() as { port: number }).port;
  const c = new CamosClient({ address: `127.0.0.1:${port}`, token: 't' });
  await assert.rejects(c.healthCheck({}, { timeoutMs: 300 }), (e: unknown) => e instanceof CamosError && e.code === 4);
  c.close();
  for (const s of accepted) s.destroy();
  silent.close();
});

test('after the kernel restarts, the next call reconnects', async () => {
  const k = await startKernel({ drivers: { loadExamples: false } });
  const c = new CamosClient({ address: k.address, token: k.adminToken, maxBackoffMs: 200 });
  assert.equal((await c.healthCheck()).status, 'ok');
  const { dataDir, port } = k;
  await k.doors.close(500);
  await assert.rejects(c.healthCheck({}, { timeoutMs: 2000 }), (e: unknown) => e instanceof CamosError && (e.code === 14 || e.code === 4));
  const again = await startKernel({ drivers: { loadExamples: false } }, { dataDir, port });
  let answer;
  for (let i = 0; i < 20 && !answer; i++) {
    answer = await c.healthCheck({}, { timeoutMs: 2000 }).catch(() => undefined);
  }
  assert.equal(answer?.status, 'ok');
  c.close();
  await again.stop(500);
  await k.stop(500); // its doors closed above; this removes the data directory
});
