/**
 * Pure: which intents a topology change can affect, so path-svc recomputes only those.
 *
 * A change that only removes or worsens links/nodes cannot make any other path better, so only
 * intents whose current path crosses a removed or worsened element need a new path (and
 * unsatisfiable intents stay unsatisfiable). Anything else — a link added or improved, an IGP
 * metric changed (it moves every segment-list expansion), SIDs, services, hosts or prefixes
 * changed — may change any intent's optimum or encoding: all intents are recomputed.
 *
 * Known trade-off: after a removal, the segment list of an intent that does not cross the
 * removed element stays correct (its legs' IGP shortest paths did not use it, and a removal
 * cannot create new ties) but may be one segment longer than minimal if the removed link was
 * what forced a pinning segment; the next full recompute shortens it.
 */
import type { Topology, TopologyLink, TopologyNode } from '@srv6/schema';

export interface CurrentPath {
  readonly intent: string;
  /** Nodes of the path, in order (one entry per host of the intent). */
  readonly paths: ReadonlyArray<readonly string[]>;
  readonly unsatisfiable: boolean;
}

type Verdict = { kind: 'all' } | { kind: 'some'; links: Set<string>; nodes: Set<string> };

const linkName = (link: TopologyLink): string => link.name ?? `${link.a}-${link.b}`;

/** True when `after` is no better than `before` for every objective and constraint. */
function linkOnlyWorse(before: TopologyLink, after: TopologyLink): boolean {
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
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
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
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
  for (const [name, link] of linksAfter) {
    const old = linksBefore.get(name);
    if (!old) return { kind: 'all' };
    if (same(old, link)) continue;
    if (!linkOnlyWorse(old, link)) return { kind: 'all' };
    links.add(`${link.a}|${link.b}`);
  }
  for (const [name, link] of linksBefore) {
    if (!linksAfter.has(name)) links.add(`${link.a}|${link.b}`);
  }
  return { kind: 'some', links, nodes };
}

/** Names of the intents to recompute after `before` → `after`. */
export function affectedIntents(
  before: Topology | undefined,
  after: Topology,
  current: readonly CurrentPath[],
): string[] {
  if (!before) return current.map((c) => c.intent);
  const verdict = classify(before, after);
  if (verdict.kind === 'all') return current.map((c) => c.intent);
  const crosses = (path: readonly string[]): boolean =>
    path.some(
      (node, i) =>
        verdict.nodes.has(node) ||
        (i > 0 &&
          (verdict.links.has(`${path[i - 1]}|${node}`) ||
            verdict.links.has(`${node}|${path[i - 1]}`))),
    );
  return current.filter((c) => !c.unsatisfiable && c.paths.some(crosses)).map((c) => c.intent);
}
