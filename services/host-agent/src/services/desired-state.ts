/**
 * Pure translation between what path-svc asks of this host (PolicyRecords) and what the datapath
 * programmer takes and reports (DatapathPolicies, ApplyReport), and the statuses that follow.
 */
import { IntentState, PolicyRecord } from '@srv6/bus';
import {
  DatapathPolicy,
  encapOverhead,
  formatIpv6Prefix,
  IPV6_MINIMUM_MTU,
  parseIpv6Prefix,
  PolicyProblem,
} from '@srv6/datapath/pure';

export interface HostStatus {
  readonly state: IntentState;
  readonly reason?: string;
}

export interface DesiredPolicies {
  /** Policies the datapath should hold, by key `<host>.<intent>`. */
  readonly policies: DatapathPolicy[];
  /** Records that cannot be programmed here, with why. */
  readonly refused: PolicyProblem[];
}

/** Which records become datapath policies; the rest say why not. */
export function desiredPolicies(
  records: ReadonlyMap<string, PolicyRecord>,
  uplinkMtu: number,
): DesiredPolicies {
  const policies: DatapathPolicy[] = [];
  const refused: PolicyProblem[] = [];
  for (const [key, record] of [...records].sort(([a], [b]) => a.localeCompare(b))) {
    if (record.status !== 'ok') continue;
    const overhead = encapOverhead(record.segments.length, record.encapsulation);
    if (uplinkMtu - overhead < IPV6_MINIMUM_MTU) {
      refused.push({
        policyId: key,
        reason:
          `${record.segments.length} segments (${overhead} bytes of encapsulation) leave less than ` +
          `IPv6's minimum MTU of ${IPV6_MINIMUM_MTU} on a ${uplinkMtu}-byte uplink: ` +
          `use encapsulation: reduced, fewer waypoints, or a larger underlay MTU`,
      });
      continue;
    }
    policies.push({
      id: key,
      destination: record.destination,
      protocol: record.protocol,
      ports: record.ports,
      segments: record.segments,
      encapsulation: record.encapsulation,
      source: record.source,
    });
  }
  return { policies, refused };
}

/** The state to report for every record, given what the programmer did. */
export function hostStatuses(
  records: ReadonlyMap<string, PolicyRecord>,
  programmed: ReadonlySet<string>,
  problems: readonly PolicyProblem[],
): Map<string, HostStatus> {
  const reasons = new Map(problems.map((problem) => [problem.policyId, problem.reason]));
  const statuses = new Map<string, HostStatus>();
  for (const [key, record] of records) {
    if (record.status === 'unsatisfiable') {
      statuses.set(key, { state: 'unsatisfiable', reason: record.reason ?? 'no feasible path' });
    } else if (programmed.has(key)) {
      statuses.set(key, { state: 'programmed' });
    } else {
      statuses.set(key, { state: 'error', reason: reasons.get(key) ?? 'not programmed' });
    }
  }
  return statuses;
}

/** Statuses by state (metrics). */
export function countStates(statuses: ReadonlyMap<string, HostStatus>): Map<IntentState, number> {
  const counts = new Map<IntentState, number>();
  for (const { state } of statuses.values()) counts.set(state, (counts.get(state) ?? 0) + 1);
  return counts;
}

/**
 * Entries of the srv6_prefixes map after programming: one rule set per distinct destination
 * prefix of the programmed policies (as the compiler keys them: host bits cleared).
 */
export function prefixEntries(
  policies: readonly DatapathPolicy[],
  programmed: ReadonlySet<string>,
): number {
  const prefixes = policies
    .filter((policy) => programmed.has(policy.id))
    .map((policy) => formatIpv6Prefix(parseIpv6Prefix(policy.destination)));
  return new Set(prefixes).size;
}
