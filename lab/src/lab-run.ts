/**
 * The lab's main job: build from the topology, start the control plane, measure every intent's
 * traffic without and with it, then a link failure under traffic.
 */
import { connectBus } from '@srv6/bus';
import type { Intent, Topology } from '@srv6/schema';
import {
  LabControl,
  labBusOptions,
  measureReconvergence,
  flowFor,
  unmatchedFlow,
  tcpFlow,
  TopologyLab,
  udpFlow,
  type Flow,
  type FlowResult,
  type IntentOutcome,
  type StartedLab,
  type ReconvergenceResult,
} from '@srv6/topology-lab';
import type { LabOptions } from './options.js';
import { renderTable, type ResultRow } from './results-table.js';

export const progress = (line: string): void => void process.stderr.write(`[lab] ${line}\n`);

/** Intents shown first (the objectives), then the rest by name. */
const SHOWN_FIRST = [
  'low-latency',
  'high-bandwidth',
  'low-packet-loss',
  'avoid-untrusted',
  'service-chain',
  'via',
];

function ordered(intents: readonly Intent[]): Intent[] {
  const rank = (intent: Intent): number => {
    const index = SHOWN_FIRST.indexOf(intent.metadata.name);
    return index === -1 ? SHOWN_FIRST.length : index;
  };
  return [...intents].sort(
    (a, b) => rank(a) - rank(b) || a.metadata.name.localeCompare(b.metadata.name),
  );
}

async function measure(lab: TopologyLab, flow: Flow): Promise<FlowResult> {
  return flow.protocol === 'tcp'
    ? tcpFlow(lab, flow, { seconds: 2 })
    : udpFlow(lab, flow, 1000, 1000, 2000);
}

const seenText = (result: FlowResult | undefined, order: readonly string[]): string => {
  if (!result) return '-';
  const routers = [...result.seen.keys()].sort(
    (a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99),
  );
  return routers.join(' ') || '(none)';
};

const figure = (result: FlowResult | undefined): string => {
  if (!result) return '-';
  if (result.gbps !== undefined) return `${result.gbps.toFixed(2)} Gbit/s`;
  const loss = result.sent === 0 ? 0 : (100 * (result.sent - result.received)) / result.sent;
  return `loss ${loss.toFixed(1)}%`;
};

function follows(outcome: IntentOutcome, result: FlowResult | undefined): string {
  if (!result || outcome.state !== 'programmed') return '-';
  const expected = [...outcome.path].sort().join(' ');
  const seen = [...result.seen.keys()].sort().join(' ');
  return expected === seen ? 'yes' : 'NO';
}

function chooseReconvergence(
  options: LabOptions,
  outcomes: Map<string, IntentOutcome>,
  flows: Map<string, Flow>,
): { intent: string; link: string } | undefined {
  if (options.reconverge) {
    const [intent, link] = options.reconverge.split(':') as [string, string];
    return { intent, link };
  }
  const preferred = outcomes.get('low-jitter');
  if (
    preferred?.state === 'programmed' &&
    preferred.path.includes('r5') &&
    preferred.path.includes('r6')
  )
    return { intent: 'low-jitter', link: 'r5-r6' };
  for (const [name, outcome] of outcomes) {
    if (
      outcome.state === 'programmed' &&
      flows.get(name)?.protocol === 'udp' &&
      outcome.path.length > 1
    )
      return { intent: name, link: `${outcome.path.at(-2)}-${outcome.path.at(-1)}` };
  }
  return undefined;
}

