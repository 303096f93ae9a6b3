/**
 * A deterministic (seeded) service-provider-like topology for the path benchmarks:
 *
 *   core         4 % of the nodes, spread over a 4,000 × 2,000 km area; each linked to its 4
 *                nearest core nodes (long-haul, 100–400 Gbit/s, flex-algos 128 and 129);
 *   aggregation  16 %, in metro clusters (σ 120 km) around a core node; dual-homed to the two
 *                nearest core nodes, plus one link to the nearest aggregation node;
 *   access       the rest, around an aggregation node (σ 25 km); dual-homed to the two nearest
 *                aggregation nodes, then nearest-neighbour access links (round-robin over the
 *                access nodes, k-th nearest in round k) until the link count is reached.
 *
 * Figures: delayMs = fibre distance / 200 km per ms (route factor 1.3) + 0.02 ms per hop;
 * igpMetric grows with distance per tier, access metrics rounded to steps of 10 (so equal-cost
 * paths exist, as in real access networks); bandwidth by tier; utilization 5–90 %; loss mostly
 * 0–0.01 %, 10 % of the access–access links are "microwave" (loss 0.1–2 %, jitter 1–5 ms, tag
 * `microwave`); 5 % of all links are tagged `unencrypted`, 2 % of the routers (none that hosts,
 * egresses or services sit on) `untrusted`. A quarter of the links carry End.X SIDs both ways.
 * Hosts sit on distinct access nodes; egresses are other access nodes owning a /48 each with a
 * decapSid; firewall and dpi instances sit on aggregation and core nodes.
 */
import type {
  Topology,
  TopologyHost,
  TopologyLink,
  TopologyNode,
  TopologyService,
} from '@srv6/schema';
import { Random } from './random.js';

export interface GeneratorOptions {
  readonly nodes: number;
  readonly links: number;
  readonly hosts: number;
  readonly egresses: number;
  readonly seed: number;
}

export interface GeneratedTopology {
  readonly topology: Topology;
  /** Host names, in order. */
  readonly hosts: readonly string[];
  /** Egress node and the /48 it owns (intent destinations are /64s inside). */
  readonly egresses: ReadonlyArray<{ readonly node: string; readonly prefix48: string }>;
  readonly tiers: { readonly core: number; readonly aggregation: number; readonly access: number };
}

type Tier = 'core' | 'aggregation' | 'access';

interface Site {
  readonly index: number;
  readonly name: string;
  readonly tier: Tier;
  readonly x: number;
  readonly y: number;
}

const AREA_KM = { width: 4000, height: 2000 };
const FIBRE_KM_PER_MS = 200;
const ROUTE_FACTOR = 1.3;

const hex = (value: number): string => value.toString(16);
const round = (value: number, digits: number): number => Number(value.toFixed(digits));
const sidBlock = (index: number): string => `fc00:0:${hex(index + 1)}`;

