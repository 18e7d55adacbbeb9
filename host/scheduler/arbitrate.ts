// Arbitration: rank the agents and drivers that could handle a task. A candidate must
// hold every required capability; among those, its fit is
//   match × 0.4 + trust × (0.3 + 0.2·s) + availability × (0.3 − 0.2·s)
// where s is the task's base score: an important task leans on trust, a minor one on
// whoever is free. match = (|required| + 1) / (|offered| + 1) prefers specialists;
// availability = 1 / (1 + tasks queued or running on the candidate).
// Confidence = best − runnerUp / 2: the best fit itself when it is unopposed, half of it
// when two candidates tie.
import { failedPrecondition } from '../base/errors.ts';
import { timeOrderedHex } from '../base/ids.ts';
import type { ScoreTerm } from './score.ts';

export interface Candidate {
  id: string;
  provider: 'agent' | 'driver';
  capabilities: string[];
  trust: number;
  /** Tasks queued or running on this candidate. */
  active: number;
}

export interface Ranked {
  id: string;
  provider: 'agent' | 'driver';
  score: number;
  confidence: number;
  breakdown: ScoreTerm[];
  reasonNotSelected: string;
}

export interface Decision {
  decisionId: string;
  assigned: Ranked;
  confidence: number;
  reasoning: string;
  alternatives: Ranked[];
}

export function arbitrate(requirements: string[], taskScore: number, candidates: Candidate[]): Decision {
  const required = [...new Set(requirements)];
  const eligible = candidates.filter((c) => required.every((r) => c.capabilities.includes(r)));
  if (!eligible.length) throw noCandidate(required, candidates);
  const ranked = eligible
    .map((c) => rank(c, required.length, taskScore))
    .sort((a, b) => b.score - a.score || a.provider.localeCompare(b.provider) || a.id.localeCompare(b.id));
  const [best, runnerUp] = ranked;
  const confidence = clamp01(best.score - (runnerUp?.score ?? 0) / 2);
  best.confidence = confidence;
  for (const alt of ranked.slice(1)) {
    alt.confidence = clamp01(alt.score - best.score / 2);
    alt.reasonNotSelected = whyNot(alt, best);
  }
  const reasoning =
    `${best.provider} '${best.id}' has every required capability${required.length ? ` (${required.join(', ')})` : ''} and the best fit ` +
    `${best.score.toFixed(3)} (${best.breakdown.map((t) => `${t.name} ${t.value.toFixed(2)}`).join(', ')})` +
    (runnerUp ? `; runner-up '${runnerUp.id}' ${runnerUp.score.toFixed(3)}` : '; no other candidate');
  return { decisionId: `arb-${timeOrderedHex(10)}`, assigned: best, confidence, reasoning, alternatives: ranked.slice(1) };
}

function rank(c: Candidate, requiredCount: number, s: number): Ranked {
  const terms: [string, number, number][] = [
    ['match', (requiredCount + 1) / (c.capabilities.length + 1), 0.4],
    ['trust', c.trust, 0.3 + 0.2 * s],
    ['availability', 1 / (1 + c.active), 0.3 - 0.2 * s],
  ];
  const breakdown = terms.map(([name, value, weight]) => ({ name, value, weight, contribution: value * weight }));
  return { id: c.id, provider: c.provider, score: breakdown.reduce((a, t) => a + t.contribution, 0), confidence: 0, breakdown, reasonNotSelected: '' };
}

function whyNot(alt: Ranked, best: Ranked): string {
  let worst = alt.breakdown[0];
  let gap = -Infinity;
  for (const t of alt.breakdown) {
    const g = best.breakdown.find((b) => b.name === t.name)!.contribution - t.contribution;
    if (g > gap) [worst, gap] = [t, g];
  }
  return `fit ${alt.score.toFixed(3)} below ${best.score.toFixed(3)} of '${best.id}'; largest gap in ${worst.name} (${worst.value.toFixed(2)})`;
}

function noCandidate(required: string[], candidates: Candidate[]) {
  const offered = new Set(candidates.flatMap((c) => c.capabilities));
  const absent = required.filter((r) => !offered.has(r));
  if (absent.length || !candidates.length) {
    const names = (absent.length ? absent : required).map((r) => `'${r}'`).join(', ');
    return failedPrecondition(`no active agent or loaded driver offers capability ${names} (field 'task.requirements'); register an agent with it or load a driver that has it`, {
      missing: absent.length ? absent : required,
    });
  }
  const closest = candidates
    .map((c) => ({ c, missing: required.filter((r) => !c.capabilities.includes(r)) }))
    .sort((a, b) => a.missing.length - b.missing.length || a.c.id.localeCompare(b.c.id))[0];
  return failedPrecondition(
    `no single agent or driver has every capability in field 'task.requirements' (${required.join(', ')}); the closest, '${closest.c.id}', lacks ${closest.missing.map((m) => `'${m}'`).join(', ')}`,
    { missing: closest.missing, closest: closest.c.id },
  );
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));
