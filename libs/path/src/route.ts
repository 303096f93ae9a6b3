/** A computed path: the nodes and links it takes and where service instances must see it. */
import type { DirectedEdge, ServiceInstance } from './graph.js';

export interface RouteStop {
  /** Index into `nodes` where the instance processes the packet. */
  readonly position: number;
  readonly service: ServiceInstance;
}

export interface Route {
  /** Node indexes, ingress first, egress last; `nodes.length === edges.length + 1`. */
  readonly nodes: readonly number[];
  /** `edges[k]` leads from `nodes[k]` to `nodes[k + 1]`. */
  readonly edges: readonly DirectedEdge[];
  /** In path order (several may share a position). */
  readonly stops: readonly RouteStop[];
}
