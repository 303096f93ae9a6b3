/** Checks of an Intent on its own (objective XOR objectives) and against a Topology. */
import { parseIpv6Prefix, prefixCovers, type Ipv6Prefix } from '@srv6/datapath/pure';
import { MAX_WAYPOINTS } from './limits.js';
import type { Intent } from './intent.dto.js';
import type { FieldError } from './result.js';
import { defaultLinkName } from './topology-checks.js';
import type { Topology } from './topology.dto.js';

export function checkIntentShape(intent: Intent): FieldError[] {
  const errors: FieldError[] = [];
  const { spec } = intent;
  const hasObjective = spec.objective !== undefined;
  const hasObjectives = spec.objectives !== undefined;
  if (hasObjective === hasObjectives) {
    errors.push({
      path: 'spec.objective',
      message: hasObjective
        ? 'set either objective or objectives, not both'
        : 'one of objective or objectives is required',
    });
  }
  const seenTypes = new Set<string>();
  spec.objectives?.forEach((objective, i) => {
    if (seenTypes.has(objective.type)) {
      errors.push({
        path: `spec.objectives[${i}].type`,
        message: `objective '${objective.type}' is listed twice`,
      });
    }
    seenTypes.add(objective.type);
  });
  const seenHosts = new Set<string>();
  spec.hosts.forEach((host, i) => {
    if (seenHosts.has(host))
      errors.push({ path: `spec.hosts[${i}]`, message: `host '${host}' is listed twice` });
    seenHosts.add(host);
  });
  const waypoints =
    (spec.constraints?.via?.length ?? 0) + (spec.constraints?.serviceChain?.length ?? 0);
  if (waypoints > MAX_WAYPOINTS) {
    errors.push({
      path: 'spec.constraints.via',
      message:
        `${waypoints} waypoints (via + serviceChain) exceed the ${MAX_WAYPOINTS} the datapath can ` +
        `encode (segments minus the final decapSid)`,
    });
  }
  return errors;
}

/** The node owning the longest prefix that covers `destination`, or undefined. */
export function egressNodeFor(topology: Topology, destination: Ipv6Prefix): string | undefined {
  let best: { node: string; length: number } | undefined;
  for (const node of topology.spec.nodes) {
    for (const text of node.prefixes ?? []) {
      const prefix = parseIpv6Prefix(text);
      if (
        prefixCovers(prefix, destination) &&
        (best === undefined || prefix.length > best.length)
      ) {
        best = { node: node.name, length: prefix.length };
      }
    }
  }
  return best?.node;
}

export function checkIntentAgainstTopology(intent: Intent, topology: Topology): FieldError[] {
  const errors: FieldError[] = [];
  const { spec } = intent;
  const constraints = spec.constraints ?? {};
  const nodes = new Set(topology.spec.nodes.map((node) => node.name));
  const links = new Set(topology.spec.links.map((link) => link.name ?? defaultLinkName(link)));
  const services = new Map(
    (topology.spec.services ?? []).map((service) => [service.name, service]),
  );
  const serviceTypes = new Set((topology.spec.services ?? []).map((service) => service.type));
  const hosts = new Set((topology.spec.hosts ?? []).map((host) => host.name));

  const requireKnown = (
    names: string[] | undefined,
    field: string,
    known: (name: string) => boolean,
    what: string,
  ): void =>
    names?.forEach((name, i) => {
      if (!known(name))
        errors.push({ path: `${field}[${i}]`, message: `unknown ${what} '${name}'` });
    });
  requireKnown(spec.hosts, 'spec.hosts', (name) => hosts.has(name), 'host');
  requireKnown(
    constraints.avoidNodes,
    'spec.constraints.avoidNodes',
    (name) => nodes.has(name),
    'node',
  );
  requireKnown(
    constraints.avoidLinks,
    'spec.constraints.avoidLinks',
    (name) => links.has(name),
    'link',
  );
  requireKnown(
    constraints.via,
    'spec.constraints.via',
    (name) => nodes.has(name) || services.has(name),
    'node or service',
  );
  requireKnown(
    constraints.serviceChain,
    'spec.constraints.serviceChain',
    (type) => serviceTypes.has(type),
    'service type',
  );

  const avoided = new Set(constraints.avoidNodes ?? []);
  constraints.via?.forEach((name, i) => {
    const node = services.get(name)?.node ?? name;
    if (avoided.has(node)) {
      errors.push({
        path: `spec.constraints.via[${i}]`,
        message:
          node === name
            ? `via '${name}' is also in avoidNodes`
            : `via '${name}' sits on node '${node}', which is in avoidNodes`,
      });
    }
  });

  const destination = parseIpv6Prefix(spec.match.destination);
  if (egressNodeFor(topology, destination) === undefined) {
    errors.push({
      path: 'spec.match.destination',
      message: `no node of the topology owns a prefix covering ${spec.match.destination}`,
    });
  }
  return errors;
}
