/** What the datapath of one host is asked to do: the input of the compiler. */

export type Protocol = 'tcp' | 'udp' | 'any';
export type EncapMode = 'srh' | 'reduced';

/** Inclusive destination-port range; a single port has first === last. */
export interface PortRange {
  readonly first: number;
  readonly last: number;
}

export interface DatapathPolicy {
  /** Stable identity, e.g. `<host>.<intent>`; slots and counters follow it. */
  readonly id: string;
  /** IPv6 prefix (an address alone means /128). */
  readonly destination: string;
  readonly protocol: Protocol;
  /** Empty = every port. */
  readonly ports: readonly PortRange[];
  /** Path order: segments[0] is visited first, the last is the egress decapsulation SID. */
  readonly segments: readonly string[];
  readonly encapsulation: EncapMode;
  /** Outer source address (the host's configured address). */
  readonly source: string;
}
