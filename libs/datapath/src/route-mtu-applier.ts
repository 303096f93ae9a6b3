/**
 * Installs the routes computed by routeMtus() in the host's routing table (the side effect of
 * the MTU mechanism, see route-mtu.ts). Each route copies the next hop the host already uses for
 * that destination and adds `mtu N`; routes are tagged `proto 250` so they are found and removed
 * again without touching anyone else's routes.
 */
import { spawnSync } from 'node:child_process';
import { RouteMtu } from './route-mtu.js';

export const SRV6_ROUTE_PROTOCOL = '250';

function ip(args: readonly string[], netns?: string, input?: string): string {
  const full = netns ? ['-n', netns, ...args] : [...args];
  const result = spawnSync('ip', full, { encoding: 'utf8', ...(input ? { input } : {}) });
  if (result.status !== 0) {
    throw new Error(
      `'ip ${full.join(' ')}' failed: ${(result.stderr || result.error?.message || '').trim()}`,
    );
  }
  return result.stdout;
}

/** Several `ip -6` commands in one process (`ip -batch`); the first that fails stops it. */
function ipBatch(commands: readonly string[], netns?: string, json = false): string {
  return ip([...(json ? ['-j'] : []), '-6', '-batch', '-'], netns, commands.join('\n') + '\n');
}

interface RouteGet {
  gateway?: string;
  dev: string;
}

interface RouteShow {
  dst: string;
  metrics?: Array<{ mtu?: number }>;
}

/** The routes this project installed, by destination, with their MTU. */
export function installedRouteMtus(netns?: string): Map<string, number> {
  const routes = JSON.parse(
    ip(['-j', '-6', 'route', 'show', 'proto', SRV6_ROUTE_PROTOCOL], netns) || '[]',
  ) as RouteShow[];
  return new Map(
    routes.map((route) => [
      route.dst.includes('/') ? route.dst : `${route.dst}/128`,
      route.metrics?.find((metric) => metric.mtu !== undefined)?.mtu ?? 0,
    ]),
  );
}

/**
 * Makes the host's steered-prefix routes exactly `wanted`: adds or updates the missing ones,
 * deletes ours that are no longer wanted. Returns how many routes changed.
 */
export function applyRouteMtus(wanted: readonly RouteMtu[], netns?: string): number {
  const installed = installedRouteMtus(netns);
  const changed = wanted.filter(({ destination, mtu }) => installed.get(destination) !== mtu);
  const hops = nextHops(
    changed.map(({ destination }) => destination),
    netns,
  );
  const commands: string[] = [];
  changed.forEach(({ destination, mtu }, i) => {
    const next = hops[i]!;
    if (installed.has(destination))
      commands.push(`route del ${destination} proto ${SRV6_ROUTE_PROTOCOL}`);
    const via = next.gateway ? ` via ${next.gateway}` : '';
    commands.push(
      `route replace ${destination}${via} dev ${next.dev} mtu ${mtu} proto ${SRV6_ROUTE_PROTOCOL}`,
    );
  });
  const keep = new Set(wanted.map((route) => route.destination));
  const stale = [...installed.keys()].filter((destination) => !keep.has(destination));
  for (const destination of stale)
    commands.push(`route del ${destination} proto ${SRV6_ROUTE_PROTOCOL}`);
  // One process for all changes (a reconcile after a bulk apply changes thousands).
  if (commands.length > 0) ipBatch(commands, netns);
  return changed.length + stale.length;
}

/**
 * The route the host uses now towards each destination's address (`ip route get`), in one
 * process. If one has no route the batch stops: the destinations are then asked one by one, so
 * the error names the destination.
 */
function nextHops(destinations: readonly string[], netns?: string): RouteGet[] {
  if (destinations.length === 0) return [];
  const address = (destination: string) => destination.split('/')[0]!;
  const parse = (output: string): RouteGet[] =>
    output
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => (JSON.parse(line) as RouteGet[])[0]!);
  let answers: RouteGet[] | undefined;
  try {
    answers = parse(
      ipBatch(
        destinations.map((d) => `route get ${address(d)}`),
        netns,
        true,
      ),
    );
  } catch {
    answers = undefined;
  }
  if (answers?.length === destinations.length && answers.every(Boolean)) return answers;
  return destinations.map((destination) => {
    let answer: RouteGet[];
    try {
      answer = JSON.parse(
        ip(['-j', '-6', 'route', 'get', address(destination)], netns),
      ) as RouteGet[];
    } catch (error) {
      throw new Error(
        `no route to ${destination} on this host: add a default route first (${(error as Error).message})`,
      );
    }
    if (!answer[0])
      throw new Error(`no route to ${destination} on this host: add a default route first`);
    return answer[0];
  });
}
