/**
 * Brute-force reference for the property tests, written independently of src/: it enumerates
 * every simple path (per leg between waypoints), takes IGP routing from the enumeration of all
 * simple paths, and finds minimal segment lists by iterative deepening over SID sequences.
 * Only usable on tiny topologies.
 */
import type { Intent, Topology, TopologyLink } from '@srv6/schema';

export interface RefEdge {
  readonly from: number;
  readonly to: number;
  readonly link: TopologyLink;
  readonly adjSid: string | undefined;
}

export interface RefStop {
  readonly position: number;
  readonly sid: string;
}

export interface RefRoute {
  readonly edges: readonly RefEdge[];
  readonly stops: readonly RefStop[];
}

type Sid =
  | { kind: 'node'; node: number }
  | { kind: 'adj'; edge: RefEdge }
  | { kind: 'service'; node: number }
  | { kind: 'decap'; node: number };

const near = (x: number, y: number): boolean =>
  x === y || Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x), Math.abs(y));
const atMost = (value: number, limit: number): boolean => value <= limit || near(value, limit);

export class Reference {
  readonly names: string[];
  readonly index: Map<string, number>;
  readonly edges: RefEdge[] = [];
  readonly sids = new Map<string, Sid>();
  private readonly igpMemo = new Map<string, { cost: number; count: number; path: RefEdge[] }>();

  constructor(readonly topology: Topology) {
    this.names = topology.spec.nodes.map((node) => node.name);
    this.index = new Map(this.names.map((name, i) => [name, i]));
    for (const link of topology.spec.links) {
      const a = this.index.get(link.a)!;
      const b = this.index.get(link.b)!;
      this.edges.push({ from: a, to: b, link, adjSid: link.adjSids?.[link.a] });
      this.edges.push({ from: b, to: a, link, adjSid: link.adjSids?.[link.b] });
    }
    topology.spec.nodes.forEach((node, i) => {
      this.sids.set(node.sid, { kind: 'node', node: i });
      if (node.decapSid) this.sids.set(node.decapSid, { kind: 'decap', node: i });
    });
    for (const edge of this.edges)
      if (edge.adjSid) this.sids.set(edge.adjSid, { kind: 'adj', edge });
    for (const service of topology.spec.services ?? [])
      this.sids.set(service.sid, { kind: 'service', node: this.index.get(service.node)! });
  }

  /** Every simple path from `from` to `to` over allowed edges and nodes. */
  simplePaths(
    from: number,
    to: number,
    allowEdge: (edge: RefEdge) => boolean = () => true,
    allowNode: (node: number) => boolean = () => true,
  ): RefEdge[][] {
    const paths: RefEdge[][] = [];
    const visited = new Set([from]);
    const walk = (node: number, path: RefEdge[]): void => {
      if (node === to) {
        paths.push([...path]);
        return;
      }
      for (const edge of this.edges) {
        if (edge.from !== node || visited.has(edge.to) || !allowEdge(edge) || !allowNode(edge.to))
          continue;
        visited.add(edge.to);
        path.push(edge);
        walk(edge.to, path);
        path.pop();
        visited.delete(edge.to);
      }
    };
    if (allowNode(from)) walk(from, []);
    return paths;
  }

  /** IGP shortest paths a→b by enumeration: cost, how many, and one of them. */
  igp(a: number, b: number): { cost: number; count: number; path: RefEdge[] } {
    const key = `${a}>${b}`;
    let answer = this.igpMemo.get(key);
    if (answer === undefined) {
      answer = { cost: Infinity, count: 0, path: [] };
      for (const path of this.simplePaths(a, b)) {
        const cost = path.reduce((total, edge) => total + edge.link.igpMetric, 0);
        if (cost < answer.cost) answer = { cost, count: 1, path };
        else if (cost === answer.cost) answer.count++;
      }
      this.igpMemo.set(key, answer);
    }
    return answer;
  }

  /** An edge some correct list can force (End.X of its tail, or the unique IGP path). */
  locallyEncodable(edge: RefEdge): boolean {
    if (edge.adjSid) return true;
    const igp = this.igp(edge.from, edge.to);
    return igp.count === 1 && igp.path.length === 1 && igp.path[0] === edge;
  }

  /**
   * Where the packet goes for a segment list (undefined when ECMP makes it ambiguous or the
   * list is malformed: decapSid not last, or missing).
   */
  expand(segments: readonly string[], ingress: number): RefRoute | undefined {
    let state: ExpansionState | undefined = { at: ingress, edges: [], stops: [], done: false };
    for (const sid of segments) {
      state = this.step(state, sid);
      if (state === undefined) return undefined;
    }
    return state.done ? { edges: state.edges, stops: state.stops } : undefined;
  }

