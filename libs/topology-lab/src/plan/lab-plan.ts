/**
 * Pure: a topology turned into what the lab builds — every node a Linux SRv6 router, every link
 * a shaped point-to-point link, every host a namespace on its router — and the static routes an
 * IGP would install (shortest paths by igpMetric, ECMP where they tie).
 *
 * SIDs: the node SID is seg6local End, each adjacency SID End.X towards the link's far end, the
 * decapSid End.DT6 (main table), a service instance's SID End on its node (the instance sees
 * the packet; its counter says so). Every SID is routed as a /128 from every other router, every
 * prefix from its owner, and a host address outside its router's prefixes as a /128.
 */
import { parseIpv6Address, parseIpv6Prefix, prefixCovers } from '@srv6/datapath/pure';
import type { Topology } from '@srv6/schema';
import { HOST_UPLINK, hostSubnet, interfaceName, linkSubnet, type Subnet } from './addressing.js';
import { igpNextHops } from './igp-routes.js';
import type { LinkShape } from './shaping.js';

export type SidAction = 'End' | 'End.X' | 'End.DT6';

export interface SidPlan {
  readonly sid: string;
  readonly action: SidAction;
  /** What the SID stands for: "node", "decap", "adjacency r3-r6", "service fw1". */
  readonly role: string;
  readonly device: string;
  /** End.X: the next hop on the adjacency. */
  readonly nextHop?: string;
}

export interface NextHopPlan {
  readonly via: string;
  readonly device: string;
}

export interface RoutePlan {
  readonly destination: string;
  /** Several entries = ECMP. */
  readonly nextHops: readonly NextHopPlan[];
}

export interface InterfacePlan {
  readonly name: string;
  readonly address: string;
  readonly prefixLength: 64;
}

export interface RouterPlan {
  readonly name: string;
  readonly interfaces: readonly InterfacePlan[];
  readonly sids: readonly SidPlan[];
  readonly routes: readonly RoutePlan[];
}

export interface LinkEndPlan {
  readonly node: string;
  readonly device: string;
  readonly address: string;
}

export interface LinkPlan extends LinkShape {
  readonly name: string;
  readonly index: number;
  readonly subnet: Subnet;
  readonly a: LinkEndPlan;
  readonly b: LinkEndPlan;
  readonly up: boolean;
}

export interface HostPlan {
  readonly name: string;
  readonly index: number;
  readonly router: string;
  readonly address: string;
  readonly uplink: typeof HOST_UPLINK;
  readonly subnet: Subnet;
  /** The router's end of the host link. */
  readonly routerDevice: string;
}

export interface LabPlan {
  readonly topology: string;
  readonly routers: readonly RouterPlan[];
  readonly links: readonly LinkPlan[];
  readonly hosts: readonly HostPlan[];
}

export interface PlanOptions {
  /** Links (by name) that are down: kept in the lab, left out of the IGP. */
  readonly downLinks?: ReadonlySet<string>;
}

function planLinks(topology: Topology, down: ReadonlySet<string>): LinkPlan[] {
  return topology.spec.links.map((link, index) => {
    const subnet = linkSubnet(index);
    const name = link.name ?? `${link.a}-${link.b}`;
    return {
      name,
      index,
      subnet,
      a: { node: link.a, device: interfaceName('l', index, link.b), address: subnet.first },
      b: { node: link.b, device: interfaceName('l', index, link.a), address: subnet.second },
      rateMbps: link.bandwidthMbps,
      delayMs: link.delayMs,
      jitterMs: link.jitterMs ?? 0,
      lossPercent: link.lossPercent ?? 0,
      up: !down.has(name),
    };
  });
}

function planHosts(topology: Topology): HostPlan[] {
  return (topology.spec.hosts ?? []).map((host, index) => ({
    name: host.name,
    index,
    router: host.attachedTo,
    address: host.address,
    uplink: HOST_UPLINK,
    subnet: hostSubnet(index),
    routerDevice: interfaceName('h', index, host.name),
  }));
}