export function generateTopology(options: GeneratorOptions): GeneratedTopology {
  const random = new Random(options.seed);
  const coreCount = Math.max(3, Math.round(options.nodes * 0.04));
  const aggregationCount = Math.max(2, Math.round(options.nodes * 0.16));
  const accessCount = options.nodes - coreCount - aggregationCount;
  if (accessCount < options.hosts + options.egresses) {
    throw new Error(`${options.nodes} nodes leave too few access nodes for hosts and egresses`);
  }

  const sites: Site[] = [];
  const add = (tier: Tier, name: string, x: number, y: number): Site => {
    const site: Site = { index: sites.length, name, tier, x, y };
    sites.push(site);
    return site;
  };
  const cores = Array.from({ length: coreCount }, (_, i) =>
    add(
      'core',
      `core-${String(i + 1).padStart(3, '0')}`,
      random.between(0, AREA_KM.width),
      random.between(0, AREA_KM.height),
    ),
  );
  const aggregations = Array.from({ length: aggregationCount }, (_, i) => {
    const parent = cores[i % coreCount]!;
    return add(
      'aggregation',
      `agg-${String(i + 1).padStart(4, '0')}`,
      parent.x + 120 * random.gaussian(),
      parent.y + 120 * random.gaussian(),
    );
  });
  const accesses = Array.from({ length: accessCount }, (_, i) => {
    const parent = aggregations[i % aggregationCount]!;
    return add(
      'access',
      `acc-${String(i + 1).padStart(4, '0')}`,
      parent.x + 25 * random.gaussian(),
      parent.y + 25 * random.gaussian(),
    );
  });

  const distance = (a: Site, b: Site): number => Math.hypot(a.x - b.x, a.y - b.y);
  const nearest = (site: Site, among: readonly Site[]): Site[] =>
    among
      .filter((other) => other !== site)
      .sort((p, q) => distance(site, p) - distance(site, q) || p.index - q.index);

  const pairs = new Map<string, [Site, Site]>();
  const key = (a: Site, b: Site): string =>
    a.index < b.index ? `${a.index}|${b.index}` : `${b.index}|${a.index}`;
  const connect = (a: Site, b: Site): boolean => {
    if (a === b || pairs.has(key(a, b))) return false;
    pairs.set(key(a, b), a.index < b.index ? [a, b] : [b, a]);
    return true;
  };

  for (const core of cores)
    for (const other of nearest(core, cores).slice(0, 4)) connect(core, other);
  joinComponents(cores, pairs, key, connect, distance);
  for (const aggregation of aggregations) {
    for (const core of nearest(aggregation, cores).slice(0, 2)) connect(aggregation, core);
    connect(aggregation, nearest(aggregation, aggregations)[0]!);
  }
  for (const access of accesses) {
    for (const aggregation of nearest(access, aggregations).slice(0, 2))
      connect(access, aggregation);
  }
  const neighbours = new Map(accesses.map((access) => [access, nearest(access, accesses)]));
  const order = random.shuffle(accesses);
  for (let round = 0; pairs.size < options.links && round < accessCount - 1; round++) {
    for (const access of order) {
      if (pairs.size >= options.links) break;
      connect(access, neighbours.get(access)![round]!);
    }
  }
  if (pairs.size !== options.links) {
    throw new Error(
      `${options.nodes} nodes give ${pairs.size} links with this construction, not ${options.links}`,
    );
  }

  // Hosts, egresses and services first: the routers they sit on are never tagged untrusted.
  const pickedAccess = random.shuffle(accesses);
  const hostSites = pickedAccess.slice(0, options.hosts);
  const egressSites = pickedAccess.slice(options.hosts, options.hosts + options.egresses);
  const serviceSites: Array<{ site: Site; type: string }> = [
    ...random
      .shuffle(aggregations)
      .slice(0, 4)
      .map((site) => ({ site, type: 'firewall' })),
    ...random
      .shuffle(cores)
      .slice(0, 2)
      .map((site) => ({ site, type: 'dpi' })),
  ];
  const reserved = new Set([...hostSites, ...egressSites, ...serviceSites.map((s) => s.site)]);
  const egressPrefix = new Map(
    egressSites.map((site, i) => [site, `2001:db8:${hex(0x1000 + i)}::/48`]),
  );

  const nodes: TopologyNode[] = sites.map((site) => {
    const tags = [
      ...(site.tier === 'core' ? ['core'] : []),
      ...(!reserved.has(site) && random.chance(0.02) ? ['untrusted'] : []),
    ];
    const prefix = egressPrefix.get(site);
    return {
      name: site.name,
      sid: `${sidBlock(site.index)}::1`,
      ...(prefix ? { decapSid: `${sidBlock(site.index)}::d6`, prefixes: [prefix] } : {}),
      ...(tags.length > 0 ? { tags } : {}),
    };
  });

  const links: TopologyLink[] = [...pairs.values()].map(([a, b], index) =>
    linkFigures(a, b, index, distance(a, b) * ROUTE_FACTOR, random),
  );

  const services: TopologyService[] = serviceSites.map(({ site, type }, i) => ({
    name: `${type === 'firewall' ? 'fw' : 'dpi'}${i + 1}`,
    type,
    node: site.name,
    sid: `${sidBlock(site.index)}::f:${hex(i + 1)}`,
  }));
  const hosts: TopologyHost[] = hostSites.map((site, i) => ({
    name: `host-${String(i + 1).padStart(3, '0')}`,
    attachedTo: site.name,
    address: `2001:db8:${hex(0x100 + i)}::10`,
  }));

  return {
    topology: {
      apiVersion: 'srv6.intents/v1',
      kind: 'Topology',
      metadata: { name: `generated-${options.nodes}-${options.links}-seed-${options.seed}` },
      spec: { nodes, links, services, hosts },
    },
    hosts: hosts.map((host) => host.name),
    egresses: egressSites.map((site) => ({ node: site.name, prefix48: egressPrefix.get(site)! })),
    tiers: { core: coreCount, aggregation: aggregationCount, access: accessCount },
  };
}