  private step(state: ExpansionState, sidText: string): ExpansionState | undefined {
    const sid = this.sids.get(sidText);
    if (sid === undefined || state.done) return undefined;
    const travel = (to: number): RefEdge[] | undefined => {
      if (to === state.at) return [];
      const igp = this.igp(state.at, to);
      return igp.count === 1 ? igp.path : undefined;
    };
    const target = sid.kind === 'adj' ? sid.edge.from : sid.node;
    const leg = travel(target);
    if (leg === undefined) return undefined;
    const edges = [...state.edges, ...leg];
    if (sid.kind === 'adj')
      return { at: sid.edge.to, edges: [...edges, sid.edge], stops: state.stops, done: false };
    const stops =
      sid.kind === 'service'
        ? [...state.stops, { position: edges.length, sid: sidText }]
        : state.stops;
    return { at: target, edges, stops, done: sid.kind === 'decap' };
  }

  /** Length of the shortest correct list for the route, by iterative deepening. */
  minimalListLength(route: RefRoute, ingress: number, maxLength = 16): number | undefined {
    const egress = route.edges.length === 0 ? ingress : route.edges[route.edges.length - 1]!.to;
    const candidates = [...this.sids.entries()]
      .filter(([, sid]) => sid.kind !== 'decap' || sid.node === egress)
      .filter(([text, sid]) => sid.kind !== 'service' || route.stops.some((s) => s.sid === text))
      .map(([text]) => text);
    const isPrefix = (state: ExpansionState): boolean =>
      state.edges.length <= route.edges.length &&
      state.edges.every((edge, i) => edge === route.edges[i]) &&
      state.stops.length <= route.stops.length &&
      state.stops.every(
        (stop, i) => stop.position === route.stops[i]!.position && stop.sid === route.stops[i]!.sid,
      );
    const search = (state: ExpansionState, left: number): boolean => {
      if (state.done)
        return (
          state.edges.length === route.edges.length && state.stops.length === route.stops.length
        );
      if (left === 0) return false;
      for (const sid of candidates) {
        const next = this.step(state, sid);
        if (next !== undefined && isPrefix(next) && search(next, left - 1)) return true;
      }
      return false;
    };
    for (let length = 1; length <= maxLength; length++)
      if (search({ at: ingress, edges: [], stops: [], done: false }, length)) return length;
    return undefined;
  }
}

interface ExpansionState {
  at: number;
  edges: RefEdge[];
  stops: RefStop[];
  done: boolean;
}

export interface RefWaypoint {
  /** Node waypoint, or the SIDs and nodes of acceptable service instances. */
  node?: number;
  instances?: Array<{ node: number; sid: string }>;
}

/** The intent's constraints as brute-force checks. */
export class ReferenceIntent {
  readonly ingress: number;
  readonly egress: number;
  readonly waypoints: RefWaypoint[];

  constructor(
    readonly reference: Reference,
    readonly intent: Intent,
    egressName: string,
    ingressName: string,
  ) {
    this.ingress = reference.index.get(ingressName)!;
    this.egress = reference.index.get(egressName)!;
    const services = reference.topology.spec.services ?? [];
    const instance = (s: { node: string; sid: string }): { node: number; sid: string } => ({
      node: reference.index.get(s.node)!,
      sid: s.sid,
    });
    const constraints = intent.spec.constraints ?? {};
    this.waypoints = [
      ...(constraints.via ?? []).map((name) => {
        const service = services.find((s) => s.name === name);
        return service ? { instances: [instance(service)] } : { node: reference.index.get(name)! };
      }),
      ...(constraints.serviceChain ?? []).map((type) => ({
        instances: services.filter((s) => s.type === type).map(instance),
      })),
    ];
  }

  allowNode = (node: number): boolean => {
    const c = this.intent.spec.constraints ?? {};
    const spec = this.reference.topology.spec.nodes[node]!;
    if (c.avoidNodes?.includes(spec.name)) return false;
    return !(c.avoidTags ?? []).some((tag) => spec.tags?.includes(tag));
  };

  allowEdge = (edge: RefEdge): boolean => {
    const c = this.intent.spec.constraints ?? {};
    const link = edge.link;
    if (c.avoidLinks?.includes(link.name)) return false;
    if ((c.avoidTags ?? []).some((tag) => link.tags?.includes(tag))) return false;
    if (c.flexAlgo !== undefined && !link.flexAlgos?.includes(c.flexAlgo)) return false;
    if (c.minBandwidthMbps !== undefined && link.bandwidthMbps < c.minBandwidthMbps) return false;
    return this.reference.locallyEncodable(edge);
  };

