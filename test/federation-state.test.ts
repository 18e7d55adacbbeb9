// The federation's shared state over a real nats-server: agent tokens, agents, policy
// versions, publisher-key revocations and drivers made on one kernel, in force on the other.
import assert from 'node:assert/strict';
import { Code } from '../host/base/errors.ts';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { generateHybridKeyPair } from '../host/crypto/hybrid.ts';
import { DEFAULT_POLICY_FILE } from '../host/policy/index.ts';
import { buildProbe, probeManifest } from './fixtures/probe.ts';
import type { RunningKernel } from './helpers/kernel.ts';
import { audited, until, useMesh } from './helpers/mesh.ts';
import { natsMissing } from './helpers/nats.ts';

const skip = natsMissing;
const UNAUTHENTICATED = Code.UNAUTHENTICATED;
const PERMISSION_DENIED = Code.PERMISSION_DENIED;
const ABORTED = Code.ABORTED;

/** How a token fares on a kernel: the call it makes (driver_list, which the default policy grants agents) answers, or its error code. */
const asAgent = (k: RunningKernel, token: string) =>
  k.kernel.call('sys_driver_list', {}, { token }).then(
    () => 'ok',
    (e: { code: Code }) => e.code,
  );

describe('federation: agents, tokens and policies', { skip }, () => {
  const ks = useMesh(2);

  test('a token created on k1 for an agent works on k2; revoked on k1, it is refused on k2', async () => {
    const [k1, k2] = ks;
    await k1.kernel.call('sys_agent_register', { agentId: 'roamer', capabilities: ['plan'] });
    const { token, tokenId } = await k1.kernel.call('sys_token_create', { agentId: 'roamer' });
    assert.equal(await asAgent(k1, token), 'ok');
    await until(async () => (await asAgent(k2, token)) === 'ok', 'the token on k2');
    assert.deepEqual(k2.kernel.agents.get('roamer')?.capabilities, ['plan'], 'the agent it names came along');
    await k1.kernel.call('sys_token_revoke', { tokenId });
    assert.equal(await asAgent(k1, token), UNAUTHENTICATED);
    await until(async () => (await asAgent(k2, token)) === UNAUTHENTICATED, 'the revocation on k2');
    assert.equal(k2.kernel.identity.list().find((t) => t.tokenId === tokenId)?.revoked, true);
  });

  test("an agent's tokens revoked by agent id on k2 are refused on k1", async () => {
    const [k1, k2] = ks;
    const a = await k1.kernel.call('sys_token_create', { agentId: 'roamer' });
    const b = await k1.kernel.call('sys_token_create', { agentId: 'roamer' });
    await until(async () => (await asAgent(k2, a.token)) === 'ok' && (await asAgent(k2, b.token)) === 'ok');
    await k2.kernel.call('sys_token_revoke', { agentId: 'roamer' });
    await until(async () => (await asAgent(k1, a.token)) === UNAUTHENTICATED && (await asAgent(k1, b.token)) === UNAUTHENTICATED, 'both revoked on k1');
  });

  test("the admin token is each kernel's own", async () => {
    const [k1, k2] = ks;
    assert.equal(await asAgent(k2, k1.adminToken), UNAUTHENTICATED);
    assert.equal(await asAgent(k1, k2.adminToken), UNAUTHENTICATED);
  });

  test('an agent updated on k2 is updated on k1', async () => {
    const [k1, k2] = ks;
    await k1.kernel.call('sys_agent_register', { agentId: 'mover', capabilities: ['a'], trust: 0.5 });
    await until(() => k2.kernel.agents.get('mover') !== undefined);
    await k2.kernel.call('sys_agent_register', { agentId: 'mover', capabilities: ['a', 'b'], trust: 0.9 });
    await until(() => k1.kernel.agents.get('mover')?.trust === 0.9, 'the update on k1');
    assert.deepEqual(k1.kernel.agents.get('mover')?.capabilities, ['a', 'b']);
  });

  test('a policy update on k1 is in force on k2 with its version; PolicyGet shows the same set on both', async () => {
    const [k1, k2] = ks;
    const agent = await k1.kernel.call('sys_token_create', { agentId: 'reader' });
    await until(async () => (await asAgent(k2, agent.token)) === 'ok');
    const text = readFileSync(DEFAULT_POLICY_FILE, 'utf8') + '\n@id("no-catalogue")\nforbid (principal is Agent, action == Action::"driver_list", resource);\n';
    const updated = await k1.kernel.call('sys_policy_update', { policyId: 'closed-catalogue', policyData: text });
    assert.equal(updated.version, 2);
    await until(async () => (await asAgent(k2, agent.token)) === PERMISSION_DENIED, 'the new policy in force on k2');
    const [g1, g2] = await Promise.all(ks.map((k) => k.kernel.call('sys_policy_get', {})));
    assert.equal(g2.version, 2);
    assert.equal(g2.policyId, 'closed-catalogue');
    assert.equal(g2.policyData, g1.policyData);
    assert.deepEqual(g2.history.map((h: any) => [h.version, h.policyId]), g1.history.map((h: any) => [h.version, h.policyId]));
  });

  test('two kernels updating the policy at once: one version wins, the other is ABORTED, and both end on the winner', async () => {
    const [k1, k2] = ks;
    const base = readFileSync(DEFAULT_POLICY_FILE, 'utf8');
    const next = k1.kernel.policy.version() + 1;
    const outcomes = await Promise.allSettled(ks.map((k, i) => k.kernel.call('sys_policy_update', { policyId: `race-${i + 1}`, policyData: `${base}\n// from k${i + 1}\n` })));
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    assert.equal(won.length, 1, lost.map((l) => l.reason.message).join('; '));
    assert.equal(lost[0].reason.code, ABORTED);
    await until(() => k1.kernel.policy.version() === next && k2.kernel.policy.version() === next, 'both on the winning version');
    assert.equal(k1.kernel.policy.get().policyId, k2.kernel.policy.get().policyId);
    assert.equal(k1.kernel.policy.get().text, k2.kernel.policy.get().text);
  });
});

