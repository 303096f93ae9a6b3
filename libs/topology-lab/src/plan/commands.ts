/**
 * Pure: the iproute2 arguments that install a plan's routes and SIDs — shared by the namespace
 * lab (`ip -n NS -6 route add …`) and a router container configuring itself (`ip -6 route add …`).
 */
import type { RoutePlan, SidPlan } from './lab-plan.js';

/** Routes the lab installs carry this protocol number (`ip -6 route show proto 251`). */
export const LAB_ROUTE_PROTOCOL = '251';

/** `DEST proto 251 via … dev …`, or one `nexthop via … dev …` per ECMP next hop. */
export const routeArguments = (route: RoutePlan): string[] => [
  route.destination,
  'proto',
  LAB_ROUTE_PROTOCOL,
  ...(route.nextHops.length === 1
    ? ['via', route.nextHops[0]!.via, 'dev', route.nextHops[0]!.device]
    : route.nextHops.flatMap((hop) => ['nexthop', 'via', hop.via, 'dev', hop.device])),
];

export function sidArguments(sid: SidPlan): string[] {
  const action =
    sid.action === 'End.X'
      ? ['End.X', 'nh6', sid.nextHop!]
      : sid.action === 'End.DT6'
        ? ['End.DT6', 'table', '254']
        : ['End'];
  return [`${sid.sid}/128`, 'encap', 'seg6local', 'action', ...action, 'count', 'dev', sid.device];
}
