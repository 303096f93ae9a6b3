/**
 * Pure: which intents a topology change can affect, so path-svc recomputes only those. The
 * intents left out must get exactly the result a full recompute would give them: path,
 * segments (correct and minimal, SPEC), metrics, reason.
 *
 * Anything but removals and worsenings — a link or node added, a link improved, an IGP metric,
 * SID, tag, flex-algo, service, host or prefix changed — may change any intent: all of them.
 *
 * A change that only removes links/nodes or worsens link figures (igpMetric kept) affects:
 *   1. intents whose current path crosses a removed or worsened element;
 *   2. unsatisfiable intents (a removal can make a path encodable, see 4, or fit it into 16
 *      segments; the reason quotes figures of best paths, which may have changed), and intents
 *      whose result depends on links their path does not cross: a weighted `objectives` mix
 *      normalises each part by its own optimum, which may have used the element; for
 *      `low-bandwidth` a lower bandwidth elsewhere is better, not worse. An intent whose
 *      objective the caller does not give counts as such;
 *   3. intents whose segment list changes. Between segments packets follow the IGP shortest
 *      path, so a removal can break an ECMP tie or lengthen a shortest path: a route part that
 *      needed a pinning segment may now be the unique shortest path and the minimal list
 *      shorter. That needs a removed link L = (x, y, m) on a shortest path between two nodes a,
 *      b of the path before: d(a, x) + m + d(y, b) = d(a, b), either direction of L; for those
 *      pairs "the unique shortest path is the path's part a..b" is compared before and after
 *      (removal-effects.ts);
 *   4. intents that a newly encodable edge u→v may improve. A removed link was the other way
 *      as short as u→v between its ends, so v's node SID now forces it: paths over it are new
 *      candidates. Only edges with d(u, x) + m + d(y, v) ≤ their metric can be such edges;
 *      those are checked exactly on both topologies. An intent is affected when a lower bound
 *      of a path over one of them is not worse than its current path (removal-effects.ts).
 * Otherwise a path not crossing the change keeps its value, its segment list and its place
 * among the candidates (the others can only have been removed or got worse).
 *
 * Not covered: an intent whose best candidates needed more than the datapath's 16 segments
 * (a path of 16 or more hops plus service stops) may fit one of them after a removal; the
 * unsatisfiable ones are recomputed (point 2), the others are not.
 */
import type { Intent, Topology, TopologyLink, TopologyNode } from '@srv6/schema';
import { PreparedTopology } from './prepare.js';
import { RemovalEffects, type ObjectiveKind } from './removal-effects.js';

export type { ObjectiveKind } from './removal-effects.js';

export interface CurrentPath {
  readonly intent: string;
  /** Nodes of the path, in order (one entry per host of the intent). */
  readonly paths: ReadonlyArray<readonly string[]>;
  readonly unsatisfiable: boolean;
  /** objectiveKind(intent); without it the intent is recomputed on every change. */
  readonly objective?: ObjectiveKind;
}

/** The intent's objective type, or 'weighted' for an `objectives` mix. */
export function objectiveKind(intent: Intent): ObjectiveKind {
  return intent.spec.objectives !== undefined
    ? 'weighted'
    : (intent.spec.objective ?? 'low-latency');
}

/** Whether links the path does not cross can change the result even when they only get worse. */
const wholeTopology = (objective: ObjectiveKind | undefined): boolean =>
  objective === undefined || objective === 'weighted' || objective === 'low-bandwidth';

export interface AffectedOptions {
  /** prepareTopology(before) / (after), when the caller has them already (else built here). */
  readonly prepared?: {
    readonly before?: PreparedTopology;
    readonly after?: PreparedTopology;
  };
}

interface Change {
  /** Ends `a|b` of removed or worsened links. */
  readonly links: ReadonlySet<string>;
  readonly nodes: ReadonlySet<string>;
  /** Names of the removed links (their IGP effect matters). */
  readonly removed: readonly string[];
}

type Verdict = { kind: 'all' } | { kind: 'some'; change: Change };

