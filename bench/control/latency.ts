/** Summaries of many timed samples (milliseconds): rate, percentiles. */
import { round } from '../common/statistics.js';

export interface Summary {
  readonly count: number;
  readonly totalMs: number;
  /** count / total time. */
  readonly perSecond: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** Nearest-rank percentile of sorted values (p in 0..100). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new Error('percentile of no values');
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function summarize(samplesMs: readonly number[]): Summary {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const totalMs = sorted.reduce((sum, value) => sum + value, 0);
  return {
    count: sorted.length,
    totalMs: round(totalMs, 3),
    perSecond: round(sorted.length / (totalMs / 1000), 2),
    meanMs: round(totalMs / sorted.length, 4),
    p50Ms: round(percentile(sorted, 50), 4),
    p99Ms: round(percentile(sorted, 99), 4),
    maxMs: round(sorted[sorted.length - 1]!, 4),
  };
}

/** Milliseconds since `start` (a performance.now() value). */
export const since = (start: number): number => performance.now() - start;

/** Runs `work` and returns its result and how long it took (ms). */
export function timed<T>(work: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = work();
  return { value, ms: since(start) };
}