/** Links the core's components by their closest pair until it is one component. */
function joinComponents(
  cores: readonly Site[],
  pairs: ReadonlyMap<string, [Site, Site]>,
  key: (a: Site, b: Site) => string,
  connect: (a: Site, b: Site) => boolean,
  distance: (a: Site, b: Site) => number,
): void {
  for (;;) {
    const component = new Set<Site>([cores[0]!]);
    for (let grown = true; grown;) {
      grown = false;
      for (const a of component)
        for (const b of cores)
          if (!component.has(b) && pairs.has(key(a, b))) {
            component.add(b);
            grown = true;
          }
    }
    if (component.size === cores.length) return;
    let best: [Site, Site] | undefined;
    for (const a of component)
      for (const b of cores)
        if (!component.has(b) && (!best || distance(a, b) < distance(best[0], best[1])))
          best = [a, b];
    connect(best![0], best![1]);
  }
}

function linkFigures(
  a: Site,
  b: Site,
  index: number,
  fibreKm: number,
  random: Random,
): TopologyLink {
  const tiers = [a.tier, b.tier].sort().join('-');
  const delayMs = round(fibreKm / FIBRE_KM_PER_MS + 0.02, 3);
  let igpMetric: number;
  let bandwidthMbps: number;
  let flexAlgos: number[] | undefined;
  let microwave = false;
  switch (tiers) {
    case 'core-core':
      igpMetric = 10 + Math.round(fibreKm / 20);
      bandwidthMbps = random.chance(0.3) ? 400_000 : 100_000;
      flexAlgos = [128, 129];
      break;
    case 'aggregation-core':
      igpMetric = 20 + Math.round(fibreKm / 20);
      bandwidthMbps = random.chance(0.5) ? 100_000 : 40_000;
      flexAlgos = [128];
      break;
    case 'aggregation-aggregation':
      igpMetric = 30 + Math.round(fibreKm / 20);
      bandwidthMbps = random.chance(0.5) ? 40_000 : 10_000;
      flexAlgos = [128];
      break;
    case 'access-aggregation':
      igpMetric = 50 + 10 * Math.round(fibreKm / 50);
      bandwidthMbps = random.chance(0.7) ? 10_000 : 1_000;
      break;
    default: // access-access
      igpMetric = 100 + 10 * Math.round(fibreKm / 50);
      bandwidthMbps = random.chance(0.4) ? 10_000 : 1_000;
      microwave = random.chance(0.1);
  }
  const lossPercent = microwave
    ? round(random.between(0.1, 2), 3)
    : random.chance(0.5)
      ? 0
      : round(random.between(0.0001, 0.01), 5);
  const jitterMs = microwave ? round(random.between(1, 5), 2) : round(random.between(0.01, 0.3), 3);
  const tags = [
    ...(microwave ? ['microwave'] : []),
    ...(random.chance(0.05) ? ['unencrypted'] : []),
  ];
  const adjSids = random.chance(0.25)
    ? {
        [a.name]: `${sidBlock(a.index)}::e:${hex(index + 1)}`,
        [b.name]: `${sidBlock(b.index)}::e:${hex(index + 1)}`,
      }
    : undefined;
  return {
    name: `${a.name}-${b.name}`,
    a: a.name,
    b: b.name,
    igpMetric,
    delayMs,
    bandwidthMbps,
    utilization: round(random.between(0.05, 0.9), 2),
    lossPercent,
    jitterMs,
    ...(flexAlgos ? { flexAlgos } : {}),
    ...(tags.length > 0 ? { tags } : {}),
    ...(adjSids ? { adjSids } : {}),
  };
}
