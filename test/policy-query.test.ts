// sys_query_policy: questions as text or as fields, with Cedar context, answered with the
// determining policies and any evaluation errors.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { Code, type Kernel } from '../host/index.ts';
import { openKernel, type OpenKernel } from './helpers/kernel.ts';

const DEFAULT = readFileSync(new URL('../policies/default.cedar', import.meta.url), 'utf8');

let opened: OpenKernel;
let kernel: Kernel;

before(async () => {
  opened = await openKernel();
  kernel = opened.kernel;
  await kernel.call('sys_policy_update', {
    policyId: 'with-grants',
    policyData: `${DEFAULT}
@id("agent-b-uses-router")
permit (principal == Agent::"agent-b", action == Action::"driver_invoke", resource in Driver::"router");

@id("no-writes-at-night")
forbid (principal is Agent, action in Action::"namespace_write", resource) when { context.hour < 6 };
`,
  });
});
after(() => opened.close());

const ask = (req: Record<string, unknown>) => kernel.call('sys_query_policy', req);

describe('policy questions', () => {
  test('a text question "<principal> <action> <resource>" is answered with the determining policy', async () => {
    const a = await ask({ query: 'agent-b driver_invoke router@1.2.0', context: { hour: '12' } });
    assert.equal(a.allowed, true);
    assert.deepEqual(a.determiningPolicies, ['agent-b-uses-router']);
    assert.equal(a.reason, 'permitted by policy "agent-b-uses-router"');
    assert.deepEqual(a.errors, []);
  });

  test('a grant naming a driver covers its versions but not other drivers', async () => {
    assert.equal((await ask({ query: 'agent-b driver_invoke router' })).allowed, true);
    assert.equal((await ask({ query: 'agent-b driver_invoke summarizer@1.0.0' })).allowed, false);
  });

  test('filler words, the sys_ prefix and a question mark are accepted', async () => {
    const a = await ask({ query: 'may agent-b sys_driver_invoke on router?' });
    assert.equal(a.allowed, true);
  });

  test('principal, action and resource fields answer the same question and override the text', async () => {
    const a = await ask({ principal: 'Agent::"agent-b"', action: 'driver_invoke', resource: 'Driver::"router@2.0.0"' });
    assert.equal(a.allowed, true);
    const b = await ask({ query: 'agent-b driver_invoke router', principal: 'agent-c' });
    assert.equal(b.allowed, false);
    assert.match(b.reason, /no policy permits Agent::"agent-c" to driver_invoke on Driver::"router"/);
  });

  test('the context decides policies that read it, with numbers given as strings', async () => {
    const night = await ask({ query: 'agent-b context_write agent-b', context: { hour: '3' } });
    assert.equal(night.allowed, false);
    assert.deepEqual(night.determiningPolicies, ['no-writes-at-night']);
    assert.match(night.reason, /forbidden by policy "no-writes-at-night"/);
    const day = await ask({ query: 'agent-b context_write agent-b', context: { hour: '14' } });
    assert.equal(day.allowed, true);
  });

  test('a policy that fails to evaluate is reported in errors', async () => {
    const a = await ask({ query: 'agent-b context_write agent-b', context: { hour: 'late' } });
    assert.equal(a.allowed, true);
    assert.equal(a.errors.length, 1);
    assert.match(a.errors[0], /^policy "no-writes-at-night": /);
  });

  test('the answer names the policy set version it was decided by', async () => {
    const current = await kernel.call('sys_policy_get', {});
    assert.equal((await ask({ query: 'admin policy_get current' })).policyVersion, String(current.version));
  });

  test('an unknown action is INVALID_ARGUMENT listing the actions', async () => {
    await assert.rejects(ask({ query: 'agent-b fly finance' }), (e: any) => {
      assert.equal(e.code, Code.INVALID_ARGUMENT);
      assert.match(e.message, /unknown action 'fly'.*context_write/);
      return true;
    });
  });

  test('a question with neither text nor all three fields is INVALID_ARGUMENT', async () => {
    await assert.rejects(ask({ principal: 'agent-b' }), { code: Code.INVALID_ARGUMENT });
    await assert.rejects(ask({ query: 'agent-b context_write' }), { code: Code.INVALID_ARGUMENT });
  });
});
