// The default policy set (policies/default.cedar), decided through the kernel's pipeline
// and through sys_query_policy.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Code, table, type Kernel } from '../host/index.ts';
import { ACTIONS } from '../host/policy/cedar.ts';
import { openKernel, type OpenKernel } from './helpers/kernel.ts';

let fixture: OpenKernel;
let kernel: Kernel;

before(async () => {
  fixture = await openKernel();
  kernel = fixture.kernel;
});
after(async () => {
  await fixture.close();
});

const ask = (query: string) => kernel.call('sys_query_policy', { query });

describe('the default policy set', () => {
  test('the schema has an action for every syscall in the table', () => {
    for (const row of table) assert.ok(ACTIONS.includes(row.action), `action ${row.action} of ${row.name} is missing from host/policy/camos.cedarschema`);
  });

  test('is stored as version 1 with the id "default" on first start', async () => {
    const got = await kernel.call('sys_policy_get', {});
    assert.equal(got.version, 1);
    assert.equal(got.policyId, 'default');
    assert.match(got.policyData, /@id\("admin-all"\)/);
  });

  test('the admin may do everything', async () => {
    for (const q of ['admin policy_update current', 'admin driver_load router', 'admin context_write finance', 'admin tpm_sign Key::"k1"']) {
      const a = await ask(q);
      assert.equal(a.allowed, true, q);
      assert.deepEqual(a.determiningPolicies, ['admin-all']);
    }
  });

  test('an agent reads and writes the namespace named like it and those under it', async () => {
    for (const q of ['agent-b context_write agent-b', 'agent-b context_read agent-b.notes', 'agent-b context_snapshot agent-b', 'agent-b context_delete agent-b.x']) {
      const a = await ask(q);
      assert.equal(a.allowed, true, q);
      assert.deepEqual(a.determiningPolicies, ['own-namespace']);
    }
  });

  test("an agent may not touch another agent's namespace, nor one that merely starts with its id", async () => {
    for (const q of ['agent-b context_read agent-c', 'agent-b context_write finance', 'agent-b context_write agent-bx']) {
      const a = await ask(q);
      assert.equal(a.allowed, false, q);
      assert.deepEqual(a.determiningPolicies, []);
      assert.match(a.reason, /^no policy permits Agent::"agent-b" to context_/);
    }
  });

  test('an agent submits tasks, emits traces and metrics, explains, asks policy questions and reads health', async () => {
    for (const q of ['agent-b arbitrate t1', 'agent-b commit_task t1', 'agent-b emit_trace x', 'agent-b emit_metric m', 'agent-b explain_action x', 'agent-b query_policy current', 'agent-b health_check camos']) {
      assert.equal((await ask(q)).allowed, true, q);
    }
  });

  test('an agent registers itself but not another agent', async () => {
    assert.equal((await ask('agent-b agent_register agent-b')).allowed, true);
    assert.equal((await ask('agent-b agent_register agent-c')).allowed, false);
  });

  test('an agent may not follow a task it did not submit', async () => {
    assert.equal((await ask('agent-b task_status someone-elses-task')).allowed, false);
  });

  test('drivers need an explicit grant: an agent may not invoke or load one by default', async () => {
    assert.equal((await ask('agent-b driver_invoke router@1.0.0')).allowed, false);
    assert.equal((await ask('agent-b driver_load router')).allowed, false);
    assert.equal((await ask('agent-b driver_list *')).allowed, true);
  });

  test('agents may not manage tokens, policies or kernel keys', async () => {
    for (const q of ['agent-b token_create agent-b', 'agent-b policy_update current', 'agent-b policy_get current', 'agent-b tpm_sign k1', 'agent-b agent_list *']) {
      assert.equal((await ask(q)).allowed, false, q);
    }
  });

  test('a caller without a token may read the health summary and nothing else', async () => {
    assert.equal((await ask('anonymous health_check camos')).allowed, true);
    assert.equal((await ask('anonymous query_policy current')).allowed, false);
  });

  test('a denied syscall fails with PERMISSION_DENIED saying that no policy permits it', async () => {
    await assert.rejects(kernel.call('sys_policy_update', { policyData: 'permit (principal, action, resource);' }, { agent: 'agent-b' }), (e: any) => {
      assert.equal(e.code, Code.PERMISSION_DENIED);
      assert.match(e.message, /no policy permits Agent::"agent-b" to policy_update on Policy::"current"/);
      return true;
    });
  });

  test('a permitted syscall runs as the agent', async () => {
    const a = await kernel.call('sys_query_policy', { query: 'agent-b context_read agent-b' }, { agent: 'agent-b' });
    assert.equal(a.allowed, true);
  });

  test('an agent suspended in the registry is refused everything but the health summary, naming the forbid policy', async () => {
    await kernel.call('sys_query_policy', { query: 'agent-s context_read agent-s' }, { agent: 'agent-s' });
    await kernel.call('sys_agent_register', { agentId: 'agent-s', capabilities: [], status: 'suspended' });
    await assert.rejects(kernel.call('sys_query_policy', { query: 'agent-s context_read agent-s' }, { agent: 'agent-s' }), (e: any) => {
      assert.equal(e.code, Code.PERMISSION_DENIED);
      assert.match(e.message, /forbidden by policy "suspended-agents"/);
      return true;
    });
    await kernel.call('sys_health_check', {}, { agent: 'agent-s' });
  });

  test('a task is followed by the agent that submitted it and the agent handling it, no one else', async () => {
    await kernel.call('sys_agent_register', { agentId: 'worker', capabilities: ['plan'] });
    await kernel.call('sys_agent_register', { agentId: 'agent-b', capabilities: [] }, { agent: 'agent-b' });
    const { taskId } = await kernel.call('sys_commit_task', { task: { target: 'worker', description: 'plan' } }, { agent: 'agent-b' });
    assert.equal((await kernel.call('sys_task_status', { taskId }, { agent: 'agent-b' })).taskId, taskId);
    assert.equal((await kernel.call('sys_task_status', { taskId }, { agent: 'worker' })).taskId, taskId);
    await assert.rejects(kernel.call('sys_task_status', { taskId }, { agent: 'agent-c' }), (e: any) => {
      assert.equal(e.code, Code.PERMISSION_DENIED);
      assert.match(e.message, new RegExp(`no policy permits Agent::"agent-c" to task_status on Task::"${taskId}"`));
      return true;
    });
  });

  test("an agent writes its own namespace through the pipeline and is refused another's", async () => {
    await kernel.call('sys_context_write', { namespace: 'agent-b', key: 'plan', data: Buffer.from('x') }, { agent: 'agent-b' });
    await assert.rejects(kernel.call('sys_context_write', { namespace: 'agent-c', key: 'plan', data: Buffer.from('x') }, { agent: 'agent-b' }), { code: Code.PERMISSION_DENIED });
  });
});
