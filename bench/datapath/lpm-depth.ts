/**
 * How many trie nodes the kernel's LPM trie (kernel/bpf/lpm_trie.c) visits to look a key up,
 * computed from the programmed prefixes rather than measured: the trie is a path-compressed
 * binary trie, each intermediate node sitting where two prefixes diverge, so a lookup visits
 * the branch points on the key's path plus the leaf. All prefixes here share 2001:db8 and are
 * /64, so only the 32 bits after 2001:db8 (prefixWord) shape the trie.
 */

export interface LookupPath {
  /** Nodes visited, the leaf (or the node where the key left the trie) included. */
  readonly nodes: number;
  readonly matched: boolean;
}

/** `words`: the distinct prefix words, sorted ascending. */
export function lookupPath(words: Uint32Array, key: number): LookupPath {
  let low = 0;
  let high = words.length;
  let nodes = 0;
  while (high > low) {
    nodes++;
    const first = words[low]!;
    if (high - low === 1) return { nodes, matched: first === key >>> 0 };
    const common = Math.clz32(first ^ words[high - 1]!);
    if (common > 0 && (first ^ key) >>> (32 - common) !== 0) return { nodes, matched: false };
    const bit = 0x80000000 >>> common;
    let split = low; // first index whose word has `bit` set
    let end = high;
    while (split < end) {
      const middle = (split + end) >>> 1;
      if ((words[middle]! & bit) !== 0) end = middle;
      else split = middle + 1;
    }
    if ((key & bit) !== 0) low = split;
    else high = split;
  }
  return { nodes, matched: false };
}

/** Mean nodes visited over every programmed prefix (what a mix of destinations would see). */
export function meanLookupNodes(words: Uint32Array): number {
  let total = 0;
  for (const word of words) total += lookupPath(words, word).nodes;
  return total / words.length;
}

export function sortedWords(words: Iterable<number>): Uint32Array {
  return Uint32Array.from(words).sort();
}
