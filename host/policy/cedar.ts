// Cedar, as camos uses it: the schema, compiling a policy set (validate, name, pre-parse)
// and evaluating requests against a compiled set. Policy ids are the @id annotations.
import { readFileSync } from 'node:fs';
import './wasm-flags.ts'; // before Cedar's module: see there
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { invalidArgument, internal } from '../base/errors.ts';

export type EntityUid = { type: string; id: string };
export type CedarValue = cedar.CedarValueJson;
export type EntityJson = cedar.EntityJson;

export const SCHEMA_TEXT = readFileSync(new URL('./camos.cedarschema', import.meta.url), 'utf8');

const schemaJson = (() => {
  const answer = cedar.schemaToJson(SCHEMA_TEXT);
  if (answer.type !== 'success') throw new Error(`host/policy/camos.cedarschema: ${answer.errors.map((e) => e.message).join('; ')}`);
  return answer.json[''];
})();

/** The action groups each action belongs to (transitively), from the schema. */
const actionParents: Map<string, string[]> = new Map(
  Object.entries(schemaJson.actions).map(([id, a]) => [id, (a.memberOf ?? []).map((m) => m.id)]),
);

/** Every action the schema declares that a request may name (groups excluded). */
export const ACTIONS: readonly string[] = Object.entries(schemaJson.actions)
  .filter(([, a]) => a.appliesTo?.principalTypes.length)
  .map(([id]) => id)
  .sort();

/** The resource types an action applies to, from the schema. */
export const resourceTypesOf = (action: string): string[] => schemaJson.actions[action]?.appliesTo?.resourceTypes ?? [];

/** An action's entity and its groups', given to Cedar with each request so that `action in` works. */
const actionEntities: Map<string, EntityJson[]> = new Map(
  [...actionParents.keys()].map((action) => [
    action,
    [...actionAncestors(action)].map((id) => ({ uid: { type: 'Action', id }, attrs: {}, parents: (actionParents.get(id) ?? []).map((p) => ({ type: 'Action', id: p })) })),
  ]),
);

function actionAncestors(action: string): Set<string> {
  const seen = new Set<string>([action]);
  const stack = [action];
  while (stack.length) for (const p of actionParents.get(stack.pop()!) ?? []) if (!seen.has(p)) seen.add(p), stack.push(p);
  return seen;
}

export interface CompiledPolicy {
  id: string;
  effect: 'permit' | 'forbid';
  text: string;
  json: cedar.PolicyJson;
  /** Where the policy starts in the text of its set (-1 if unknown). */
  offset: number;
  /** Reads `context`: its outcome may differ from call to call. */
  readsContext: boolean;
  /** Actions (from the schema) this policy can apply to. */
  actions: Set<string>;
}

export interface CompiledPolicySet {
  /** The name under which the set is pre-parsed in Cedar's (per-thread) cache. */
  cedarId: string;
  policies: Map<string, CompiledPolicy>;
  /** Policies keyed by id as Cedar takes them. */
  staticPolicies: Record<string, string>;
  /** Actions for which some policy reads the context: their decisions need partial evaluation to be cached. */
  contextActions: Set<string>;
  /** Per action, the policies that can apply to it, as JSON (Cedar parses JSON faster than text). */
  byAction: Map<string, Record<string, cedar.PolicyJson>>;
  warnings: string[];
}

let compiled = 0;

/**
 * Validates a policy set against the schema and pre-parses it. Invalid text throws
 * INVALID_ARGUMENT with Cedar's message and the line and column it points at.
 */
export function compile(text: string): CompiledPolicySet {
  const parts = cedar.policySetTextToParts(text);
  if (parts.type === 'failure') throw invalidArgument(`the policy set does not parse: ${describe(text, parts.errors, 0)}`);
  if (parts.policy_templates.length) throw invalidArgument('policy templates are not supported; write static policies (permit/forbid without ?principal or ?resource slots)');

  // The parts come back in no particular order, as slices of the text: put them in text
  // order, so that a policy without @id is named policy<N> by its place, as Cedar does.
  const used = new Set<number>();
  const placed = parts.policies.map((policyText) => ({ policyText, offset: locate(text, policyText, used) })).sort((a, b) => a.offset - b.offset);
  const policies = new Map<string, CompiledPolicy>();
  placed.forEach(({ policyText, offset }, i) => {
    const json = cedar.policyToJson(policyText);
    if (json.type === 'failure') throw invalidArgument(`policy ${i + 1} does not parse: ${describe(policyText, json.errors, 0)}`);
    const id = json.json.annotations?.id ?? `policy${i}`;
    if (policies.has(id)) throw invalidArgument(`two policies have the id "${id}"; each @id must be unique`);
    policies.set(id, {
      id,
      effect: json.json.effect,
      text: policyText,
      json: json.json,
      offset,
      readsContext: JSON.stringify(json.json.conditions).includes('"Var":"context"'),
      actions: scope(json.json.action),
    });
  });

  const staticPolicies = Object.fromEntries([...policies.values()].map((p) => [p.id, p.text]));
  const validation = cedar.validate({ schema: SCHEMA_TEXT, policies: { staticPolicies }, validationSettings: { mode: 'strict' } });
  if (validation.type === 'failure') throw invalidArgument(`the policy set does not parse: ${describe(text, validation.errors, -1)}`);
  const at = (policyId: string) => policies.get(policyId)?.offset ?? -1;
  if (validation.validationErrors.length) {
    const errors = onePerPlace(validation.validationErrors.map((e) => describe(text, [e.error], at(e.policyId))));
    throw invalidArgument(`the policy set does not match the schema (host/policy/camos.cedarschema): ${errors.join('; ')}`);
  }
  const warnings = onePerPlace([
    ...validation.validationWarnings.map((w) => describe(text, [w.error], at(w.policyId))),
    ...validation.otherWarnings.map((w) => describe(text, [w], -1)),
  ]);

  const cedarId = `camos-${process.pid}-${++compiled}`;
  const pre = cedar.preparsePolicySet(cedarId, { staticPolicies });
  if (pre.type === 'failure') throw invalidArgument(`the policy set does not parse: ${describe(text, pre.errors, -1)}`);

  const contextActions = new Set<string>();
  for (const p of policies.values()) if (p.readsContext) for (const a of p.actions) contextActions.add(a);
  return { cedarId, policies, staticPolicies, contextActions, byAction: new Map(), warnings };
}

