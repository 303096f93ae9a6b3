/** Cross-field checks of a structurally valid Topology (names, references, SIDs, prefixes). */
import {
  formatIpv6Address,
  formatIpv6Prefix,
  parseIpv6Address,
  parseIpv6Prefix,
} from '@srv6/datapath/pure';
import { ipv6AddressProblem } from './field-validators.js';
import { joinPath, type FieldError } from './result.js';
import type { Topology } from './topology.dto.js';

/** Name a link gets when it has none: "<a>-<b>". */
export function defaultLinkName(link: { a: string; b: string }): string {
  return `${link.a}-${link.b}`;
}

/** Reports every name that was already used, at the path of the later use. */
function checkUnique(
  entries: Array<{ name: string; path: string }>,
  what: string,
  errors: FieldError[],
): void {
  const first = new Map<string, string>();
  for (const { name, path } of entries) {
    const earlier = first.get(name);
    if (earlier === undefined) first.set(name, path);
    else
      errors.push({ path, message: `duplicate ${what} name '${name}' (first used at ${earlier})` });
  }
}

const canonicalAddress = (text: string): string => formatIpv6Address(parseIpv6Address(text));

export function checkTopology(topology: Topology): FieldError[] {
  const errors: FieldError[] = [];
  const { nodes, links, services = [], hosts = [] } = topology.spec;
  const nodeNames = new Set(nodes.map((node) => node.name));
  const requireNode = (name: string, path: string, role: string): void => {
    if (!nodeNames.has(name))
      errors.push({ path, message: `${role} '${name}' is not a node of the topology` });
  };

  checkUnique(
    nodes.map((node, i) => ({ name: node.name, path: `spec.nodes[${i}].name` })),
    'node',
    errors,
  );
  checkUnique(
    links.map((link, i) => ({
      name: link.name ?? defaultLinkName(link),
      path: `spec.links[${i}].name`,
    })),
    'link',
    errors,
  );
  checkUnique(
    services.map((s, i) => ({ name: s.name, path: `spec.services[${i}].name` })),
    'service',
    errors,
  );
  checkUnique(
    hosts.map((host, i) => ({ name: host.name, path: `spec.hosts[${i}].name` })),
    'host',
    errors,
  );

  // Every SID identifies one behaviour at one node: a SID used twice makes a segment ambiguous.
  const sids: Array<{ sid: string; path: string }> = [];
  const prefixOwners = new Map<string, string>();
  nodes.forEach((node, i) => {
    const path = `spec.nodes[${i}]`;
    sids.push({ sid: node.sid, path: `${path}.sid` });
    if (node.decapSid !== undefined) sids.push({ sid: node.decapSid, path: `${path}.decapSid` });
    if ((node.prefixes?.length ?? 0) > 0 && node.decapSid === undefined) {
      errors.push({
        path: `${path}.decapSid`,
        message: `node '${node.name}' owns prefixes and needs a decapSid`,
      });
    }
    node.prefixes?.forEach((prefix, p) => {
      const key = formatIpv6Prefix(parseIpv6Prefix(prefix));
      const owner = prefixOwners.get(key);
      if (owner !== undefined && owner !== node.name) {
        errors.push({
          path: `${path}.prefixes[${p}]`,
          message: `prefix ${key} is already owned by node '${owner}' (egress would be ambiguous)`,
        });
      } else prefixOwners.set(key, node.name);
    });
  });

  links.forEach((link, i) => {
    const path = `spec.links[${i}]`;
    requireNode(link.a, `${path}.a`, 'link endpoint');
    requireNode(link.b, `${path}.b`, 'link endpoint');
    if (link.a === link.b)
      errors.push({ path: `${path}.b`, message: `link connects node '${link.a}' to itself` });
    for (const [owner, sid] of Object.entries(link.adjSids ?? {})) {
      const sidPath = joinPath(`${path}.adjSids`, owner);
      if (owner !== link.a && owner !== link.b) {
        errors.push({
          path: sidPath,
          message: `'${owner}' is not an endpoint of link ${link.a}-${link.b}`,
        });
      }
      const problem = ipv6AddressProblem(sid);
      if (problem !== null) errors.push({ path: sidPath, message: problem });
      else sids.push({ sid, path: sidPath });
    }
  });

  services.forEach((service, i) => {
    requireNode(service.node, `spec.services[${i}].node`, 'service node');
    sids.push({ sid: service.sid, path: `spec.services[${i}].sid` });
  });
  hosts.forEach((host, i) =>
    requireNode(host.attachedTo, `spec.hosts[${i}].attachedTo`, 'attachedTo'),
  );

  const sidUse = new Map<string, string>();
  for (const { sid, path } of sids) {
    const key = canonicalAddress(sid);
    const earlier = sidUse.get(key);
    if (earlier === undefined) sidUse.set(key, path);
    else errors.push({ path, message: `SID ${key} is already used at ${earlier}` });
  }
  return errors;
}
