/** The targets the figures are compared with; PASS/MISS as measured, nothing adjusted. */
import type { Iperf3BenchResult } from './iperf3-bench.js';
import type { MapUpdateResult } from './map-update-bench.js';
import { type TestRunResult, withoutRestore } from './test-run-bench.js';

export interface TargetCheck {
  readonly name: string;
  readonly target: string;
  readonly value: string;
  readonly pass: boolean;
}

/** "≥ ~1 within noise": the ratio may fall short of 1 by the rounds' own spread, at least 3 %. */
export const RATIO_MIN_TOLERANCE = 0.03;
export const LOOKUP_BUDGET_NS = 60;
export const BATCH_TARGET = 500_000;

export function checkTargets(
  testRun: TestRunResult | undefined,
  iperf3: Iperf3BenchResult | undefined,
  maps: MapUpdateResult | undefined,
): TargetCheck[] {
  const checks: TargetCheck[] = [];
  if (iperf3) {
    const tolerance = Math.max(RATIO_MIN_TOLERANCE, iperf3.ratioMad);
    checks.push({
      name: 'encap throughput vs kernel-native seg6',
      target: `paired ratio bpfEncap/kernelSeg6 ≥ 1 − noise (${(1 - tolerance).toFixed(3)})`,
      value: `${iperf3.ratio.toFixed(3)} (rounds ${iperf3.ratios.map((r) => r.toFixed(3)).join(', ')})`,
      pass: iperf3.ratio >= 1 - tolerance,
    });
  }
  if (testRun) {
    const { encap100k, passThrough } = testRun.nsPerPacket;
    checks.push({
      name: 'encap100k − passThrough',
      target: `≤ ${LOOKUP_BUDGET_NS} ns/packet`,
      value: `${encap100k - passThrough} ns (without the bench's restore ≈ ${withoutRestore(testRun).toFixed(0)} ns)`,
      pass: encap100k - passThrough <= LOOKUP_BUDGET_NS,
    });
  }
  if (maps) {
    checks.push({
      name: 'batch map updates (srv6_prefixes)',
      target: `≥ ${BATCH_TARGET.toLocaleString('en-US')} updates/s`,
      value: `${maps.prefixes.batch.toLocaleString('en-US')} /s`,
      pass: maps.prefixes.batch >= BATCH_TARGET,
    });
  }
  return checks;
}
