/**
 * Compiles one host's policies into the contents of the srv6_prefixes map: per destination
 * prefix, a rule set that already encodes the SPEC's precedence, so the kernel finds the
 * longest matching prefix and does one binary search.
 *
 * Precedence between rules that match a packet: longest destination prefix, then a specific port
 * beats a range beats all ports, then tcp/udp beats any, then the earlier policy in input order.
 * Rules of shorter covering prefixes are merged into every longer prefix's rule set, so a /64
 * rule that only claims tcp/5201 does not hide a /48 rule for the rest of the traffic.
 */
import { DatapathPolicy } from './policy.js';
import { Ipv6Prefix, formatIpv6Prefix, maskAddress, parseIpv6Prefix } from './ipv6-address.js';
import { MAX_PORT_INTERVALS, NO_POLICY } from './datapath-limits.js';
import { PORT_CLASSES, PortInterval, ProtocolClass, RuleSet } from './map-codec.js';

export interface SlottedPolicy {
  readonly policy: DatapathPolicy;
  readonly slot: number;
}

export interface CompiledPrefix {
  readonly prefix: Ipv6Prefix;
  readonly ruleSet: RuleSet;
}

export interface PolicyProblem {
  readonly policyId: string;
  readonly reason: string;
}

export interface CompiledRuleSets {
  /** Keyed by the prefix's text form (`2001:db8:b::/64`). */
  readonly prefixes: ReadonlyMap<string, CompiledPrefix>;
  /** Policies left out because the datapath cannot hold them (the rest is compiled). */
  readonly rejected: readonly PolicyProblem[];
  /** Policies partly or wholly hidden by an earlier policy with the same match. */
  readonly shadowed: readonly PolicyProblem[];
}

/** Precedence of one rule: compared field by field, larger wins; `order` smaller wins. */
interface Precedence {
  readonly prefixLength: number;
  readonly portSpecificity: 0 | 1 | 2; // all ports | range | single port
  readonly protocolSpecificity: 0 | 1; // any | tcp/udp
  readonly order: number;
}

interface PortRule extends Precedence {
  readonly first: number;
  readonly last: number;
  readonly slot: number;
  readonly policyId: string;
}

function compareRank(a: Precedence, b: Precedence): number {
  return (
    b.prefixLength - a.prefixLength ||
    b.portSpecificity - a.portSpecificity ||
    b.protocolSpecificity - a.protocolSpecificity
  );
}

function byPrecedence(a: Precedence, b: Precedence): number {
  return compareRank(a, b) || a.order - b.order;
}

interface ParsedPolicy {
  readonly id: string;
  readonly prefix: Ipv6Prefix;
  readonly protocol: DatapathPolicy['protocol'];
  readonly ports: DatapathPolicy['ports'];
  readonly slot: number;
  readonly order: number;
}

function parsePolicies(policies: readonly SlottedPolicy[]): ParsedPolicy[] {
  return policies.map(({ policy, slot }, order) => {
    for (const [index, range] of policy.ports.entries()) {
      const valid =
        Number.isInteger(range.first) &&
        Number.isInteger(range.last) &&
        range.first >= 0 &&
        range.first <= range.last &&
        range.last <= 65535;
      if (!valid) {
        throw new Error(`${policy.id}: ports[${index}] must be 0..65535 with first <= last`);
      }
    }
    return {
      id: policy.id,
      prefix: parseIpv6Prefix(policy.destination),
      protocol: policy.protocol,
      ports: policy.ports,
      slot,
      order,
    };
  });
}

/** Every policy whose prefix covers `prefix` (itself included), from the grouped index. */
function coveringPolicies(
  prefix: Ipv6Prefix,
  byPrefix: ReadonlyMap<string, ParsedPolicy[]>,
  lengths: readonly number[],
): ParsedPolicy[] {
  const result: ParsedPolicy[] = [];
  for (const length of lengths) {
    if (length > prefix.length) break;
    const key = formatIpv6Prefix({ address: maskAddress(prefix.address, length), length });
    result.push(...(byPrefix.get(key) ?? []));
  }
  return result;
}

/** Paints rules (highest precedence first) onto the port space; returns disjoint intervals. */
function paintIntervals(
  rules: readonly PortRule[],
  shadowed: Map<string, string>,
): { intervals: PortInterval[]; owners: PortRule[] } {
  const painted: PortRule[] = []; // disjoint pieces, kept sorted by first
  for (const rule of rules) {
    let pieces: Array<[number, number]> = [[rule.first, rule.last]];
    for (const done of painted) {
      const next: Array<[number, number]> = [];
      for (const [first, last] of pieces) {
        if (done.last < first || done.first > last) {
          next.push([first, last]);
          continue;
        }
        if (compareRank(done, rule) === 0 && done.slot !== rule.slot) {
          shadowed.set(rule.policyId, done.policyId);
        }
        if (first < done.first) next.push([first, done.first - 1]);
        if (last > done.last) next.push([done.last + 1, last]);
      }
      pieces = next;
    }
    for (const [first, last] of pieces) painted.push({ ...rule, first, last });
  }
  painted.sort((a, b) => a.first - b.first);
  const intervals: PortInterval[] = [];
  for (const piece of painted) {
    const previous = intervals[intervals.length - 1];
    if (previous && previous.slot === piece.slot && previous.last + 1 === piece.first) {
      intervals[intervals.length - 1] = { ...previous, last: piece.last };
    } else {
      intervals.push({ first: piece.first, last: piece.last, slot: piece.slot });
    }
  }
  return { intervals, owners: painted };
}

