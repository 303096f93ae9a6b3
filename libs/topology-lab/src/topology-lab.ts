/**
 * A lab built from a topology: routers and hosts as network namespaces (NetnsLab), links as
 * shaped veth pairs, the plan's IGP routes and seg6local SIDs, per-router packet counters.
 * Links can go down and up; the routes follow as an IGP would.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandError, ip, NetnsLab, run } from '@srv6/netlab';
import type { Topology } from '@srv6/schema';
import {
  counterName,
  FILTER_TABLE,
  netemArguments,
  planLab,
  routerRuleset,
  tbfArguments,
  LAB_ROUTE_PROTOCOL,
  routeArguments,
  sidArguments,
  type LabPlan,
  type LinkPlan,
} from './pure.js';

export const LAB_MTU = 1500;

export interface LabBuildOptions {
  /** Prefix of every namespace name (a random suffix is added). */
  readonly tag?: string;
  readonly progress?: (line: string) => void;
}

/** What the lab did to emulate each link figure, for its output. */
export interface ShapingReport {
  readonly netem: boolean;
  readonly lines: readonly string[];
}

export class TopologyLab {
  private constructor(
    readonly netns: NetnsLab,
    private currentPlan: LabPlan,
    readonly topology: Topology,
    readonly shaping: ShapingReport,
  ) {}

  get plan(): LabPlan {
    return this.currentPlan;
  }

  /** Namespace of a router or host. */
  ns(node: string): string {
    return this.netns.ns(node);
  }

  static async build(topology: Topology, options: LabBuildOptions = {}): Promise<TopologyLab> {
    const progress = options.progress ?? (() => undefined);
    const netns = new NetnsLab(options.tag ?? 's6lab');
    try {
      const plan = planLab(topology);
      progress(
        `namespaces ${netns.prefix}-*: ${plan.routers.length} routers, ${plan.hosts.length} hosts`,
      );
      for (const router of plan.routers) netns.addNode(router.name, { router: true });
      for (const host of plan.hosts) netns.addNode(host.name);

      progress(`links: ${plan.links.length} router links, ${plan.hosts.length} host links`);
      for (const link of plan.links) {
        netns.addLink(link.a.node, link.a.device, link.b.node, link.b.device, { mtu: LAB_MTU });
        netns.addAddress(link.a.node, link.a.device, `${link.a.address}/64`);
        netns.addAddress(link.b.node, link.b.device, `${link.b.address}/64`);
      }
      for (const host of plan.hosts) {
        netns.addLink(host.name, host.uplink, host.router, host.routerDevice, { mtu: LAB_MTU });
        netns.addAddress(host.router, host.routerDevice, `${host.subnet.first}/64`);
        netns.addAddress(host.name, host.uplink, `${host.subnet.second}/64`);
        netns.addAddress(host.name, host.uplink, `${host.address}/128`);
        netns.addRoute(host.name, ['default', 'via', host.subnet.first, 'src', host.address]);
      }

      const shaping = shapeLinks(netns, plan);
      for (const line of shaping.lines) progress(`shaping: ${line}`);

      progress('routers: IGP routes (shortest igpMetric, ECMP), seg6local SIDs, counters');
      for (const router of plan.routers) {
        for (const route of router.routes) {
          netns.addRoute(router.name, routeArguments(route));
        }
        for (const sid of router.sids) netns.addRoute(router.name, sidArguments(sid));
        loadRuleset(netns, router.name, plan, shaping.netem);
      }
      return new TopologyLab(netns, plan, topology, shaping);
    } catch (error) {
      await netns.destroy();
      throw error;
    }
  }

  /**
   * Takes links down or up (both ends), then moves the IGP routes as the routers' IGP would.
   * Returns the number of routes changed.
   */
  setDownLinks(down: ReadonlySet<string>): number {
    const before = this.currentPlan;
    const after = planLab(this.topology, { downLinks: down });
    for (const link of after.links) {
      const was = before.links[link.index]!;
      if (was.up === link.up) continue;
      for (const end of [link.a, link.b])
        ip(['link', 'set', end.device, link.up ? 'up' : 'down'], this.ns(end.node));
    }
    let changed = 0;
    for (const router of after.routers) {
      const old = new Map(
        before.routers
          .find((r) => r.name === router.name)!
          .routes.map((route) => [route.destination, JSON.stringify(route.nextHops)]),
      );
      for (const route of router.routes) {
        if (old.get(route.destination) === JSON.stringify(route.nextHops)) {
          old.delete(route.destination);
          continue;
        }
        old.delete(route.destination);
        ip(['-6', 'route', 'replace', ...routeArguments(route)], this.ns(router.name));
        changed++;
      }
      for (const destination of old.keys()) {
        ip(['-6', 'route', 'del', destination, 'proto', LAB_ROUTE_PROTOCOL], this.ns(router.name));
        changed++;
      }
    }
    this.currentPlan = after;
    return changed;
  }

