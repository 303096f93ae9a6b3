/**
 * The bit each (prefix length, masked destination) sets in srv6_prefix_filter: the mirror of
 * bpf/lib/prefix_filter.h (same constants, same 32-bit arithmetic). A clear bit tells the
 * program that srv6_prefixes holds no entry for it, so it skips the probe.
 */
import { maskAddress, type Ipv6Prefix } from './ipv6-address.js';

/** SRV6_PREFIX_FILTER_WORDS: 64-bit words of the filter. */
export const PREFIX_FILTER_WORDS = 8192;

const SEED = 0x9e3779b1;
const MULTIPLIER = 0x85ebca6b;
const BIT_COUNT = Math.log2(PREFIX_FILTER_WORDS * 64); // 19

const rotate = (word: number, by: number): number => ((word << by) | (word >>> (32 - by))) >>> 0;

/**
 * The bit of a prefix: its address masked to its length, read as four little-endian words,
 * folded with rotations, multiplied, the product's top 19 bits (Fibonacci hashing).
 */
export function prefixFilterBit(prefix: Ipv6Prefix): number {
  const address = maskAddress(prefix.address, prefix.length);
  const view = new DataView(address.buffer, address.byteOffset, address.byteLength);
  let folded = Math.imul(prefix.length, SEED) >>> 0;
  folded ^= view.getUint32(0, true);
  folded ^= rotate(view.getUint32(4, true), 7);
  folded ^= rotate(view.getUint32(8, true), 13);
  folded ^= rotate(view.getUint32(12, true), 19);
  return Math.imul(folded >>> 0, MULTIPLIER) >>> (32 - BIT_COUNT);
}

/** The filter's words for a set of prefixes: word index → value, only words not 0. */
export function prefixFilterWords(prefixes: Iterable<Ipv6Prefix>): Map<number, bigint> {
  const words = new Map<number, bigint>();
  for (const prefix of prefixes) {
    const bit = prefixFilterBit(prefix);
    const index = bit >>> 6;
    words.set(index, (words.get(index) ?? 0n) | (1n << BigInt(bit & 63)));
  }
  return words;
}

/** A word as the map stores it (__u64, little-endian). */
export function encodeFilterWord(value: bigint): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, value, true);
  return bytes;
}

export function decodeFilterWord(bytes: Uint8Array): bigint {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true);
}
