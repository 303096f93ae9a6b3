/** The result: a table for people, JSON for machines. Same figures in both. */
import type { Iperf3BenchResult } from './iperf3-bench.js';
import type { Machine } from '../common/machine.js';
import type { MapUpdateResult } from './map-update-bench.js';
import { round } from '../common/statistics.js';
import type { TargetCheck } from './targets.js';
import { type TestRunResult, withoutRestore } from './test-run-bench.js';

export interface BenchResult {
  readonly machine: Machine;
  readonly testRun?: TestRunResult;
  readonly iperf3?: Iperf3BenchResult;
  readonly mapUpdates?: MapUpdateResult;
  readonly targets: readonly TargetCheck[];
}

export const RESTORE_NOTE =
  'encap figures include removing the pushed headers again after each run (bench_restore.h), ' +
  'so they are an upper bound on the encapsulation cost';

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

const number = (value: number): string => value.toLocaleString('en-US');

/** A floor program's cost over pass-through without the bench's restore. */
function floor(t: TestRunResult, name: 'floorGrow' | 'floorGrowStore' | 'floorGrowWrite'): number {
  return t.nsPerPacket[name] - t.nsPerPacket.passThrough - t.restoreByDifference;
}

function testRunLines(t: TestRunResult): string[] {
  const ns = t.nsPerPacket;
  const row = (name: keyof typeof ns, how: string) =>
    `  ${name.padEnd(14)} ${String(ns[name]).padStart(5)} ns   ${how}`;
  return [
    `testRun.nsPerPacket — BPF_PROG_TEST_RUN, repeat ${number(t.repeat)} per run, median of ${t.rounds} rounds`,
    `  (order rotated per round); kernel-reported average per run (integer ns); ${t.frameBytes}-byte`,
    `  Ethernet+IPv6+TCP frame to port 5201; every timed run checked (verdict, frame restored, srv6_stats)`,
    row('passThrough', 'srv6_pass: returns TC_ACT_OK (the test-run loop + program call)'),
    row(
      'restoreOnly',
      'srv6_encap_restore_only: MTU check, grow, tail call, write 80 B, shrink; fixed 2-SID decision, no parse/lookup',
    ),
    row(
      'restoreSplit',
      'srv6_encap_restore_split: restoreOnly with the shrink done in two halves (one shrink more)',
    ),
    row('floorGrow', 'srv6_floor_grow: grow 80 B + shrink, nothing else'),
    row('floorGrowStore', 'srv6_floor_grow_store: floorGrow + bpf_skb_store_bytes of the 80 B'),
    row(
      'floorGrowWrite',
      'srv6_floor_grow_write: floorGrow + the 80 B written directly (packet pointers)',
    ),
    row(
      'encap1',
      `srv6_egress, 1 policy: parse, ${plural(t.prefixLookups.encap1, 'prefix lookup')}, port search, policy, counters, +${t.encapBytes} B, restore`,
    ),
    row(
      'encap1k',
      `srv6_egress, 1,000 policies (${plural(t.prefixLookups.encap1k, 'prefix lookup')}), same packet`,
    ),
    row(
      'encap100k',
      `srv6_egress, 100,000 policies (${plural(t.prefixLookups.encap100k, 'prefix lookup')}), same packet`,
    ),
    row(
      'noMatch100k',
      `srv6_egress, 100,000 policies, destination in none (${plural(t.prefixLookups.noMatch100k, 'prefix lookup')}, miss), no encap`,
    ),
    `  derived: encap100k − passThrough ${ns.encap100k - ns.passThrough} ns; encap100k − restoreOnly ${ns.encap100k - ns.restoreOnly} ns` +
      ` (parse + lookups + counters); noMatch100k − passThrough ${ns.noMatch100k - ns.passThrough} ns; encap100k − encap1 ${ns.encap100k - ns.encap1} ns`,
    `  the restore (the shrink after each encap run, bench only): restoreSplit − restoreOnly ${t.restoreByDifference} ns (median of the rounds' differences)`,
    `  timed inside srv6_encap_restore_timed (bpf_ktime_get_ns, the clock's own ${t.timedSplit.clock.toFixed(1)} ns per interval subtracted, median of the rounds):`,
    `    encap_push ${t.timedSplit.encapPush.toFixed(1)} ns (the helper path: MTU check, header build, grow, bpf_skb_store_bytes); restore ${t.timedSplit.restore.toFixed(1)} ns (cross-check of the above)`,
    `  floor of any encapsulation through the kernel's helpers (− passThrough − restore): grow ${floor(t, 'floorGrow')} ns;` +
      ` grow + store ${floor(t, 'floorGrowStore')} ns; grow + direct write ${floor(t, 'floorGrowWrite')} ns`,
    `  so encap100k − passThrough − restore ≈ ${withoutRestore(t).toFixed(0)} ns: the program's cost over pass-through as a real packet would pay it`,
    `  prefix lookups are exact-match hash lookups in srv6_prefixes, one per prefix length tried (all tables are /64: one); the length list (srv6_prefix_lens) is an array, read without a helper call`,
    `  note: ${RESTORE_NOTE}; the repeated packet keeps its hash bucket in cache (real traffic may miss)`,
    `  tables filled with DatapathProgrammer.apply: 1 in ${Math.round(t.fillMs.t1)} ms, 1k in ${Math.round(t.fillMs.t1k)} ms, 100k in ${Math.round(t.fillMs.t100k)} ms`,
  ];
}

