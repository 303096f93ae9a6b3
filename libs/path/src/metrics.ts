/** Per-link figures as additive weights, and the figures of a whole route. */
import type { AdditiveObjectiveType } from '@srv6/schema';
import type { DirectedEdge } from './graph.js';
import type { Route } from './route.js';

export type EdgeWeight = (edge: DirectedEdge) => number;

export const delayWeight: EdgeWeight = (edge) => edge.link.delayMs;
export const jitterWeight: EdgeWeight = (edge) => edge.link.jitterMs;
export const igpWeight: EdgeWeight = (edge) => edge.link.igpMetric;
/**
 * End-to-end loss 1 − Π(1 − p) is minimised by minimising Σ −log(1 − p): the log turns the
 * product into a sum that shortest-path algorithms handle. A 100 % lossy link weighs Infinity.
 */
export const lossWeight: EdgeWeight = (edge) => lossToWeight(edge.link.lossPercent);

export function lossToWeight(lossPercent: number): number {
  return -Math.log1p(-lossPercent / 100);
}

export function weightToLoss(weight: number): number {
  return -Math.expm1(-weight) * 100;
}

export const ADDITIVE_WEIGHTS: Readonly<Record<AdditiveObjectiveType, EdgeWeight>> = {
  'low-latency': delayWeight,
  'low-jitter': jitterWeight,
  'low-packet-loss': lossWeight,
  'low-cost': igpWeight,
};

/** Relative tolerance for comparing sums of decimal figures (0.1 + 0.2 vs 0.3). */
const TOLERANCE = 1e-9;

/** x − y, but 0 when they differ only by floating-point noise. */
export function compareFigures(x: number, y: number): number {
  if (x === y) return 0;
  if (!Number.isFinite(x) || !Number.isFinite(y)) return x < y ? -1 : 1;
  const scale = Math.max(1, Math.abs(x), Math.abs(y));
  if (Math.abs(x - y) <= TOLERANCE * scale) return 0;
  return x - y;
}

/** value ≤ limit, up to floating-point noise. */
export function withinLimit(value: number, limit: number): boolean {
  return compareFigures(value, limit) <= 0;
}

export function sumOf(route: Route, weight: EdgeWeight): number {
  return route.edges.reduce((total, edge) => total + weight(edge), 0);
}

export interface PathMetrics {
  readonly delayMs: number;
  /** Smallest link bandwidth on the path; 0 for a path without links. */
  readonly bottleneckMbps: number;
  readonly igpCost: number;
  readonly hops: number;
}

/** Rounded to 9 decimals so 0.1 + 0.2 prints as 0.3. */
const tidy = (value: number): number => Math.round(value * 1e9) / 1e9;

export function routeMetrics(route: Route): PathMetrics {
  const bandwidths = route.edges.map((edge) => edge.link.bandwidthMbps);
  return {
    delayMs: tidy(sumOf(route, delayWeight)),
    bottleneckMbps: bandwidths.length === 0 ? 0 : Math.min(...bandwidths),
    igpCost: sumOf(route, igpWeight),
    hops: route.edges.length,
  };
}
