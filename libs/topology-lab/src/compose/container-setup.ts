/**
 * Pure: what a router or host container of the docker-compose lab runs to become its node of
 * the plan. Docker names a container's interfaces eth0, eth1… in no guaranteed order, but gives
 * each the plan's address (compose `ipv6_address`), so interfaces are found by address and the
 * plan's device names (l0-r2, h1-host-a2…) are mapped to the real ones; every route, SID, qdisc
 * and nftables rule is the plan's, with the real names.
 */
import { formatIpv6Address, parseIpv6Address } from '@srv6/datapath/pure';
import { routeArguments, sidArguments } from '../plan/commands.js';
import type { HostPlan, LabPlan, RouterPlan } from '../plan/lab-plan.js';
import { netemArguments, routerRuleset, tbfArguments } from '../plan/shaping.js';

/** An interface as `ip -j address show` lists it. */
export interface ObservedInterface {
  readonly name: string;
  readonly addresses: readonly string[];
}

/** A plan device and the address that identifies it. */
export interface ExpectedInterface {
  readonly device: string;
  readonly address: string;
}

/** One command to run; `input` goes to its standard input. */
export interface SetupCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly input?: string;
}

/**
 * Docker gives a container a default route through its own gateway on one of the networks; a
 * lab router routes only what the plan says, a lab host only through its router.
 */
const FLUSH_DEFAULT_ROUTES: SetupCommand = {
  command: 'ip',
  args: ['-6', 'route', 'flush', 'default'],
};

/** The IPv6 addresses of every interface, from the JSON of `ip -j address show`. */
export function interfacesFromIpJson(json: string): ObservedInterface[] {
  const listing = JSON.parse(json) as Array<{
    ifname: string;
    addr_info?: Array<{ family?: string; local?: string }>;
  }>;
  return listing.map((item) => ({
    name: item.ifname,
    addresses: (item.addr_info ?? [])
      .filter((address) => address.family === 'inet6' && address.local !== undefined)
      .map((address) => address.local!),
  }));
}

const canonical = (address: string): string => formatIpv6Address(parseIpv6Address(address));

/**
 * Plan device name → real interface name, found by address. Throws, naming every missing
 * address and what the container does have, when an expected address is on no interface.
 */
export function mapInterfaces(
  expected: readonly ExpectedInterface[],
  observed: readonly ObservedInterface[],
): Map<string, string> {
  const owner = new Map<string, string>();
  for (const item of observed) {
    for (const address of item.addresses) {
      const key = canonical(address);
      const other = owner.get(key);
      if (other !== undefined && other !== item.name)
        throw new Error(`address ${address} is on both ${other} and ${item.name}`);
      owner.set(key, item.name);
    }
  }
  const result = new Map<string, string>();
  const missing: string[] = [];
  const used = new Map<string, string>();
  for (const { device, address } of expected) {
    const name = owner.get(canonical(address));
    if (name === undefined) {
      missing.push(`${address} (${device})`);
      continue;
    }
    const previous = used.get(name);
    if (previous !== undefined)
      throw new Error(`interface ${name} holds the addresses of both ${previous} and ${device}`);
    used.set(name, device);
    result.set(device, name);
  }
  if (missing.length > 0) {
    const seen = observed
      .map((item) => `${item.name} [${item.addresses.join(', ') || 'no address'}]`)
      .join('; ');
    throw new Error(
      `no interface holds ${missing.join(', ')}; the container has ${seen || 'no interfaces'}`,
    );
  }
  return result;
}

export function routerPlan(plan: LabPlan, router: string): RouterPlan {
  const found = plan.routers.find((candidate) => candidate.name === router);
  if (!found)
    throw new Error(
      `'${router}' is not a node of topology ${plan.topology} (nodes: ${plan.routers.map((r) => r.name).join(', ')})`,
    );
  return found;
}

