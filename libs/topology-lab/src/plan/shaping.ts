/**
 * Pure: how a link's figures become queueing disciplines and filters on its two ends.
 * Bandwidth is always enforced (tbf, which also segments GSO super-packets larger than its
 * bucket); delay and jitter need netem, loss uses netem when present and otherwise an nftables
 * random drop on the sending end (FACTS: this machine's kernel has no netem).
 */
export interface LinkShape {
  readonly rateMbps: number;
  readonly delayMs: number;
  readonly jitterMs: number;
  readonly lossPercent: number;
}

/** tbf bucket: 2 ms of traffic, at least 64 KiB (one GSO super-packet passes whole). */
export function tbfArguments(rateMbps: number): string[] {
  const bytesPerSecond = (rateMbps * 1e6) / 8;
  const burst = Math.max(64 * 1024, Math.ceil(bytesPerSecond * 0.002));
  return ['tbf', 'rate', `${rateMbps}mbit`, 'burst', String(burst), 'latency', '20ms'];
}

export function netemArguments(shape: LinkShape): string[] {
  const args = ['netem', 'delay', `${shape.delayMs}ms`];
  if (shape.jitterMs > 0) args.push(`${shape.jitterMs}ms`);
  if (shape.lossPercent > 0) args.push('loss', `${shape.lossPercent}%`);
  return args;
}

/** Drops per million packets for a loss percentage (nftables `numgen random mod 1000000`). */
export const dropsPerMillion = (lossPercent: number): number => Math.round(lossPercent * 10_000);

const NEIGHBOUR_DISCOVERY =
  '{ nd-neighbor-solicit, nd-neighbor-advert, nd-router-solicit, nd-router-advert }';

export interface RouterFilterInput {
  /** Hosts whose packets the router counts (outer source address). */
  readonly hosts: ReadonlyArray<{ readonly name: string; readonly address: string }>;
  /** Sending-side random drops, when netem cannot do them. */
  readonly drops: ReadonlyArray<{ readonly device: string; readonly lossPercent: number }>;
}

export const FILTER_TABLE = 'srv6lab';
export const counterName = (host: string): string => `from-${host}`;

/**
 * The router's nftables table: one counter per host (packets whose outer source is that host —
 * every packet of a flow the host sends, encapsulated or not, and none of the replies), and the
 * random drops. Neighbour discovery is neither counted nor dropped.
 */
export function routerRuleset(input: RouterFilterInput): string {
  const lines = [`table inet ${FILTER_TABLE} {`];
  for (const host of input.hosts) lines.push(`  counter ${counterName(host.name)} {`, '  }');
  lines.push(
    '  chain seen {',
    '    type filter hook prerouting priority -300;',
    `    icmpv6 type ${NEIGHBOUR_DISCOVERY} accept`,
    ...input.hosts.map(
      (host) => `    ip6 saddr ${host.address} counter name "${counterName(host.name)}"`,
    ),
    '  }',
    '  chain loss {',
    '    type filter hook postrouting priority 0;',
    `    icmpv6 type ${NEIGHBOUR_DISCOVERY} accept`,
    ...input.drops
      .filter((drop) => drop.lossPercent > 0)
      .map(
        (drop) =>
          `    oifname "${drop.device}" numgen random mod 1000000 < ${dropsPerMillion(drop.lossPercent)} drop`,
      ),
    '  }',
    '}',
  );
  return lines.join('\n') + '\n';
}
