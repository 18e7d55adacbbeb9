// The scheduler's rows through the doors: gRPC unary (proto fields, camelCase in grpc-js), the
// HTTP gateway, and TaskStatus{watch} on the Session stream.
import assert from 'node:assert/strict';
import type * as grpc from '@grpc/grpc-js';
import { after, before, test } from 'node:test';
import { startKernel, type RunningKernel } from './helpers/kernel.ts';

let k: RunningKernel;
before(async () => {
  k = await startKernel({ drivers: { loadExamples: false, poolSize: 1 } } as never);
  await k.unary('AgentRegister', { agentId: 'agent-a', capabilities: ['summarize'], trust: 0.9, shareWeight: 3, quotaRate: 5, quotaBurst: 10 });
  await k.unary('AgentRegister', { agentId: 'agent-b', capabilities: ['summarize', 'plan'], trust: 0.3 });
});
after(() => k.stop());

test('AgentList answers the registered agents with their proto fields', async () => {
  const { agents } = await k.unary('AgentList', {});
  const a = agents.find((x: { agentId: string }) => x.agentId === 'agent-a');
  assert.deepEqual([a.trust, a.shareWeight, a.quotaRate, a.quotaBurst, a.status], [0.9, 3, 5, 10, 'active']);
});

test('Arbitrate answers the assignee, a confidence, alternatives with breakdowns and a decision id', async () => {
  const { result } = await k.unary('Arbitrate', { task: { requirements: ['summarize'], priorityDimensions: { importance: 1 } } });
  assert.equal(result.assignedAgent, 'agent-a');
  assert.ok(result.confidence > 0 && result.confidence <= 1);
  assert.equal(result.alternatives[0].agentId, 'agent-b');
  assert.equal(result.alternatives[0].breakdown.length, 3);
  assert.match(result.decisionId, /^arb-/);
});

test('a dimension above 1 over gRPC is INVALID_ARGUMENT naming the field', async () => {
  await assert.rejects(k.unary('CommitTask', { task: { target: 'agent-a', priorityDimensions: { urgency: 2 } } }), (e: grpc.ServiceError) => {
    assert.equal(e.code, 3);
    assert.match(e.details, /task\.priority_dimensions\.urgency/);
    return true;
  });
});

test('a task committed over HTTP is followed to its end over the Session stream', async () => {
  const res = await fetch(`http://${k.address}/v1/sys_commit_task`, {
    method: 'POST',
    headers: { authorization: `Bearer ${k.adminToken}` },
    body: JSON.stringify({ task: { target: 'agent-b', description: 'plan the week' } }),
  });
  assert.equal(res.status, 200);
  const { taskId, state } = await res.json();
  assert.equal(state, 'assigned');

  const stream = k.client.Session(k.metadata()) as grpc.ClientDuplexStream<any, any>;
  const seen: string[] = [];
  const ended = new Promise<void>((resolve) =>
    stream.on('data', (r: any) => {
      seen.push(r.taskStatus.state);
      if (r.final) resolve();
    }),
  );
  stream.write({ requestId: 'w', taskStatus: { taskId, watch: true } });
  while (!seen.length) await new Promise((r) => setTimeout(r, 5));
  await k.unary('TaskStatus', { taskId: taskId, report: { state: 'succeeded', output: Buffer.from('done') } });
  await ended;
  stream.end();
  assert.deepEqual(seen, ['assigned', 'succeeded']);
  const status = await k.unary('TaskStatus', { taskId: taskId });
  assert.deepEqual([status.state, Buffer.from(status.output).toString(), status.handler], ['succeeded', 'done', 'agent-b']);
});

test('TaskRollback of an assigned task cancels it', async () => {
  const { taskId } = await k.unary('CommitTask', { task: { target: 'agent-b' } });
  const out = await k.unary('TaskRollback', { taskId: taskId, reason: 'no longer needed' });
  assert.deepEqual([out.state, out.taskId], ['cancelled', taskId]);
});
