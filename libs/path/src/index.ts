/** Path computation and SRv6 segment-list encoding (SPEC: Semantics). Pure, no I/O. */
export { computePaths, objectiveOf, type ComputeOptions, type PathResult } from './compute.js';
export {
  buildGraph,
  compareText,
  type DirectedEdge,
  type GraphLink,
  type GraphNode,
  type ServiceInstance,
  type TopologyGraph,
} from './graph.js';
export { BinaryHeap } from './binary-heap.js';
export { dijkstra, type DijkstraOptions, type ShortestPaths } from './dijkstra.js';
export { DEFAULT_MAX_TREE_BYTES, IgpOracle, type IgpOracleOptions, type IgpTree } from './igp.js';
export { prepareTopology, PreparedTopology } from './prepare.js';
export type { Route, RouteStop } from './route.js';
export { encodeSegmentList, encodeWithinLimit, type SegmentEncoding } from './segment-list.js';
export {
  routeMetrics,
  delayWeight,
  igpWeight,
  lossWeight,
  type EdgeWeight,
  lossToWeight,
  weightToLoss,
  compareFigures,
  withinLimit,
  type PathMetrics,
} from './metrics.js';
export { searchPath, type Bound, type SearchProblem, type SearchResult } from './label-search.js';
export { searchBySegments, type SegmentSearchProblem } from './segment-search.js';
export {
  selectPath,
  bestEncodable,
  type Objective,
  type PathQuery,
  type Selection,
} from './select-path.js';
export { filterStages, boundsOf, combineStages, type FilterStage } from './constraints.js';
export { resolveWaypoints, type Waypoint } from './waypoints.js';
export { unsatisfiableReason } from './diagnose.js';
export {
  affectedIntents,
  objectiveKind,
  type AffectedOptions,
  type CurrentPath,
  type ObjectiveKind,
} from './affected-intents.js';
