/**
 * Installs the routes computed by routeMtus() in the host's routing table (the side effect of
 * the MTU mechanism, see route-mtu.ts). Each route copies the next hop the host already uses for
 * that destination and adds `mtu N`; routes are tagged `proto 250` so they are found and removed
 * again without touching anyone else's routes.
 */
import { spawnSync } from 'node:child_process';
import { RouteMtu } from './route-mtu.js';

export const SRV6_ROUTE_PROTOCOL = '250';

function ip(args: readonly string[], netns?: string): string {
  const full = netns ? ['-n', netns, ...args] : [...args];
  const result = spawnSync('ip', full, { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(
      `'ip ${full.join(' ')}' failed: ${(result.stderr || result.error?.message || '').trim()}`,
    );
  }
  return result.stdout;
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
  let changes = 0;
  for (const { destination, mtu } of wanted) {
    if (installed.get(destination) === mtu) continue;
    const address = destination.split('/')[0]!;
    if (installed.has(destination))
      ip(['-6', 'route', 'del', destination, 'proto', SRV6_ROUTE_PROTOCOL], netns);
    const [next] = JSON.parse(ip(['-j', '-6', 'route', 'get', address], netns)) as RouteGet[];
    if (!next)
      throw new Error(`no route to ${destination} on this host: add a default route first`);
    const via = next.gateway ? ['via', next.gateway] : [];
    ip(
      [
        '-6',
        'route',
        'replace',
        destination,
        ...via,
        'dev',
        next.dev,
        'mtu',
        String(mtu),
        'proto',
        SRV6_ROUTE_PROTOCOL,
      ],
      netns,
    );
    changes++;
  }
  const keep = new Set(wanted.map((route) => route.destination));
  for (const destination of installed.keys()) {
    if (!keep.has(destination)) {
      ip(['-6', 'route', 'del', destination, 'proto', SRV6_ROUTE_PROTOCOL], netns);
      changes++;
    }
  }
  return changes;
}
