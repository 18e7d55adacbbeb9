// sys_policy_update and sys_policy_get: validation with Cedar's message and location,
// versions kept and listable, the new set swapped in for the next call.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { Code, type Kernel } from '../host/index.ts';
import { openKernel, type OpenKernel } from './helpers/kernel.ts';

const DEFAULT = readFileSync(new URL('../policies/default.cedar', import.meta.url), 'utf8');

let fixture: OpenKernel;
let kernel: Kernel;

before(async () => {
  fixture = await openKernel();
  kernel = fixture.kernel;
});
after(async () => {
  await fixture.close();
});

const financeGrant = `
@id("agent-b-reads-finance")
permit (principal == Agent::"agent-b", action == Action::"context_read", resource == Namespace::"finance");
`;

describe('policy updates', () => {
  test('a policy that does not parse is refused with INVALID_ARGUMENT, Cedar\'s message and its line and column', async () => {
    await assert.rejects(kernel.call('sys_policy_update', { policyData: 'permit (principal, action, resource);\npermt (principal, action, resource);' }), (e: any) => {
      assert.equal(e.code, Code.INVALID_ARGUMENT);
      assert.match(e.message, /line 2, column 1: .*invalid policy effect: permt/);
      return true;
    });
  });

  test('a policy that does not match the schema is refused with the policy id and location', async () => {
    const text = `${DEFAULT}\n@id("night")\nforbid (principal, action, resource) when { context.hours < 6 };\n`;
    const line = text.split('\n').findIndex((l) => l.includes('context.hours')) + 1;
    await assert.rejects(kernel.call('sys_policy_update', { policyData: text }), (e: any) => {
      assert.equal(e.code, Code.INVALID_ARGUMENT);
      assert.match(e.message, new RegExp(`line ${line}, column \\d+: for policy \`night\`, attribute \`hours\``));
      assert.match(e.message, /did you mean `hour`/);
      return true;
    });
  });

  test('a refused update leaves the current version in place', async () => {
    const before = await kernel.call('sys_policy_get', {});
    await assert.rejects(kernel.call('sys_policy_update', { policyData: 'nonsense' }), { code: Code.INVALID_ARGUMENT });
    assert.equal((await kernel.call('sys_policy_get', {})).version, before.version);
  });

  test('two policies with the same @id are refused', async () => {
    await assert.rejects(kernel.call('sys_policy_update', { policyData: `${DEFAULT}\n@id("admin-all")\npermit (principal, action, resource);` }), (e: any) => {
      assert.equal(e.code, Code.INVALID_ARGUMENT);
      assert.match(e.message, /two policies have the id "admin-all"/);
      return true;
    });
  });

  test('a set that would stop the admin from updating policies is refused', async () => {
    await assert.rejects(kernel.call('sys_policy_update', { policyData: 'permit (principal is Agent, action, resource);' }), { code: Code.FAILED_PRECONDITION });
  });

  test('a valid update becomes the next version and decides the very next call', async () => {
    const denied = await kernel.call('sys_query_policy', { query: 'agent-b context_read finance' });
    assert.equal(denied.allowed, false);
    const res = await kernel.call('sys_policy_update', { policyId: 'finance-read', policyData: DEFAULT + financeGrant, metadata: { ticket: 'OPS-1' } });
    assert.equal(res.policyId, 'finance-read');
    assert.equal(res.version, Number(denied.policyVersion) + 1);
    const allowed = await kernel.call('sys_query_policy', { query: 'agent-b context_read finance' });
    assert.equal(allowed.allowed, true);
    assert.deepEqual(allowed.determiningPolicies, ['agent-b-reads-finance']);
    assert.equal(allowed.policyVersion, String(res.version));
  });

  test('older versions stay listable and readable, with author and metadata', async () => {
    const current = await kernel.call('sys_policy_get', {});
    assert.deepEqual(current.history.map((h: any) => h.version), Array.from({ length: current.version }, (_, i) => i + 1));
    const last = current.history.at(-1);
    assert.equal(last.author, 'admin');
    assert.equal(last.policyId, 'finance-read');
    assert.deepEqual(last.metadata, { ticket: 'OPS-1' });
    const first = await kernel.call('sys_policy_get', { version: 1 });
    assert.equal(first.policyData, DEFAULT);
    assert.match(current.schema, /entity Agent in \[Group\]/);
  });

  test('a question may name an older version by number or by policy id', async () => {
    assert.equal((await kernel.call('sys_query_policy', { query: 'agent-b context_read finance', policyId: '1' })).allowed, false);
    assert.equal((await kernel.call('sys_query_policy', { query: 'agent-b context_read finance', policyId: 'v1' })).allowed, false);
    assert.equal((await kernel.call('sys_query_policy', { query: 'agent-b context_read finance', policyId: 'finance-read' })).allowed, true);
  });

  test('a version that does not exist is NOT_FOUND', async () => {
    await assert.rejects(kernel.call('sys_policy_get', { version: 999 }), { code: Code.NOT_FOUND });
    await assert.rejects(kernel.call('sys_query_policy', { query: 'agent-b context_read finance', policyId: 'no-such-set' }), { code: Code.NOT_FOUND });
  });

  test('a policy without @id is named policy<N> by its place in the file, as Cedar does', async () => {
    const named = DEFAULT.match(/^@id\(/gm)!.length;
    await kernel.call('sys_policy_update', { policyData: `${DEFAULT}\nforbid (principal == Agent::"agent-z", action, resource);\n${financeGrant}` });
    const a = await kernel.call('sys_query_policy', { query: 'agent-z context_write agent-z' });
    assert.equal(a.allowed, false);
    assert.deepEqual(a.determiningPolicies, [`policy${named}`]);
  });

  test('a policy id that looks like a version number is refused', async () => {
    await assert.rejects(kernel.call('sys_policy_update', { policyId: 'v7', policyData: DEFAULT }), { code: Code.INVALID_ARGUMENT });
  });

  test('the current version survives a restart', async () => {
    const version = (await kernel.call('sys_policy_get', {})).version;
    fixture = await fixture.reopen();
    kernel = fixture.kernel;
    const got = await kernel.call('sys_policy_get', {});
    assert.equal(got.version, version);
    assert.equal((await kernel.call('sys_query_policy', { query: 'agent-b context_read finance' })).allowed, true);
  });
});