function iperfLines(i: Iperf3BenchResult): string[] {
  const received = (name: keyof typeof i.gbps) => {
    const seen = i.received[name];
    return seen
      ? `received segments ${seen.rcvmss} B max / ${seen.meanPayload.toFixed(0)} B mean`
      : 'received segments not seen';
  };
  const row = (name: keyof typeof i.gbps, how: string) =>
    `  ${name.padEnd(12)} ${i.gbps[name].toFixed(2).padStart(6)} Gbit/s  ${how} [${i.samples[name].map((s) => s.toFixed(2)).join(' ')}] MSS ${i.mss[name]} (${received(name)}), retr ${i.retransmits[name]}`;
  return [
    `iperf3Gbps — host-a → host-b TCP, ${i.rounds} rounds × ${i.seconds} s per variant, order rotated each round, median;`,
    `  diamond lab (veth, MTU ${i.linkMtu}), kernel SRv6 routers, SIDs ${i.segments.join(',')} (End, End.DT6)`,
    row('plain', 'no encapsulation, no program, via r2'),
    row('kernelSeg6', 'route encap seg6 mode encap (no mtu: kernel subtracts the 80 B headroom)'),
    row('bpfEncap', 'tc program (HostDatapath + DatapathProgrammer), route mtu 1420'),
    `  paired ratio bpfEncap/kernelSeg6: median ${i.ratio.toFixed(3)} (per round ${i.ratios.map((r) => r.toFixed(3)).join(', ')}; MAD ${i.ratioMad.toFixed(3)})`,
  ];
}

function mapLines(m: MapUpdateResult): string[] {
  const row = (name: string, rates: MapUpdateResult['prefixes'], what: string) =>
    `  ${name.padEnd(17)} single ${number(rates.single).padStart(9)} /s   batch ${number(rates.batch).padStart(9)} /s   ${what}`;
  return [
    `mapUpdatesPerSec — ${number(m.entries)} distinct entries from Node (koffi → libbpf), best of ${m.runs} runs;`,
    `  single = BpfMap.update per entry, batch = BpfMap.updateBatch, ${number(m.batchChunk)} entries per call`,
    row(
      'srv6_prefixes',
      m.prefixes,
      `${m.prefixes.mapType}, ${m.prefixes.keyBytes} B key, ${m.prefixes.valueBytes} B rule set, inserts into an emptied map (batch: ${m.prefixes.batchMode})`,
    ),
    row(
      'srv6_policies',
      m.policies,
      `array, ${m.policies.valueBytes} B policy, overwrites in place (batch: ${m.policies.batchMode})`,
    ),
    '  mapUpdatesPerSec.single/.batch report srv6_prefixes',
  ];
}

export function formatTable(result: BenchResult): string {
  const m = result.machine;
  const lines = [
    'SRv6 datapath benchmark',
    `machine: Linux ${m.kernel}, ${m.cpuModel} × ${m.cpus} CPUs, ${m.memoryGiB} GiB; Node ${m.node}; ${m.iperf3}; ${m.date}`,
    '',
  ];
  if (result.testRun) lines.push(...testRunLines(result.testRun), '');
  if (result.iperf3) lines.push(...iperfLines(result.iperf3), '');
  if (result.mapUpdates) lines.push(...mapLines(result.mapUpdates), '');
  lines.push('targets');
  for (const check of result.targets) {
    lines.push(
      `  ${check.pass ? 'PASS' : 'MISS'}  ${check.name}: ${check.value} — target ${check.target}`,
    );
  }
  return lines.join('\n') + '\n';
}

export function toJson(result: BenchResult): unknown {
  const t = result.testRun;
  const i = result.iperf3;
  const m = result.mapUpdates;
  return {
    machine: result.machine,
    testRun: t && {
      nsPerPacket: t.nsPerPacket,
      method: `BPF_PROG_TEST_RUN average, repeat ${t.repeat}, median of ${t.rounds} rounds; ${RESTORE_NOTE}`,
      repeat: t.repeat,
      rounds: t.rounds,
      samples: t.samples,
      restoreByDifference: t.restoreByDifference,
      frameBytes: t.frameBytes,
      encapBytes: t.encapBytes,
      timedSplit: Object.fromEntries(
        Object.entries(t.timedSplit).map(([k, v]) => [k, round(v as number, 1)]),
      ),
      timedSamples: Object.fromEntries(
        Object.entries(t.timedSamples).map(([k, v]) => [k, v.map((s) => round(s, 1))]),
      ),
      withoutRestore: round(withoutRestore(t), 1),
      prefixLookups: t.prefixLookups,
      fillMs: Object.fromEntries(Object.entries(t.fillMs).map(([k, v]) => [k, Math.round(v)])),
    },
    iperf3Gbps: i && {
      plain: round(i.gbps.plain, 3),
      kernelSeg6: round(i.gbps.kernelSeg6, 3),
      bpfEncap: round(i.gbps.bpfEncap, 3),
      ratioBpfEncapToKernelSeg6: round(i.ratio, 4),
      ratios: i.ratios.map((r) => round(r, 4)),
      ratioMad: round(i.ratioMad, 4),
      samples: Object.fromEntries(
        Object.entries(i.samples).map(([k, v]) => [k, v.map((s) => round(s, 3))]),
      ),
      rounds: i.rounds,
      seconds: i.seconds,
      mss: i.mss,
      received: Object.fromEntries(
        Object.entries(i.received).map(([k, v]) => [
          k,
          v && { rcvmss: v.rcvmss, meanPayload: round(v.meanPayload, 1) },
        ]),
      ),
      retransmits: i.retransmits,
      routes: i.routes,
      segments: i.segments,
      linkMtu: i.linkMtu,
    },
    mapUpdatesPerSec: m && {
      single: m.prefixes.single,
      batch: m.prefixes.batch,
      map: 'srv6_prefixes',
      entries: m.entries,
      runs: m.runs,
      batchChunk: m.batchChunk,
      prefixes: m.prefixes,
      policies: m.policies,
    },
    targets: result.targets,
  };
}