const linkName = (link: TopologyLink): string => link.name ?? `${link.a}-${link.b}`;
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** True when `after` is no better than `before` for every objective and constraint. */
function linkOnlyWorse(before: TopologyLink, after: TopologyLink): boolean {
  return (
    before.a === after.a &&
    before.b === after.b &&
    before.igpMetric === after.igpMetric &&
    same(before.adjSids, after.adjSids) &&
    same(before.flexAlgos ?? [], after.flexAlgos ?? []) &&
    same(before.tags ?? [], after.tags ?? []) &&
    after.delayMs >= before.delayMs &&
    after.bandwidthMbps <= before.bandwidthMbps &&
    (after.utilization ?? 0) >= (before.utilization ?? 0) &&
    (after.lossPercent ?? 0) >= (before.lossPercent ?? 0) &&
    (after.jitterMs ?? 0) >= (before.jitterMs ?? 0)
  );
}

function classify(before: Topology, after: Topology): Verdict {
  if (
    !same(before.spec.services ?? [], after.spec.services ?? []) ||
    !same(before.spec.hosts ?? [], after.spec.hosts ?? [])
  ) {
    return { kind: 'all' };
  }
  const nodesBefore = new Map<string, TopologyNode>(before.spec.nodes.map((n) => [n.name, n]));
  const nodesAfter = new Map<string, TopologyNode>(after.spec.nodes.map((n) => [n.name, n]));
  const nodes = new Set<string>();
  for (const [name, node] of nodesAfter) {
    const old = nodesBefore.get(name);
    if (!old || !same(old, node)) return { kind: 'all' }; // new node, or SIDs/tags/prefixes changed
  }
  for (const name of nodesBefore.keys()) if (!nodesAfter.has(name)) nodes.add(name);

  const linksBefore = new Map(before.spec.links.map((l) => [linkName(l), l]));
  const linksAfter = new Map(after.spec.links.map((l) => [linkName(l), l]));
  const links = new Set<string>();
  const removed: string[] = [];
  for (const [name, link] of linksAfter) {
    const old = linksBefore.get(name);
    if (!old) return { kind: 'all' };
    if (same(old, link)) continue;
    if (!linkOnlyWorse(old, link)) return { kind: 'all' };
    links.add(`${link.a}|${link.b}`);
  }
  for (const [name, link] of linksBefore) {
    if (linksAfter.has(name)) continue;
    links.add(`${link.a}|${link.b}`);
    removed.push(name);
  }
  return { kind: 'some', change: { links, nodes, removed } };
}

/** Names of the intents to recompute after `before` → `after`, in the order of `current`. */
export function affectedIntents(
  before: Topology | undefined,
  after: Topology,
  current: readonly CurrentPath[],
  options: AffectedOptions = {},
): string[] {
  const everyIntent = (): string[] => current.map((c) => c.intent);
  if (!before) return everyIntent();
  const verdict = classify(before, after);
  if (verdict.kind === 'all') return everyIntent();
  const { links, nodes, removed: removedNames } = verdict.change;
  if (links.size === 0 && nodes.size === 0) return [];

  let effects: RemovalEffects | undefined;
  if (removedNames.length > 0) {
    let later = options.prepared?.after;
    effects = new RemovalEffects(
      options.prepared?.before ?? new PreparedTopology(before),
      () => (later ??= new PreparedTopology(after)),
      removedNames,
    );
  }

  const crosses = (path: readonly string[]): boolean =>
    path.some(
      (node, i) =>
        nodes.has(node) ||
        (i > 0 && (links.has(`${path[i - 1]}|${node}`) || links.has(`${node}|${path[i - 1]}`))),
    );
  const affected = (c: CurrentPath): boolean =>
    c.unsatisfiable ||
    wholeTopology(c.objective) ||
    c.paths.some(
      (path) =>
        crosses(path) ||
        (effects !== undefined &&
          (effects.segmentsMayChange(path) || effects.mayUseNewEdge(c.objective, path))),
    );
  return current.filter(affected).map((c) => c.intent);
}