interface ClassResult {
  readonly allPortsSlot: number;
  readonly intervals: PortInterval[];
  /** Policies owning an interval: the ones to reject when the class overflows. */
  readonly intervalOwners: readonly PortRule[];
}

function compileClass(
  portClass: ProtocolClass,
  candidates: readonly ParsedPolicy[],
  shadowed: Map<string, string>,
): ClassResult {
  const allPorts: PortRule[] = [];
  const portRules: PortRule[] = [];
  for (const policy of candidates) {
    const applies =
      portClass === 'other'
        ? policy.protocol === 'any' && policy.ports.length === 0
        : policy.protocol === 'any' || policy.protocol === portClass;
    if (!applies) continue;
    const base = {
      prefixLength: policy.prefix.length,
      protocolSpecificity: policy.protocol === 'any' ? 0 : 1,
      order: policy.order,
      slot: policy.slot,
      policyId: policy.id,
    } as const;
    if (policy.ports.length === 0) {
      allPorts.push({ ...base, portSpecificity: 0, first: 0, last: 65535 });
    }
    for (const range of policy.ports) {
      const portSpecificity = range.first === range.last ? 2 : 1;
      portRules.push({ ...base, portSpecificity, first: range.first, last: range.last });
    }
  }
  allPorts.sort(byPrecedence);
  const fallback = allPorts[0];
  for (const loser of allPorts.slice(1)) {
    if (fallback && compareRank(fallback, loser) === 0 && fallback.slot !== loser.slot) {
      shadowed.set(loser.policyId, fallback.policyId);
    }
  }
  const allPortsSlot = fallback?.slot ?? NO_POLICY;
  // Port rules ranked below the all-ports winner never decide anything.
  const deciding = portRules
    .filter((rule) => !fallback || compareRank(rule, fallback) < 0)
    .sort(byPrecedence);
  const { intervals, owners } = paintIntervals(deciding, shadowed);
  // An interval that leads to the fallback's slot is redundant: a miss gives the same answer.
  const needed = intervals.filter((interval) => interval.slot !== allPortsSlot);
  return {
    allPortsSlot,
    intervals: needed,
    intervalOwners: owners.filter((owner) => owner.slot !== allPortsSlot),
  };
}

function compileOnce(
  parsed: readonly ParsedPolicy[],
  shadowed: Map<string, string>,
): { prefixes: Map<string, CompiledPrefix>; overflow?: PolicyProblem } {
  const byPrefix = new Map<string, ParsedPolicy[]>();
  for (const policy of parsed) {
    const key = formatIpv6Prefix(policy.prefix);
    byPrefix.set(key, [...(byPrefix.get(key) ?? []), policy]);
  }
  const lengths = [...new Set(parsed.map((policy) => policy.prefix.length))].sort((a, b) => a - b);
  const prefixes = new Map<string, CompiledPrefix>();
  for (const [key, group] of byPrefix) {
    const prefix = group[0]!.prefix;
    const candidates = coveringPolicies(prefix, byPrefix, lengths);
    const other = compileClass('other', candidates, shadowed);
    const tcp = compileClass('tcp', candidates, shadowed);
    const udp = compileClass('udp', candidates, shadowed);
    for (const [name, result] of [
      ['tcp', tcp],
      ['udp', udp],
    ] as const) {
      if (result.intervals.length > MAX_PORT_INTERVALS) {
        const latest = [...result.intervalOwners].sort((a, b) => b.order - a.order)[0]!;
        return {
          prefixes,
          overflow: {
            policyId: latest.policyId,
            reason:
              `destination ${key} ${name}: more than ${MAX_PORT_INTERVALS} distinct port ` +
              `intervals on this host (the datapath's limit); merge port ranges or use fewer rules`,
          },
        };
      }
    }
    prefixes.set(key, {
      prefix,
      ruleSet: {
        allPortsSlot: { other: other.allPortsSlot, tcp: tcp.allPortsSlot, udp: udp.allPortsSlot },
        intervals: { tcp: tcp.intervals, udp: udp.intervals },
      },
    });
  }
  return { prefixes };
}

/**
 * Compiles policies (earlier = higher priority on exact ties) into rule sets. A policy that would
 * push a prefix past the datapath's interval limit is rejected with a reason, latest first, and
 * the others are compiled without it.
 */
export function compileRuleSets(policies: readonly SlottedPolicy[]): CompiledRuleSets {
  let parsed = parsePolicies(policies);
  const rejected: PolicyProblem[] = [];
  for (;;) {
    const shadowedBy = new Map<string, string>();
    const { prefixes, overflow } = compileOnce(parsed, shadowedBy);
    if (!overflow) {
      const shadowed = [...shadowedBy].map(([policyId, winner]) => ({
        policyId,
        reason: `same match as ${winner}, which was applied first and wins`,
      }));
      return { prefixes, rejected, shadowed };
    }
    rejected.push(overflow);
    parsed = parsed.filter((policy) => policy.id !== overflow.policyId);
  }
}

export { PORT_CLASSES };
