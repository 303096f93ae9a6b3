/**
 * The ordered stops a path must make: `via` entries (node or service-instance names) in order,
 * then one instance of each `serviceChain` type in order. Service stops put the instance's SID
 * into the segment list; node waypoints only shape the path.
 */
import type { IntentConstraints } from '@srv6/schema';
import type { ServiceInstance, TopologyGraph } from './graph.js';

export type Waypoint =
  | { readonly kind: 'node'; readonly label: string; readonly node: number }
  | {
      readonly kind: 'service';
      readonly label: string;
      /** Candidates, any one of which satisfies the stop (sorted by name). */
      readonly instances: readonly ServiceInstance[];
    };

export function resolveWaypoints(graph: TopologyGraph, constraints: IntentConstraints): Waypoint[] {
  const waypoints: Waypoint[] = [];
  for (const name of constraints.via ?? []) {
    const service = graph.serviceByName.get(name);
    const node = graph.nodeIndex.get(name);
    if (service !== undefined)
      waypoints.push({ kind: 'service', label: name, instances: [service] });
    else if (node !== undefined) waypoints.push({ kind: 'node', label: name, node });
    else throw new Error(`via '${name}' is neither a node nor a service (validate the intent)`);
  }
  for (const type of constraints.serviceChain ?? []) {
    const instances = graph.services.filter((service) => service.type === type);
    waypoints.push({ kind: 'service', label: `a ${type} instance`, instances });
  }
  return waypoints;
}
