/**
 * Pure: what an IGP would install — for every router and every destination node, the next hops
 * on all shortest paths by `igpMetric` (equal-cost paths give several next hops, ECMP).
 */
export interface IgpLink {
  readonly index: number;
  readonly a: string;
  readonly b: string;
  readonly metric: number;
}

/** Next hops of `from` towards `to`: the links (by index) whose far end is on a shortest path. */
export type NextHops = ReadonlyMap<string, ReadonlyMap<string, readonly number[]>>;

/** Distances from `target` over undirected links (Dijkstra; the lab's graphs are small). */
function distancesTo(target: string, nodes: readonly string[], links: readonly IgpLink[]) {
  const distance = new Map<string, number>(nodes.map((node) => [node, Infinity]));
  distance.set(target, 0);
  const done = new Set<string>();
  for (;;) {
    let current: string | undefined;
    for (const [node, value] of distance) {
      if (!done.has(node) && value < Infinity && (!current || value < distance.get(current)!))
        current = node;
    }
    if (!current) return distance;
    done.add(current);
    for (const link of links) {
      const other = link.a === current ? link.b : link.b === current ? link.a : undefined;
      if (!other || done.has(other)) continue;
      const through = distance.get(current)! + link.metric;
      if (through < distance.get(other)!) distance.set(other, through);
    }
  }
}

/** `result.get(from).get(to)` = indexes of the links to forward on, sorted; absent = unreachable. */
export function igpNextHops(nodes: readonly string[], links: readonly IgpLink[]): NextHops {
  const result = new Map<string, Map<string, number[]>>(nodes.map((node) => [node, new Map()]));
  for (const target of nodes) {
    const distance = distancesTo(target, nodes, links);
    for (const from of nodes) {
      const own = distance.get(from)!;
      if (from === target || own === Infinity) continue;
      const hops = links
        .filter((link) => {
          const other = link.a === from ? link.b : link.b === from ? link.a : undefined;
          return other !== undefined && link.metric + distance.get(other)! === own;
        })
        .map((link) => link.index)
        .sort((x, y) => x - y);
      result.get(from)!.set(target, hops);
    }
  }
  return result;
}