  /** Packets each router has seen from each host (outer source address), by router, by host. */
  packetsSeen(): Map<string, Map<string, number>> {
    const result = new Map<string, Map<string, number>>();
    for (const router of this.currentPlan.routers) {
      const listing = JSON.parse(
        run('ip', ['netns', 'exec', this.ns(router.name), 'nft', '-j', 'list', 'counters']),
      ) as { nftables: Array<{ counter?: { name: string; table: string; packets: number } }> };
      const perHost = new Map<string, number>();
      for (const host of this.currentPlan.hosts) perHost.set(host.name, 0);
      for (const item of listing.nftables) {
        const counter = item.counter;
        if (!counter || counter.table !== FILTER_TABLE) continue;
        const host = this.currentPlan.hosts.find((h) => counterName(h.name) === counter.name);
        if (host) perHost.set(host.name, counter.packets);
      }
      result.set(router.name, perHost);
    }
    return result;
  }

  /** Packets each SID's seg6local behaviour processed (its `count` statistics). */
  sidPackets(): Map<string, number> {
    const result = new Map<string, number>();
    for (const router of this.currentPlan.routers) {
      const routes = JSON.parse(
        ip(['-6', '-j', '-s', 'route', 'show'], this.ns(router.name)),
      ) as Array<{ dst: string; encap?: string; stats64?: { packets: number } }>;
      for (const route of routes) {
        if (route.encap === 'seg6local') result.set(route.dst, route.stats64?.packets ?? 0);
      }
    }
    return result;
  }

  async destroy(): Promise<void> {
    await this.netns.destroy();
  }
}

function loadRuleset(netns: NetnsLab, router: string, plan: LabPlan, netem: boolean): void {
  const drops = netem
    ? []
    : plan.links.flatMap((link) =>
        [link.a, link.b]
          .filter((end) => end.node === router)
          .map((end) => ({ device: end.device, lossPercent: link.lossPercent })),
      );
  const ruleset = routerRuleset({
    hosts: plan.hosts.map((host) => ({ name: host.name, address: host.address })),
    drops,
  });
  const directory = mkdtempSync(join(tmpdir(), 'srv6-lab-nft-'));
  try {
    const file = join(directory, `${router}.nft`);
    writeFileSync(file, ruleset);
    netns.exec(router, 'nft', ['-f', file]);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** netem present? Tried once on the first link end; this machine's kernel has none (FACTS). */
function netemWorks(netns: NetnsLab, link: LinkPlan): boolean {
  try {
    run('tc', ['-n', netns.ns(link.a.node), 'qdisc', 'add', 'dev', link.a.device, 'root', 'netem']);
    run('tc', ['-n', netns.ns(link.a.node), 'qdisc', 'del', 'dev', link.a.device, 'root']);
    return true;
  } catch (error) {
    if (error instanceof CommandError) return false;
    throw error;
  }
}

function shapeLinks(netns: NetnsLab, plan: LabPlan): ShapingReport {
  const first = plan.links[0];
  const netem = first ? netemWorks(netns, first) : false;
  let lossy = 0;
  let delayed = 0;
  for (const link of plan.links) {
    if (link.lossPercent > 0) lossy++;
    if (link.delayMs > 0 || link.jitterMs > 0) delayed++;
    for (const end of [link.a, link.b]) {
      const tc = (args: string[]): string =>
        run('tc', ['-n', netns.ns(end.node), 'qdisc', 'add', 'dev', end.device, ...args]);
      if (netem) {
        tc(['root', 'handle', '1:', ...netemArguments(link)]);
        tc(['parent', '1:1', 'handle', '10:', ...tbfArguments(link.rateMbps)]);
      } else {
        tc(['root', ...tbfArguments(link.rateMbps)]);
      }
    }
  }
  const ends = plan.links.length * 2;
  const lines = [`bandwidthMbps → tbf rate limit on all ${ends} link ends (both directions)`];
  if (netem) {
    lines.push(`delayMs/jitterMs/lossPercent → netem on ${ends} link ends`);
  } else {
    lines.push(
      `lossPercent → nftables random drop (numgen) on the sending end of ${lossy} lossy links`,
      `delayMs/jitterMs → NOT emulated on ${delayed} links: this kernel has no netem (RTTs are the lab's own)`,
    );
  }
  return { netem, lines };
}
