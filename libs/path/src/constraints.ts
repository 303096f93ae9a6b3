/**
 * Hard constraints as filters. Structural ones (avoid…, flexAlgo, minBandwidthMbps,
 * encodability) prune nodes and links; additive ones (maxDelayMs, maxJitterMs, maxLossPercent)
 * become bounds of the search. Filters come as ordered stages so a failure can name the first
 * stage that leaves no path (see diagnose.ts).
 */
import type { IntentConstraints } from '@srv6/schema';
import type { DirectedEdge, TopologyGraph } from './graph.js';
import type { IgpOracle } from './igp.js';
import type { Bound } from './label-search.js';
import {
  delayWeight,
  jitterWeight,
  lossToWeight,
  lossWeight,
  weightToLoss,
  type EdgeWeight,
} from './metrics.js';

export interface NodeAndEdgeFilter {
  readonly allowNode: (node: number) => boolean;
  readonly allowEdge: (edge: DirectedEdge) => boolean;
}

export interface FilterStage extends NodeAndEdgeFilter {
  /** What the stage demands, for messages: "avoids tag untrusted". */
  readonly demand: string;
  /** Why it may fail, when that is not obvious. */
  readonly detail?: string;
}

export interface NamedBound extends Bound {
  /** "maxDelayMs 5" */
  readonly name: string;
  /** Figure of a path from its weight sum, in the constraint's unit. */
  readonly figure: (sum: number) => number;
  readonly unit: string;
}

const everyNode = (): boolean => true;
const everyEdge = (): boolean => true;
const plural = (word: string, items: readonly string[]): string =>
  `${word}${items.length > 1 ? 's' : ''} ${items.join(', ')}`;

export function filterStages(
  graph: TopologyGraph,
  igp: IgpOracle,
  constraints: IntentConstraints,
): FilterStage[] {
  const stages: FilterStage[] = [];
  const { avoidNodes, avoidLinks, avoidTags, flexAlgo, minBandwidthMbps } = constraints;
  if (avoidNodes?.length) {
    const avoided = new Set(avoidNodes);
    stages.push({
      demand: `avoids ${plural('node', avoidNodes)}`,
      allowNode: (node) => !avoided.has(graph.nodes[node]!.name),
      allowEdge: everyEdge,
    });
  }
  if (avoidLinks?.length) {
    const avoided = new Set(avoidLinks);
    stages.push({
      demand: `avoids ${plural('link', avoidLinks)}`,
      allowNode: everyNode,
      allowEdge: (edge) => !avoided.has(edge.link.name),
    });
  }
  if (avoidTags?.length) {
    const carries = (tags: ReadonlySet<string>): boolean => avoidTags.some((tag) => tags.has(tag));
    stages.push({
      demand: `avoids ${plural('tag', avoidTags)}`,
      allowNode: (node) => !carries(graph.nodes[node]!.tags),
      allowEdge: (edge) => !carries(edge.link.tags),
    });
  }
  if (flexAlgo !== undefined) {
    stages.push({
      demand: `uses only links of flex-algo ${flexAlgo}`,
      allowNode: everyNode,
      allowEdge: (edge) => edge.link.flexAlgos.has(flexAlgo),
    });
  }
  if (minBandwidthMbps !== undefined) {
    stages.push({
      demand: `has at least ${minBandwidthMbps} Mbps on every link`,
      detail: `minBandwidthMbps ${minBandwidthMbps}`,
      allowNode: everyNode,
      allowEdge: (edge) => edge.link.bandwidthMbps >= minBandwidthMbps,
    });
  }
  stages.push({
    demand: 'can be encoded as a segment list',
    detail:
      'every link must be the only IGP shortest path between its ends or have an adjacency ' +
      'SID owned by the node it leaves',
    allowNode: everyNode,
    allowEdge: (edge) => igp.encodable(edge),
  });
  return stages;
}

/** Conjunction of stages. */
export function combineStages(stages: readonly FilterStage[]): NodeAndEdgeFilter {
  return {
    allowNode: (node) => stages.every((stage) => stage.allowNode(node)),
    allowEdge: (edge) => stages.every((stage) => stage.allowEdge(edge)),
  };
}

export function boundsOf(constraints: IntentConstraints): NamedBound[] {
  const bounds: NamedBound[] = [];
  const add = (
    name: string,
    weight: EdgeWeight,
    limit: number,
    figure: (sum: number) => number,
    unit: string,
  ): void => {
    bounds.push({ name, weight, limit, figure, unit });
  };
  const same = (sum: number): number => sum;
  if (constraints.maxDelayMs !== undefined)
    add(`maxDelayMs ${constraints.maxDelayMs}`, delayWeight, constraints.maxDelayMs, same, 'ms');
  if (constraints.maxJitterMs !== undefined)
    add(
      `maxJitterMs ${constraints.maxJitterMs}`,
      jitterWeight,
      constraints.maxJitterMs,
      same,
      'ms',
    );
  if (constraints.maxLossPercent !== undefined)
    add(
      `maxLossPercent ${constraints.maxLossPercent}`,
      lossWeight,
      lossToWeight(constraints.maxLossPercent),
      weightToLoss,
      '%',
    );
  return bounds;
}
