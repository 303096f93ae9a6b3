/**
 * Pure: from an intent, the topology and the computed paths to the per-host PolicyRecords
 * path-svc writes to KV. The record carries everything the host-agent needs, so agents never
 * read intents or the topology.
 */
import type { PolicyRecord } from '@srv6/bus';
import { objectiveKind } from '@srv6/path';
import type { Intent, Topology } from '@srv6/schema';

export interface ComputedPath {
  readonly intent: string;
  readonly host: string;
  readonly status: 'ok' | 'unsatisfiable';
  readonly path: readonly string[];
  readonly segments: readonly string[];
  readonly metrics?: PolicyRecord['metrics'];
  readonly reason?: string;
}

/** `3478` → 3478..3478, `"5000-5100"` → 5000..5100. */
export function portRange(port: number | string): { first: number; last: number } {
  if (typeof port === 'number') return { first: port, last: port };
  const [first, last] = port.split('-').map(Number);
  return { first: first!, last: last ?? first! };
}

export function policyRecords(
  intent: Intent,
  intentRevision: number,
  topology: Topology,
  topologyRevision: number,
  computed: readonly ComputedPath[],
): PolicyRecord[] {
  const addresses = new Map((topology.spec.hosts ?? []).map((host) => [host.name, host.address]));
  const match = intent.spec.match;
  const objective = objectiveKind(intent);
  return computed.map((result) => ({
    intent: intent.metadata.name,
    host: result.host,
    intentRevision,
    topologyRevision,
    status: result.status,
    ...(result.reason ? { reason: result.reason } : {}),
    destination: match.destination,
    protocol: match.protocol ?? 'any',
    ports: (match.ports ?? []).map(portRange),
    path: result.path,
    segments: result.segments,
    encapsulation: intent.spec.encapsulation ?? 'srh',
    source: addresses.get(result.host) ?? '::',
    ...(result.metrics ? { metrics: result.metrics } : {}),
    objective,
  }));
}
