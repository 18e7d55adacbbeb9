// A task's score: the weighted sum of its five dimensions (weights normalised to sum 1,
// so the base is in [0, 1]), plus aging = rate × seconds waited. Every score is given
// as its terms so that it can be explained.
import { DIMENSIONS, type Weights } from './config.ts';

export interface Dimensions {
  urgency: number;
  importance: number;
  efficiency: number;
  energy: number;
  trust: number;
}

export interface ScoreTerm {
  name: string;
  value: number;
  weight: number;
  contribution: number;
}

/** Urgency from a deadline: 1 when due now, falling linearly to 0 at `horizonMs` away. */
export function urgencyFromDeadline(deadline: number, now: number, horizonMs: number): number {
  return Math.min(1, Math.max(0, 1 - (deadline - now) / horizonMs));
}

export function baseScore(d: Dimensions, w: Weights): number {
  const total = w.urgency + w.importance + w.efficiency + w.energy + w.trust;
  return (w.urgency * d.urgency + w.importance * d.importance + w.efficiency * d.efficiency + w.energy * d.energy + w.trust * d.trust) / total;
}

/** The base terms and, when `waitedSeconds` is given, the aging term. */
export function breakdown(d: Dimensions, w: Weights, aging?: { rate: number; waitedSeconds: number }): ScoreTerm[] {
  const total = DIMENSIONS.reduce((s, k) => s + w[k], 0);
  const terms: ScoreTerm[] = DIMENSIONS.map((name) => ({ name, value: d[name], weight: w[name] / total, contribution: (w[name] / total) * d[name] }));
  if (aging) terms.push({ name: 'aging', value: aging.waitedSeconds, weight: aging.rate, contribution: aging.rate * aging.waitedSeconds });
  return terms;
}