describe('federation: drivers', { skip }, () => {
  const ks = useMesh(2);
  const publisher = generateHybridKeyPair();
  let core: Uint8Array;

  const load = (k: RunningKernel, version: string, key = publisher) =>
    k.kernel.call('sys_driver_load', { manifestData: Buffer.from(probeManifest(core, key, { version })), module: Buffer.from(core) });
  const versionsOn = (k: RunningKernel, name = 'probe') => k.kernel.drivers.list().filter((d) => d.name === name).map((d) => d.version);

  test('a driver loaded on k1 answers on k2, verified there against its own trust store', async () => {
    core = await buildProbe();
    for (const k of ks) k.kernel.drivers.trust.add(publisher.publicKey, 'team publisher');
    await load(ks[0], '1.0.0');
    await until(() => versionsOn(ks[1]).includes('1.0.0'), 'the driver on k2');
    const [a, b] = await Promise.all(ks.map((k) => k.kernel.call('sys_driver_invoke', { name: 'probe', input: Buffer.from('e') })));
    assert.deepEqual(Buffer.from(b.output), Buffer.from(a.output));
    await audited(ks[1], 'driver.loaded', 'federation:k1');
  });

  test('a version swap and an unload on k1 propagate to k2', async () => {
    await load(ks[0], '1.1.0');
    await until(() => versionsOn(ks[1]).includes('1.1.0'), 'v1.1.0 on k2');
    await ks[0].kernel.call('sys_driver_unload', { name: 'probe', version: '1.0.0' });
    await until(() => versionsOn(ks[1]).join() === '1.1.0', 'v1.0.0 unloaded on k2');
    await ks[0].kernel.call('sys_driver_unload', { name: 'probe' });
    await until(() => versionsOn(ks[1]).length === 0, 'every version unloaded on k2');
  });

  test('a publisher key revoked on k1 is revoked on k2, and its drivers are withdrawn there', async () => {
    const other = generateHybridKeyPair();
    for (const k of ks) k.kernel.drivers.trust.add(other.publicKey, 'short-lived');
    await ks[0].kernel.call('sys_driver_load', { manifestData: Buffer.from(probeManifest(core, other, { name: 'brief', version: '1.0.0' })), module: Buffer.from(core) });
    await until(() => versionsOn(ks[1], 'brief').length === 1);
    ks[0].kernel.drivers.trust.revoke(other.publicKey.keyId);
    await until(() => ks[1].kernel.drivers.trust.get(other.publicKey.keyId)?.revoked === true, 'the revocation on k2');
    await until(() => versionsOn(ks[1], 'brief').length === 0, 'its driver withdrawn on k2');
  });

  test('a driver signed by a publisher k2 does not trust is refused on k2, with the refusal in its audit log', async () => {
    const stranger = generateHybridKeyPair();
    ks[0].kernel.drivers.trust.add(stranger.publicKey, 'only k1 trusts this');
    await ks[0].kernel.call('sys_driver_load', { manifestData: Buffer.from(probeManifest(core, stranger, { name: 'stray', version: '1.0.0' })), module: Buffer.from(core) });
    await audited(ks[1], 'driver.refused', 'stray@1.0.0');
    assert.deepEqual(versionsOn(ks[1], 'stray'), []);
    assert.deepEqual(versionsOn(ks[0], 'stray'), ['1.0.0'], 'k1, which trusts it, runs it');
    await assert.rejects(ks[1].kernel.call('sys_driver_invoke', { name: 'stray', input: Buffer.from('e') }), { code: Code.NOT_FOUND });
  });
});