export function hostPlan(plan: LabPlan, host: string): HostPlan {
  const found = plan.hosts.find((candidate) => candidate.name === host);
  if (!found)
    throw new Error(
      `'${host}' is not a host of topology ${plan.topology} (hosts: ${plan.hosts.map((h) => h.name).join(', ') || 'none'})`,
    );
  return found;
}

export const routerInterfaces = (router: RouterPlan): ExpectedInterface[] =>
  router.interfaces.map((item) => ({ device: item.name, address: item.address }));

function real(devices: ReadonlyMap<string, string>, device: string): string {
  const name = devices.get(device);
  if (name === undefined) throw new Error(`plan device ${device} has no interface`);
  return name;
}

export interface RouterSetupOptions {
  /** netem works in this kernel: delay, jitter and loss by netem, else loss by nftables. */
  readonly netem: boolean;
}

/**
 * Everything a router container runs, in order: no default route, interface aliases (the plan's names, shown by
 * `ip link`), the tbf (and netem) qdiscs of its link ends, the IGP routes and seg6local SIDs,
 * then the nftables table with the per-host counters and random drops. Idempotent (replace).
 */
export function routerSetup(
  plan: LabPlan,
  router: string,
  devices: ReadonlyMap<string, string>,
  options: RouterSetupOptions,
): SetupCommand[] {
  const own = routerPlan(plan, router);
  const commands: SetupCommand[] = [FLUSH_DEFAULT_ROUTES];
  for (const item of own.interfaces) {
    const args = ['link', 'set', 'dev', real(devices, item.name), 'alias', item.name];
    commands.push({ command: 'ip', args });
  }
  const drops: Array<{ device: string; lossPercent: number }> = [];
  for (const link of plan.links) {
    for (const end of [link.a, link.b]) {
      if (end.node !== router) continue;
      const device = real(devices, end.device);
      const tc = (args: string[]): SetupCommand => ({
        command: 'tc',
        args: ['qdisc', 'replace', 'dev', device, ...args],
      });
      if (options.netem) {
        commands.push(tc(['root', 'handle', '1:', ...netemArguments(link)]));
        commands.push(tc(['parent', '1:1', 'handle', '10:', ...tbfArguments(link.rateMbps)]));
      } else {
        commands.push(tc(['root', ...tbfArguments(link.rateMbps)]));
        drops.push({ device, lossPercent: link.lossPercent });
      }
    }
  }
  for (const route of own.routes) {
    const nextHops = route.nextHops.map((hop) => ({ ...hop, device: real(devices, hop.device) }));
    commands.push({
      command: 'ip',
      args: ['-6', 'route', 'replace', ...routeArguments({ ...route, nextHops })],
    });
  }
  for (const sid of own.sids) {
    const device = real(devices, sid.device);
    commands.push({
      command: 'ip',
      args: ['-6', 'route', 'replace', ...sidArguments({ ...sid, device })],
    });
  }
  const ruleset = routerRuleset({
    hosts: plan.hosts.map((host) => ({ name: host.name, address: host.address })),
    drops,
  });
  // Declaring the table first makes the delete succeed on a first run: a re-run replaces it.
  const table = ruleset.slice(0, ruleset.indexOf(' {'));
  commands.push({
    command: 'nft',
    args: ['-f', '-'],
    input: `${table}\ndelete ${table}\n${ruleset}`,
  });
  return commands;
}

/**
 * What a host container runs on its uplink (the interface holding the plan's host-link
 * address): no other default route, the topology address as a /128 and the default route through its router, with that
 * address as source — as the namespace lab's hosts have them.
 */
export function hostSetup(plan: LabPlan, host: string, uplink: string): SetupCommand[] {
  const own = hostPlan(plan, host);
  return [
    FLUSH_DEFAULT_ROUTES,
    {
      command: 'ip',
      args: ['-6', 'address', 'replace', `${own.address}/128`, 'dev', uplink, 'nodad'],
    },
    {
      command: 'ip',
      args: [
        '-6',
        'route',
        'replace',
        'default',
        'via',
        own.subnet.first,
        'dev',
        uplink,
        'src',
        own.address,
      ],
    },
  ];
}