/** Destinations each node originates: its SIDs, its prefixes, hosts outside those prefixes. */
function originated(topology: Topology, hosts: readonly HostPlan[]): Map<string, string[]> {
  const result = new Map<string, string[]>(topology.spec.nodes.map((node) => [node.name, []]));
  for (const node of topology.spec.nodes) {
    const list = result.get(node.name)!;
    list.push(`${node.sid}/128`);
    if (node.decapSid) list.push(`${node.decapSid}/128`);
    list.push(...(node.prefixes ?? []));
  }
  for (const link of topology.spec.links) {
    for (const [owner, sid] of Object.entries(link.adjSids ?? {}))
      result.get(owner)?.push(`${sid}/128`);
  }
  for (const service of topology.spec.services ?? [])
    result.get(service.node)?.push(`${service.sid}/128`);
  for (const host of hosts) {
    const prefixes = topology.spec.nodes.find((node) => node.name === host.router)?.prefixes ?? [];
    const address = { address: parseIpv6Address(host.address), length: 128 };
    if (!prefixes.some((prefix) => prefixCovers(parseIpv6Prefix(prefix), address)))
      result.get(host.router)?.push(`${host.address}/128`);
  }
  return result;
}

function endOf(link: LinkPlan, node: string): { own: LinkEndPlan; far: LinkEndPlan } {
  return link.a.node === node ? { own: link.a, far: link.b } : { own: link.b, far: link.a };
}

function planSids(
  topology: Topology,
  node: Topology['spec']['nodes'][number],
  links: readonly LinkPlan[],
  anyDevice: string,
): SidPlan[] {
  const sids: SidPlan[] = [{ sid: node.sid, action: 'End', role: 'node', device: anyDevice }];
  if (node.decapSid)
    sids.push({ sid: node.decapSid, action: 'End.DT6', role: 'decap', device: anyDevice });
  for (const link of links) {
    const sid = topology.spec.links[link.index]!.adjSids?.[node.name];
    if (!sid) continue;
    const { own, far } = endOf(link, node.name);
    const role = `adjacency ${link.name}`;
    sids.push({ sid, action: 'End.X', role, device: own.device, nextHop: far.address });
  }
  for (const service of topology.spec.services ?? []) {
    if (service.node === node.name)
      sids.push({
        sid: service.sid,
        action: 'End',
        role: `service ${service.name}`,
        device: anyDevice,
      });
  }
  return sids;
}

export function planLab(topology: Topology, options: PlanOptions = {}): LabPlan {
  const links = planLinks(topology, options.downLinks ?? new Set());
  const hosts = planHosts(topology);
  const nodes = topology.spec.nodes.map((node) => node.name);
  const hops = igpNextHops(
    nodes,
    links
      .filter((link) => link.up)
      .map((link) => ({
        index: link.index,
        a: link.a.node,
        b: link.b.node,
        metric: topology.spec.links[link.index]!.igpMetric,
      })),
  );
  const destinations = originated(topology, hosts);

  const routers = topology.spec.nodes.map((node): RouterPlan => {
    const ownLinks = links.filter((link) => link.a.node === node.name || link.b.node === node.name);
    const ownHosts = hosts.filter((host) => host.router === node.name);
    const interfaces: InterfacePlan[] = [
      ...ownLinks.map((link) => {
        const { own } = endOf(link, node.name);
        return { name: own.device, address: own.address, prefixLength: 64 as const };
      }),
      ...ownHosts.map((host) => ({
        name: host.routerDevice,
        address: host.subnet.first,
        prefixLength: 64 as const,
      })),
    ];
    const routes: RoutePlan[] = ownHosts.map((host) => ({
      destination: `${host.address}/128`,
      nextHops: [{ via: host.subnet.second, device: host.routerDevice }],
    }));
    for (const [target, list] of destinations) {
      const linkIndexes = hops.get(node.name)?.get(target);
      if (target === node.name || !linkIndexes || linkIndexes.length === 0) continue;
      const nextHops = linkIndexes.map((index) => {
        const { own, far } = endOf(links[index]!, node.name);
        return { via: far.address, device: own.device };
      });
      for (const destination of list) routes.push({ destination, nextHops });
    }
    return {
      name: node.name,
      interfaces,
      sids: planSids(topology, node, ownLinks, interfaces[0]?.name ?? 'lo'),
      routes,
    };
  });
  return { topology: topology.metadata.name, routers, links, hosts };
}
