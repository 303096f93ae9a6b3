/**
 * Pure: the lab's own addresses and interface names, derived from positions in the topology so
 * that the namespace lab and the docker-compose lab agree. Underlay only — the SIDs, host
 * addresses and prefixes come from the topology itself.
 *
 *   link i (0-based, in topology order)  fd00:a:<i>::/64   side a ::1, side b ::2
 *   host j (0-based, in topology order)  fd00:b:<j>::/64   router ::1, host ::2
 *
 * Interface names (15 characters at most, unique per namespace): a router's end of link i is
 * `l<i>-<peer>`, its end towards host j `h<j>-<host>`; a host's uplink is always `eth0`.
 */
export const LINK_NETWORK = 'fd00:a';
export const HOST_NETWORK = 'fd00:b';
export const HOST_UPLINK = 'eth0';
export const MAX_INTERFACE_NAME = 15;

export interface Subnet {
  readonly prefix: string;
  /** Address of the first end (link side a, or the router towards a host). */
  readonly first: string;
  /** Address of the second end (link side b, or the host). */
  readonly second: string;
}

function subnet(network: string, index: number): Subnet {
  const group = index.toString(16);
  if (index < 0 || index > 0xffff) throw new Error(`lab index ${index} is outside 0..65535`);
  return {
    prefix: `${network}:${group}::/64`,
    first: `${network}:${group}::1`,
    second: `${network}:${group}::2`,
  };
}

export const linkSubnet = (index: number): Subnet => subnet(LINK_NETWORK, index);
export const hostSubnet = (index: number): Subnet => subnet(HOST_NETWORK, index);

export const interfaceName = (kind: 'l' | 'h', index: number, peer: string): string =>
  `${kind}${index}-${peer}`.slice(0, MAX_INTERFACE_NAME);