/** Where a policy's text starts in the set's text (-1 if Cedar gave it back reformatted). */
function locate(text: string, part: string, used: Set<number>): number {
  let i = text.indexOf(part);
  while (i >= 0 && used.has(i)) i = text.indexOf(part, i + 1);
  if (i >= 0) used.add(i);
  return i;
}

/** The schema actions a policy's action constraint covers (groups expanded). */
function scope(constraint: cedar.ActionConstraint): Set<string> {
  if (constraint.op === 'All') return new Set(ACTIONS);
  const named =
    constraint.op === '=='
      ? 'entity' in constraint
        ? [constraint.entity]
        : []
      : 'entity' in constraint
        ? [constraint.entity]
        : constraint.entities;
  const ids = new Set(named.map((e) => ('__entity' in e ? e.__entity.id : e.id)));
  if (constraint.op === '==') return new Set(ACTIONS.filter((a) => ids.has(a)));
  return new Set(ACTIONS.filter((a) => [...actionAncestors(a)].some((x) => ids.has(x))));
}

/**
 * The validator reports a mistake once per action the policy may apply to: keep one
 * message per place, saying how many actions it concerns.
 */
function onePerPlace(errors: string[]): string[] {
  const byPlace = new Map<string, { first: string; n: number }>();
  for (const e of errors) {
    const place = e.replace(/Action::"[^"]*"/g, 'Action');
    const seen = byPlace.get(place);
    if (seen) seen.n++;
    else byPlace.set(place, { first: e, n: 1 });
  }
  return [...byPlace.values()].map(({ first, n }) => (n > 1 ? `${first} (and for ${n - 1} more actions)` : first));
}

/**
 * "line 3, column 12: <message> (help: ...)" for each error. Cedar's offsets count from
 * `base` in the text (a policy's start); -1 when the place is not known.
 */
function describe(text: string, errors: cedar.DetailedError[], base: number): string {
  return errors
    .map((e) => {
      const at = e.sourceLocations?.[0];
      const where = at && base >= 0 ? `${position(text, base + at.start)}: ` : '';
      return `${where}${e.message}${e.help ? ` (help: ${e.help})` : ''}`;
    })
    .join('; ');
}

function position(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

export interface Request {
  principal: EntityUid;
  action: string;
  resource: EntityUid;
  context: Record<string, CedarValue>;
  entities: EntityJson[];
}

export interface Evaluation {
  allowed: boolean;
  /** The determining policies: the permits that allowed it, or the forbids that denied it. */
  policies: string[];
  errors: string[];
}

const cedarRequest = (r: Request) => ({
  principal: r.principal,
  action: { type: 'Action', id: r.action },
  resource: r.resource,
  context: r.context,
  entities: [...r.entities, ...(actionEntities.get(r.action) ?? [])],
});

/** Evaluates a request against a pre-parsed policy set. */
export function evaluate(set: CompiledPolicySet, r: Request): Evaluation {
  const answer = cedar.statefulIsAuthorized({ ...cedarRequest(r), preparsedPolicySetId: set.cedarId });
  if (answer.type === 'failure') throw internal(`Cedar could not evaluate the request: ${answer.errors.map((e) => e.message).join('; ')}`);
  const { decision, diagnostics } = answer.response;
  return {
    allowed: decision === 'allow',
    policies: diagnostics.reason,
    errors: diagnostics.errors.map((e) => `policy "${e.policyId}": ${e.error.message}`),
  };
}

/**
 * Evaluates a request with the named context attributes unknown. Returns the decision
 * when it holds whatever their values are, or undefined when it depends on them.
 */
export function evaluateWithoutContext(set: CompiledPolicySet, r: Request, unknown: string[]): Evaluation | undefined {
  const context = { ...r.context };
  for (const name of unknown) context[name] = { __extn: { fn: 'unknown', arg: name } };
  // Partial evaluation takes no pre-parsed set: give it only the policies that can apply.
  let policies = set.byAction.get(r.action);
  if (!policies) {
    policies = Object.fromEntries([...set.policies.values()].filter((p) => p.actions.has(r.action)).map((p) => [p.id, p.json]));
    set.byAction.set(r.action, policies);
  }
  const answer = cedar.isAuthorizedPartial({ ...cedarRequest({ ...r, context }), policies: { staticPolicies: policies } });
  if (answer.type === 'failure') throw internal(`Cedar could not evaluate the request: ${answer.errors.map((e) => e.message).join('; ')}`);
  const { decision, satisfied, errored } = answer.response;
  if (decision === null || errored.length) return undefined;
  const effect = decision === 'allow' ? 'permit' : 'forbid';
  return { allowed: decision === 'allow', policies: satisfied.filter((id) => set.policies.get(id)?.effect === effect), errors: [] };
}