  withinBounds(route: RefRoute): boolean {
    const c = this.intent.spec.constraints ?? {};
    const f = figures(route);
    return (
      (c.maxDelayMs === undefined || atMost(f.delay, c.maxDelayMs)) &&
      (c.maxJitterMs === undefined || atMost(f.jitter, c.maxJitterMs)) &&
      (c.maxLossPercent === undefined || atMost(f.lossPercent, c.maxLossPercent))
    );
  }

  /** Every candidate route: simple legs between waypoints, filters and bounds respected. */
  candidates(): RefRoute[] {
    if (!this.allowNode(this.ingress) || !this.allowNode(this.egress)) return [];
    let partial: Array<{ at: number; edges: RefEdge[]; stops: RefStop[] }> = [
      { at: this.ingress, edges: [], stops: [] },
    ];
    const legTo = (to: number, sid: string | undefined): void => {
      const next: typeof partial = [];
      for (const route of partial) {
        for (const leg of this.reference.simplePaths(
          route.at,
          to,
          this.allowEdge,
          this.allowNode,
        )) {
          const edges = [...route.edges, ...leg];
          const stops = sid ? [...route.stops, { position: edges.length, sid }] : route.stops;
          next.push({ at: to, edges, stops });
        }
      }
      partial = next;
    };
    for (const waypoint of this.waypoints) {
      if (waypoint.node !== undefined) legTo(waypoint.node, undefined);
      else {
        const before = partial;
        const after: typeof partial = [];
        for (const instance of waypoint.instances!) {
          partial = before;
          legTo(instance.node, instance.sid);
          after.push(...partial);
        }
        partial = after;
      }
    }
    legTo(this.egress, undefined);
    return partial
      .map((route) => ({ edges: route.edges, stops: route.stops }))
      .filter((route) => this.withinBounds(route));
  }

  /** Whether a route visits the waypoints in order (service stops exactly as served). */
  visitsWaypoints(route: RefRoute): boolean {
    const nodes = [this.ingress, ...route.edges.map((edge) => edge.to)];
    let cursor = 0;
    let served = 0;
    for (const waypoint of this.waypoints) {
      if (waypoint.node !== undefined) {
        const found = nodes.findIndex((node, i) => i >= cursor && node === waypoint.node);
        if (found < 0) return false;
        cursor = found;
      } else {
        const stop = route.stops[served++];
        if (stop === undefined || stop.position < cursor) return false;
        if (!waypoint.instances!.some((instance) => instance.sid === stop.sid)) return false;
        cursor = stop.position;
      }
    }
    return served === route.stops.length;
  }
}

export interface Figures {
  delay: number;
  jitter: number;
  lossPercent: number;
  /** −log of the delivery probability (what weighted objectives normalise). */
  lossLog: number;
  igp: number;
  bottleneck: number;
  maxUtilization: number;
  hops: number;
}

export function figures(route: RefRoute): Figures {
  const links = route.edges.map((edge) => edge.link);
  const delivery = links.reduce(
    (product, link) => product * (1 - (link.lossPercent ?? 0) / 100),
    1,
  );
  return {
    delay: links.reduce((total, link) => total + link.delayMs, 0),
    jitter: links.reduce((total, link) => total + (link.jitterMs ?? 0), 0),
    lossPercent: (1 - delivery) * 100,
    lossLog: -Math.log(delivery),
    igp: links.reduce((total, link) => total + link.igpMetric, 0),
    bottleneck: Math.min(...links.map((link) => link.bandwidthMbps)),
    maxUtilization: Math.max(0, ...links.map((link) => link.utilization ?? 0)),
    hops: links.length,
  };
}

const ADDITIVE: Record<string, (f: Figures) => number> = {
  'low-latency': (f) => f.delay,
  'low-jitter': (f) => f.jitter,
  'low-packet-loss': (f) => f.lossLog,
  'low-cost': (f) => f.igp,
};

/** The objective value to minimise (SPEC: Objectives), given every candidate (for weights). */
export function objectiveValue(
  intent: Intent,
  route: RefRoute,
  candidates: readonly RefRoute[],
): number {
  const f = figures(route);
  const { objective, objectives } = intent.spec;
  if (objectives !== undefined) {
    return objectives.reduce((total, part) => {
      const metric = ADDITIVE[part.type]!;
      const optimum = Math.min(...candidates.map((c) => metric(figures(c))));
      const scale = optimum > 0 && Number.isFinite(optimum) ? optimum : 1;
      return total + (part.weight * metric(f)) / scale;
    }, 0);
  }
  switch (objective) {
    case 'high-bandwidth':
      return -f.bottleneck;
    case 'low-bandwidth':
      return f.bottleneck;
    case 'low-utilization':
      return f.maxUtilization;
    case 'low-packet-loss':
      return f.lossPercent;
    default:
      return ADDITIVE[objective!]!(f);
  }
}

export { near };
