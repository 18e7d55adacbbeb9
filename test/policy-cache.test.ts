// The decision cache of the authorize stage: a decision is reused until the policy set or
// an entity changes, and never when it depends on the call's context.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { PolicyEngine } from '../host/policy/index.ts';
import type { AgentFacts } from '../host/policy/entities.ts';
import type { AuthorizationQuery } from '../host/contract/index.ts';

const DEFAULT = readFileSync(new URL('../policies/default.cedar', import.meta.url), 'utf8');

let dir: string;
let engine: PolicyEngine;
let agents: Map<string, AgentFacts>;
let owners: Map<string, string[]>;
let now: number;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'camos-policy-cache-'));
  agents = new Map();
  owners = new Map();
  now = Date.UTC(2026, 0, 1, 12);
  engine = new PolicyEngine({
    dataDir: dir,
    cacheSize: 1000,
    clock: () => now,
    directory: { agent: (id) => agents.get(id), taskAgents: (id) => owners.get(id) ?? [] },
  });
});
afterEach(() => {
  engine.close();
  rmSync(dir, { recursive: true, force: true });
});

const as = (agent: string, action: string, type: string, id: string): AuthorizationQuery => ({
  principal: { id: agent, kind: 'agent' },
  action,
  resource: { type, id },
  syscall: `sys_${action}`,
  request: {},
});
const update = (extra: string) => engine.update({ text: `${DEFAULT}\n${extra}`, author: 'test' });

describe('the decision cache', () => {
  test('a repeated call is answered from the cache with the same decision', () => {
    const q = as('agent-b', 'context_write', 'Namespace', 'agent-b');
    const first = engine.authorize(q);
    const second = engine.authorize(q);
    assert.equal(first.allowed, true);
    assert.deepEqual(second, first);
    assert.deepEqual(engine.stats(), { hits: 1, misses: 1, invalidations: 0, cached: 1 });
  });

  test('a policy update empties the cache and the next call follows the new set', () => {
    const q = as('agent-b', 'context_read', 'Namespace', 'finance');
    assert.equal(engine.authorize(q).allowed, false);
    update('@id("finance") permit (principal == Agent::"agent-b", action == Action::"context_read", resource == Namespace::"finance");');
    const d = engine.authorize(q);
    assert.equal(d.allowed, true);
    assert.deepEqual(d.policies, ['finance']);
  });

  test('an entity change takes effect once invalidate() is called', () => {
    update('@id("ops-read") permit (principal in Group::"ops", action in Action::"namespace_read", resource);');
    const q = as('agent-b', 'context_read', 'Namespace', 'finance');
    assert.equal(engine.authorize(q).allowed, false);
    agents.set('agent-b', { capabilities: [], trust: 0.9, groups: ['ops'], status: 'active', registeredBy: 'admin' });
    assert.equal(engine.authorize(q).allowed, false, 'still the cached decision');
    engine.invalidate();
    assert.equal(engine.authorize(q).allowed, true);
  });

  test('a suspended agent is refused by the forbid policy once the registry says so', () => {
    const q = as('agent-b', 'context_write', 'Namespace', 'agent-b');
    assert.equal(engine.authorize(q).allowed, true);
    agents.set('agent-b', { capabilities: [], trust: 0.5, groups: [], status: 'suspended', registeredBy: 'admin' });
    engine.invalidate();
    const d = engine.authorize(q);
    assert.equal(d.allowed, false);
    assert.deepEqual(d.policies, ['suspended-agents']);
    assert.match(d.reason, /forbidden by policy "suspended-agents"/);
  });

  test('a task is its submitter\'s as soon as the scheduler knows it, without invalidation', () => {
    const q = as('agent-b', 'task_status', 'Task', 't-1');
    assert.equal(engine.authorize(q).allowed, false);
    owners.set('t-1', ['agent-b']);
    assert.equal(engine.authorize(q).allowed, true);
    assert.equal(engine.authorize(as('agent-c', 'task_status', 'Task', 't-1')).allowed, false);
  });

  test('the agent handling a task may report on it once it is assigned', () => {
    const q = as('agent-h', 'task_status', 'Task', 't-2');
    owners.set('t-2', ['agent-b']);
    assert.equal(engine.authorize(q).allowed, false);
    owners.set('t-2', ['agent-b', 'agent-h']);
    assert.equal(engine.authorize(q).allowed, true);
  });

  test('a decision that depends on the hour is evaluated on every call', () => {
    update('@id("night-low-trust") forbid (principal is Agent, action, resource) when { context.hour < 6 && principal.trust.lessThan(decimal("0.5")) };');
    const q = as('agent-b', 'context_write', 'Namespace', 'agent-b');
    assert.equal(engine.authorize(q).allowed, true);
    now = Date.UTC(2026, 0, 2, 3);
    const night = engine.authorize(q);
    assert.equal(night.allowed, false);
    assert.deepEqual(night.policies, ['night-low-trust']);
    assert.equal(engine.stats().hits, 0);
  });

  test('a decision that holds at any hour is cached even when some policy reads the hour', () => {
    // Partial evaluation settles `false && <unknown>`, not `<unknown> && false` (the unknown might error).
    update('@id("night-low-trust") forbid (principal is Agent, action, resource) when { principal.trust.lessThan(decimal("0.5")) && context.hour < 6 };');
    agents.set('agent-b', { capabilities: [], trust: 0.9, groups: [], status: 'active', registeredBy: 'admin' });
    const q = as('agent-b', 'context_write', 'Namespace', 'agent-b');
    assert.equal(engine.authorize(q).allowed, true);
    now = Date.UTC(2026, 0, 2, 3);
    assert.equal(engine.authorize(q).allowed, true);
    assert.equal(engine.stats().hits, 1);
  });

  test('the admin is answered from the cache under an hour-dependent set', () => {
    update('@id("night-low-trust") forbid (principal is Agent, action, resource) when { context.hour < 6 };');
    const q: AuthorizationQuery = { principal: { id: 'admin', kind: 'admin' }, action: 'driver_load', resource: { type: 'Driver', id: 'router' }, syscall: 'sys_driver_load', request: {} };
    engine.authorize(q);
    engine.authorize(q);
    assert.equal(engine.stats().hits, 1);
  });

  test('a full cache starts over instead of growing', () => {
    for (let i = 0; i < 1500; i++) engine.authorize(as(`agent-${i}`, 'context_read', 'Namespace', `agent-${i}`));
    assert.ok(engine.stats().cached <= 1000);
  });
});
