/**
 * Limits of the kernel datapath, mirrored from bpf/include/srv6_maps.h (checked against the
 * compiled object's BTF by test/map-layout.spec.ts).
 */
export const MAX_SEGMENTS = 16;
export const MAX_PORT_INTERVALS = 16;
/** Distinct destination prefix lengths one host's datapath looks up (srv6_prefix_lens). */
export const MAX_PREFIX_LENGTHS = 32;
export const DEFAULT_CAPACITY = 131072;
export const FRAGMENT_CACHE_SIZE = 4096;
export const NO_POLICY = 0xffffffff;

/** Bytes added in front of the inner packet: outer IPv6 header and, where present, the SRH. */
export function encapOverhead(segmentCount: number, mode: 'srh' | 'reduced'): number {
  const IPV6_HEADER = 40;
  const SRH_FIXED = 8;
  const SEGMENT = 16;
  const srhSegments = mode === 'srh' ? segmentCount : segmentCount - 1;
  return IPV6_HEADER + (srhSegments > 0 ? SRH_FIXED + SEGMENT * srhSegments : 0);
}