export async function runLab(
  options: LabOptions,
  run: StartedLab,
  topology: Topology,
  intents: Intent[],
): Promise<void> {
  const { lab, state } = run;
  const nc = await connectBus(labBusOptions(state, 'srv6 lab'));
  try {
    const control = await LabControl.open(nc);
    const topologyRevision = await control.applyTopology(topology);
    progress(`topology ${topology.metadata.name} applied (revision ${topologyRevision})`);

    const list = ordered(intents);
    const flows = new Map<string, Flow>();
    for (const intent of list) {
      const flow = flowFor(intent, topology);
      if (flow) flows.set(intent.metadata.name, flow);
      else
        progress(
          `${intent.metadata.name}: no topology host inside ${intent.spec.match.destination}, no traffic`,
        );
    }
    const without = new Map<string, FlowResult>();
    for (const [name, flow] of flows) {
      progress(`no intent yet: ${flow.protocol}/${flow.port} ${flow.from} → ${flow.to} (${name})`);
      without.set(name, await measure(lab, flow));
    }

    for (const intent of list) await control.applyIntent(intent);
    progress(`${list.length} intents applied; waiting until every host has programmed them`);
    const outcomes = new Map<string, IntentOutcome>();
    for (const intent of list) {
      const flow = flows.get(intent.metadata.name);
      const all = await control.waitForIntent(intent, topologyRevision);
      outcomes.set(intent.metadata.name, all.find((o) => o.host === flow?.from) ?? all[0]!);
    }

    const rows: ResultRow[] = [];
    for (const intent of list) {
      const name = intent.metadata.name;
      const outcome = outcomes.get(name)!;
      const flow = flows.get(name);
      let withIntent: FlowResult | undefined;
      if (flow && outcome.state === 'programmed') {
        progress(`with intent: ${flow.protocol}/${flow.port} ${flow.from} → ${flow.to} (${name})`);
        withIntent = await measure(lab, flow);
      }
      const order = lab.plan.routers.map((r) => r.name);
      rows.push({
        intent: name,
        traffic: flow ? `${flow.protocol}/${flow.port} ${flow.from}→${flow.to}` : '-',
        state: outcome.state,
        path: outcome.state === 'programmed' ? outcome.path.join('→') : (outcome.reason ?? ''),
        segments: outcome.segments.join(','),
        seenWith: seenText(withIntent, outcome.path),
        follows: follows(outcome, withIntent),
        seenWithout: seenText(without.get(name), order),
        measured: `${figure(withIntent)} | ${figure(without.get(name))}`,
      });
    }
    // Non-matching traffic keeps the IGP path: one check on the first programmed intent.
    const probe = rows.find((row) => row.state === 'programmed');
    const probeIntent = probe && list.find((i) => i.metadata.name === probe.intent);
    const probeFlow =
      probeIntent &&
      flows.get(probe.intent) &&
      unmatchedFlow(flows.get(probe.intent)!, probeIntent);

    console.log(
      `\nIntents on ${topology.metadata.name}: computed path, and where the traffic really went`,
    );
    console.log('(SEEN ON = routers whose nftables counter saw packets from the sending host)\n');
    console.log(renderTable(rows));
    if (probeFlow) {
      const result = await measure(lab, probeFlow);
      console.log(
        `\nnot matched (${probeFlow.protocol}/${probeFlow.port}, outside ${probe!.intent}'s ports): seen on ${seenText(
          result,
          lab.plan.routers.map((r) => r.name),
        )} — the IGP path`,
      );
    }
    for (const line of lab.shaping.lines) console.log(`link emulation: ${line}`);

    if (!options.skipReconverge) {
      const choice = chooseReconvergence(options, outcomes, flows);
      const intent = choice && list.find((i) => i.metadata.name === choice.intent);
      const flow = choice && flows.get(choice.intent);
      if (!choice || !intent || !flow) {
        console.log('\nreconvergence: no programmed UDP intent to watch (see --reconverge)');
      } else {
        progress(
          `reconvergence: ${flow.protocol}/${flow.port} flowing, taking link ${choice.link} down`,
        );
        const result = await measureReconvergence(
          lab,
          control,
          intent,
          outcomes.get(choice.intent)!,
          flow,
          choice.link,
        );
        printReconvergence(choice.intent, result);
      }
    }
  } finally {
    await nc.close();
  }
}

function printReconvergence(intent: string, r: ReconvergenceResult): void {
  const lost = r.sent - r.received;
  console.log(
    `\nReconvergence: link ${r.link} down under ${intent}'s traffic (UDP, 1,000 packets/s)`,
  );
  console.log(`  before  ${r.before.path.join('→')}  [${r.before.segments.join(', ')}]`);
  console.log(`  after   ${r.after.path.join('→')}  [${r.after.segments.join(', ')}]`);
  console.log(
    `  link down in the lab and IGP routes moved: ${r.igpMs} ms; then the topology update is sent`,
  );
  console.log(
    r.firstPacketMs === undefined
      ? '  first packet on the new path: not seen on a router outside the old path (same routers, other links)'
      : `  update → first packet on the new path (kernel timestamp, tcpdump on ${r.firstPacketRouter}): ${(r.firstPacketMs - r.igpMs).toFixed(1)} ms`,
  );
  console.log(
    `  update → host-agent reports the new segments programmed: ${r.programmedMs - r.igpMs} ms`,
  );
  console.log(`  packets sent ${r.sent}, received ${r.received}, lost during the switch ${lost}`);
}
