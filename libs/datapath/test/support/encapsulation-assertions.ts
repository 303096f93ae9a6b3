/**
 * The one check of an SRv6 encapsulation the tc program produced (Cilium style: every outer
 * and SRH field, and the inner packet byte for byte), shared by the kernel specs.
 */
import { formatIpv6Address, parseIpv6Address } from '../../src/ipv6-address.js';
import { ETHERNET_HEADER_LENGTH, ETHERTYPE_IPV6 } from './packet-builder.js';
import { parseIpv6Header, parseSrv6Encapsulation, type Srv6Encapsulation } from './srv6-packet.js';

/** The program's documented outer Hop Limit (bpf/lib/encap.h ENCAP_HOP_LIMIT). */
export const OUTER_HOP_LIMIT = 64;

export interface ExpectedEncapsulation {
  mode: 'srh' | 'reduced';
  /** Path order: segments[0] is visited first. */
  segments: readonly string[];
  source: string;
}

/** `2001:DB8:0::1` → `2001:db8::1`: the form formatIpv6Address prints. */
export function canonical(address: string): string {
  return formatIpv6Address(parseIpv6Address(address));
}

/** Bytes the encapsulation adds: 40, plus 8 + 16 per SRH entry when there is an SRH. */
export function expectedOverhead(segmentCount: number, mode: 'srh' | 'reduced'): number {
  const entries = mode === 'srh' ? segmentCount : segmentCount - 1;
  return entries === 0 ? 40 : 40 + 8 + 16 * entries;
}

/**
 * Asserts that `output` is `input` encapsulated as `expected` says; returns the parsed output.
 * Outer Traffic Class and Flow Label are the inner ones, except a zero inner Flow Label, which
 * the program replaces with the skb flow hash (asserted non-zero here).
 */
export function expectSrv6Encapsulation(
  input: Uint8Array,
  output: Uint8Array,
  expected: ExpectedEncapsulation,
): Srv6Encapsulation {
  const n = expected.segments.length;
  const segments = expected.segments.map(canonical);
  const srhEntries = expected.mode === 'srh' ? n : n - 1;
  const inner = parseIpv6Header(input, ETHERNET_HEADER_LENGTH);

  expect(output.length).toBe(input.length + expectedOverhead(n, expected.mode));
  const parsed = parseSrv6Encapsulation(output);
  expect(parsed.ethernet).toEqual(input.subarray(0, ETHERNET_HEADER_LENGTH));
  expect(parsed.etherType).toBe(ETHERTYPE_IPV6);

  expect(parsed.outer).toEqual({
    version: 6,
    trafficClass: inner.trafficClass,
    flowLabel: inner.flowLabel === 0 ? expect.any(Number) : inner.flowLabel,
    payloadLength: output.length - ETHERNET_HEADER_LENGTH - 40,
    nextHeader: srhEntries > 0 ? 43 : 41,
    hopLimit: OUTER_HOP_LIMIT,
    source: canonical(expected.source),
    destination: segments[0],
  });
  if (inner.flowLabel === 0) expect(parsed.outer.flowLabel).not.toBe(0);

  if (srhEntries === 0) {
    expect(parsed.srh).toBeUndefined();
  } else {
    expect(parsed.srh).toEqual({
      nextHeader: 41,
      hdrExtLen: 2 * srhEntries,
      routingType: 4,
      segmentsLeft: n - 1,
      lastEntry: srhEntries - 1,
      flags: 0,
      tag: 0,
      // Segment List[i] = segments[n - 1 - i]; H.Encaps.Red leaves out segments[0].
      segmentList: Array.from({ length: srhEntries }, (_, i) => segments[n - 1 - i]),
      length: 8 + 16 * srhEntries,
    });
  }

  expect(parsed.inner).toEqual(input.subarray(ETHERNET_HEADER_LENGTH));
  return parsed;
}
