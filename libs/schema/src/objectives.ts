/** Objective and enumeration values of the Intent format (SPEC: Objectives, match, encapsulation). */

export const OBJECTIVE_TYPES = [
  'low-latency',
  'low-jitter',
  'low-packet-loss',
  'low-cost',
  'high-bandwidth',
  'low-bandwidth',
  'low-utilization',
] as const;
export type ObjectiveType = (typeof OBJECTIVE_TYPES)[number];

/**
 * Objectives whose metric sums (or, for loss, composes) along the path; only these can be
 * normalised and mixed in weighted `objectives`. Bottleneck objectives cannot.
 */
export const ADDITIVE_OBJECTIVE_TYPES = [
  'low-latency',
  'low-jitter',
  'low-packet-loss',
  'low-cost',
] as const;
export type AdditiveObjectiveType = (typeof ADDITIVE_OBJECTIVE_TYPES)[number];

export const PROTOCOLS = ['tcp', 'udp', 'any'] as const;
export type Protocol = (typeof PROTOCOLS)[number];
export const DEFAULT_PROTOCOL: Protocol = 'any';

/** srh = H.Encaps (RFC 8986 §5.1); reduced = H.Encaps.Red (§5.2). */
export const ENCAPSULATIONS = ['srh', 'reduced'] as const;
export type Encapsulation = (typeof ENCAPSULATIONS)[number];
export const DEFAULT_ENCAPSULATION: Encapsulation = 'srh';
