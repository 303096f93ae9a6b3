/**
 * iperf3Gbps: TCP throughput host-a -> host-b for each variant (steering-lab.ts), in paired,
 * alternating rounds: every round runs all three variants back to back, the order rotated
 * each round, so drift (CPU frequency, other load) hits all alike. Reported: the median per
 * variant and the median of the per-round ratios bpfEncap / kernelSeg6. Every run checks that
 * its traffic took the variant's path (router interface counters) and that the program dropped
 * nothing for size. The 1 s check run of each variant also reads, half-way, what host-b's socket
 * measured about the segments it receives (their size on the wire, minus headers).
 */
import type { Cleanup } from '../common/cleanup.js';
import { progress } from '../common/progress.js';
import { median, medianAbsoluteDeviation, rotate } from '../common/statistics.js';
import {
  type Iperf3Result,
  receiverSegments,
  type ReceiverSegments,
  runIperf3,
  startIperf3Server,
} from './iperf3-run.js';
import { LAB_SEGMENTS, LINK_MTU, SteeringLab, type Variant, VARIANTS } from './steering-lab.js';

const CHECK_SECONDS = 1;
/** Share of the received bytes that must have crossed the variant's router. */
const ON_PATH = 0.9;

export interface Iperf3BenchResult {
  readonly gbps: Record<Variant, number>;
  readonly samples: Record<Variant, number[]>;
  /** bpfEncap / kernelSeg6 of each round, and their median. */
  readonly ratios: number[];
  readonly ratio: number;
  readonly ratioMad: number;
  readonly rounds: number;
  readonly seconds: number;
  readonly mss: Record<Variant, number>;
  /** What host-b's socket measured half-way through the check run (ss -ti). */
  readonly received: Record<Variant, ReceiverSegments | undefined>;
  readonly retransmits: Record<Variant, number>;
  readonly routes: Record<Variant, string>;
  readonly segments: readonly string[];
  readonly linkMtu: number;
}

async function checkedRun(
  lab: SteeringLab,
  variant: Variant,
  seconds: number,
  whileRunning?: () => void,
): Promise<Iperf3Result> {
  const before = lab.pathBytes();
  const dropsBefore = lab.mtuDrops();
  const running = runIperf3(lab.lab, seconds);
  if (whileRunning) {
    await new Promise((resolve) => setTimeout(resolve, (seconds * 1000) / 2));
    whileRunning();
  }
  const result = await running;
  const after = lab.pathBytes();
  const viaR2 = after.viaR2 - before.viaR2;
  const viaR3 = after.viaR3 - before.viaR3;
  const expected = variant === 'plain' ? viaR2 : viaR3;
  if (expected < ON_PATH * result.bytes) {
    throw new Error(
      `iperf3 ${variant}: ${result.bytes} bytes received but r2 saw ${viaR2} and r3 ${viaR3}: the traffic did not take the ${variant === 'plain' ? 'plain path via r2' : 'SRv6 path via r3'}`,
    );
  }
  const drops = lab.mtuDrops() - dropsBefore;
  if (drops !== 0n)
    throw new Error(`iperf3 ${variant}: the program dropped ${drops} packets (MTU)`);
  return result;
}

function perVariant<T>(make: (variant: Variant) => T): Record<Variant, T> {
  return Object.fromEntries(VARIANTS.map((variant) => [variant, make(variant)])) as Record<
    Variant,
    T
  >;
}

export async function benchIperf3(
  rounds: number,
  seconds: number,
  cleanup: Cleanup,
): Promise<Iperf3BenchResult> {
  progress('iperf3: building the namespace lab (diamond topology, kernel SRv6 routers)');
  const lab = SteeringLab.build(cleanup);
  await startIperf3Server(lab.lab);

  const routes = perVariant(() => '');
  const mss = perVariant(() => 0);
  const received = perVariant((): ReceiverSegments | undefined => undefined);
  for (const variant of VARIANTS) {
    await cleanup.checkpoint();
    lab.use(variant);
    routes[variant] = lab.route();
    mss[variant] = (
      await checkedRun(lab, variant, CHECK_SECONDS, () => {
        received[variant] = receiverSegments(lab.lab);
      })
    ).mss;
    const seen = received[variant];
    progress(
      `iperf3: ${variant} takes its path (MSS ${mss[variant]}, received segments ` +
        `${seen ? `${seen.rcvmss} B max, ${seen.meanPayload.toFixed(0)} B mean` : 'not seen'}); route: ${routes[variant]}`,
    );
  }

  const samples = perVariant(() => [] as number[]);
  const retransmits = perVariant(() => 0);
  const ratios: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const variant of rotate(VARIANTS, round)) {
      await cleanup.checkpoint();
      lab.use(variant);
      const result = await checkedRun(lab, variant, seconds);
      samples[variant].push(result.gbps);
      retransmits[variant] += result.retransmits;
    }
    ratios.push(samples.bpfEncap[round]! / samples.kernelSeg6[round]!);
    progress(
      `iperf3: round ${round + 1}/${rounds} (${rotate(VARIANTS, round).join(' → ')}): ` +
        VARIANTS.map((v) => `${v} ${samples[v][round]!.toFixed(2)}`).join(', ') +
        ` Gbit/s, ratio ${ratios[round]!.toFixed(3)}`,
    );
  }
  lab.use('plain');
  return {
    gbps: perVariant((variant) => median(samples[variant])),
    samples,
    ratios,
    ratio: median(ratios),
    ratioMad: medianAbsoluteDeviation(ratios),
    rounds,
    seconds,
    mss,
    received,
    retransmits,
    routes,
    segments: LAB_SEGMENTS,
    linkMtu: LINK_MTU,
  };
}
