/**
 * Programs one host's datapath maps to a desired set of policies, writing only what changed.
 *
 * Order of writes (make before break), so packets never meet a half-applied change:
 *   (1) policy slots that are new, or the new slot of a changed policy: a changed policy is
 *       never rewritten in place — an array update is a plain copy a packet could read half
 *       done — but written to a free slot, and its rule set is then pointed there (a hash
 *       update, which readers see whole); only when no slot is free does it fall back to an
 *       in-place write;
 *   (2) rule sets that are new or changed (they may reference the slots of 1);
 *   (3) the prefix-length list, when it changed (staged into its inactive copy, an RCU grace
 *       period, then flipped active): after 2, so a length it gains already has its entries,
 *       and before 4, so a length it loses is no longer looked up when its entries go;
 *   (4) rule sets of prefixes that are gone;
 *   -   an RCU grace period (maps.waitForReaders), when 2-4 replaced, wrote or deleted
 *       anything: no packet still reads a replaced or deleted element when (5) clears slots;
 *       the kernel, which may hand a freed hash element to the next insert at once, cannot
 *       reuse one a packet still reads in a later apply; and no packet still reads the length
 *       copy the next change overwrites;
 *   (5) slots nothing references any more are cleared (a moved policy's old slot: its
 *       counters are carried over first, so a policy's counters never go back).
 * A slot freed by a change is not handed to a new policy in the same change.
 */
import { DatapathPolicy } from './policy.js';
import { KernelMap, MemoryMap, PerCpuKernelMap } from './kernel-map.js';
import { assignSlots } from './slot-allocator.js';
import { compileRuleSets, PolicyProblem } from './rule-set-compiler.js';
import {
  Counters,
  DatapathStats,
  STRUCT_LAYOUT,
  activePrefixLengthCopy,
  decodePrefixLengthTable,
  decodeRuleSet,
  encodeDestinationKey,
  encodePolicy,
  encodePrefixLengths,
  encodeRuleSet,
  flipPrefixLengths,
  PREFIX_LENGTHS_KEY,
  stagePrefixLengths,
  encodeSlot,
  sumCounters,
  sumStats,
  RuleSet,
} from './map-codec.js';
import { parseIpv6Address, parseIpv6Prefix } from './ipv6-address.js';
import { MAX_PREFIX_LENGTHS, MAX_SEGMENTS, NO_POLICY } from './datapath-limits.js';

export interface DatapathMaps {
  readonly prefixes: KernelMap;
  /**
   * srv6_prefix_lens: the prefix lengths the program tries (struct srv6_prefix_length_table).
   * Absent only for in-memory maps of tests that do not model the kernel's lookup (the
   * programmer then keeps it in memory).
   */
  readonly prefixLengths?: KernelMap;
  readonly policies: KernelMap;
  readonly counters: PerCpuKernelMap;
  readonly stats: PerCpuKernelMap;
  /** max_entries of the policies map. */
  readonly capacity: number;
  /**
   * Returns once no program run that started before the call is still running (an RCU grace
   * period; synchronizeRcu for kernel maps). Absent: no wait (in-memory maps).
   */
  readonly waitForReaders?: () => void;
}

export interface ApplyReport {
  /** Policies programmed (accepted), by id, with their slot. */
  readonly programmed: ReadonlyMap<string, number>;
  readonly rejected: readonly PolicyProblem[];
  readonly shadowed: readonly PolicyProblem[];
  readonly policiesWritten: number;
  readonly prefixesWritten: number;
  readonly prefixesDeleted: number;
  readonly slotsCleared: number;
  /** Whether srv6_prefix_lens was written (the set of prefix lengths changed). */
  readonly prefixLengthsWritten: boolean;
  /** The prefix lengths programmed, longest first. */
  readonly prefixLengths: readonly number[];
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

const encodeStoredPolicy = (policy: DatapathPolicy): Uint8Array =>
  encodePolicy({
    segments: policy.segments.map(parseIpv6Address),
    mode: policy.encapsulation,
    source: parseIpv6Address(policy.source),
  });

const addCounters = (base: Counters | undefined, more: Counters): Counters =>
  base ? { packets: base.packets + more.packets, bytes: base.bytes + more.bytes } : more;
const EMPTY_POLICY = new Uint8Array(STRUCT_LAYOUT.srv6_policy.size);

function referencedSlots(ruleSet: RuleSet): number[] {
  const slots = [ruleSet.allPortsSlot.other, ruleSet.allPortsSlot.tcp, ruleSet.allPortsSlot.udp];
  for (const interval of [...ruleSet.intervals.tcp, ...ruleSet.intervals.udp]) {
    slots.push(interval.slot);
  }
  return slots.filter((slot) => slot !== NO_POLICY);
}

/** The length of a policy's destination prefix, or undefined when it does not parse. */
function prefixLengthOf(policy: DatapathPolicy): number | undefined {
  try {
    return parseIpv6Prefix(policy.destination).length;
  } catch {
    return undefined; // compileRuleSets reports it
  }
}

/**
 * Keeps the policies within MAX_PREFIX_LENGTHS distinct prefix lengths: in input order (earlier
 * wins, as everywhere), a policy whose length would be one more than the datapath looks up is
 * rejected with the reason; policies with lengths already in use always fit.
 */
function limitPrefixLengths(
  policies: readonly DatapathPolicy[],
  rejected: PolicyProblem[],
): DatapathPolicy[] {
  const lengths = new Set<number>();
  return policies.filter((policy) => {
    const length = prefixLengthOf(policy);
    if (length === undefined || lengths.has(length)) return true;
    if (lengths.size < MAX_PREFIX_LENGTHS) {
      lengths.add(length);
      return true;
    }
    const inUse = [...lengths].sort((a, b) => b - a).map((l) => `/${l}`);
    rejected.push({
      policyId: policy.id,
      reason:
        `destination ${policy.destination}: /${length} would make ${MAX_PREFIX_LENGTHS + 1} ` +
        `distinct prefix lengths on this host, the datapath looks up at most ` +
        `${MAX_PREFIX_LENGTHS} (in use: ${inUse.join(' ')}); use a prefix length already in use`,
    });
    return false;
  });
}

function validatePolicy(policy: DatapathPolicy): string | undefined {
  if (policy.segments.length < 1 || policy.segments.length > MAX_SEGMENTS) {
    return `segments: ${policy.segments.length} SIDs, the datapath holds 1..${MAX_SEGMENTS}`;
  }
  try {
    policy.segments.forEach((segment) => parseIpv6Address(segment));
    parseIpv6Address(policy.source);
  } catch (error) {
    return (error as Error).message;
  }
  return undefined;
}

export class DatapathProgrammer {
  private slots = new Map<string, number>();
  /** slot -> encoded srv6_policy as programmed (hex). */
  private readonly programmedPolicies = new Map<number, string>();
  /** encoded key (hex) -> encoded rule set (hex), as found in or written to the kernel. */
  private readonly programmedPrefixes = new Map<string, string>();
  /** The srv6_prefix_lens value as found in or written to the kernel (both copies). */
  private lengthTable: Uint8Array;
  private readonly prefixLengthsMap: KernelMap;
  /** Counts of slots a policy has left (it moved when it changed), by policy id. */
  private readonly counterBase = new Map<string, Counters>();

  /**
   * Adopts what the kernel already holds (a restarted agent): the rule sets, and the policy
   * slots they reference. `knownSlots` maps policy ids to slots from the previous run.
   */
  constructor(
    private readonly maps: DatapathMaps,
    knownSlots: ReadonlyMap<string, number> = new Map(),
  ) {
    const emptyTable = new Uint8Array(STRUCT_LAYOUT.srv6_prefix_length_table.size);
    this.prefixLengthsMap = maps.prefixLengths ?? new MemoryMap('srv6_prefix_lens', 1, emptyTable);
    // An array entry always exists; a new map reads as zeros: copy 0 active, no lengths.
    this.lengthTable = this.prefixLengthsMap.lookup(PREFIX_LENGTHS_KEY) ?? emptyTable;
    const referenced = new Set<number>();
    for (const [key, value] of maps.prefixes.entries()) {
      this.programmedPrefixes.set(hex(key), hex(value));
      referencedSlots(decodeRuleSet(value)).forEach((slot) => referenced.add(slot));
    }
    for (const slot of referenced) {
      const value = maps.policies.lookup(encodeSlot(slot));
      if (value) this.programmedPolicies.set(slot, hex(value));
    }
    this.slots = new Map([...knownSlots].filter(([, slot]) => referenced.has(slot)));
  }

  /**
   * Keeps the policies within the maps' capacity: those programmed already keep their slots,
   * new ones take the free slots in input order, and the rest are rejected with the reason —
   * one policy too many must not cost the host the ones it has.
   */
  private limitCapacity(policies: DatapathPolicy[], rejected: PolicyProblem[]): DatapathPolicy[] {
    const capacity = this.maps.capacity;
    if (policies.length <= capacity) return policies;
    let free = capacity - policies.filter((policy) => this.slots.has(policy.id)).length;
    const kept = new Set<string>();
    for (const policy of policies) {
      const programmed = this.slots.has(policy.id);
      if (programmed ? kept.size < capacity : free > 0) {
        if (!programmed) free--;
        kept.add(policy.id);
      } else {
        rejected.push({
          policyId: policy.id,
          reason:
            `this host's datapath holds ${capacity} policies and all are in use ` +
            `(${policies.length} wanted): remove intents of this host or raise the ` +
            `host-agent's CAPACITY`,
        });
      }
    }
    return policies.filter((policy) => kept.has(policy.id));
  }

  /** The slot of every programmed policy id. */
  get slotsById(): ReadonlyMap<string, number> {
    return this.slots;
  }

  apply(desired: readonly DatapathPolicy[]): ApplyReport {
    const rejected: PolicyProblem[] = [];
    const valid = desired.filter((policy) => {
      const reason = validatePolicy(policy);
      if (reason) rejected.push({ policyId: policy.id, reason });
      return !reason;
    });
    const candidates = this.limitCapacity(limitPrefixLengths(valid, rejected), rejected);
    const candidateIds = new Set(candidates.map((policy) => policy.id));
    // Each policy's stored form, encoded once: it decides both "changed?" and what is written.
    const encoded = new Map(
      candidates.map((policy) => {
        const value = encodeStoredPolicy(policy);
        return [policy.id, { value, hex: hex(value) }];
      }),
    );
    const changed = this.changedPolicies(encoded);
    const freed = new Set(
      [...this.slots].filter(([id]) => !candidateIds.has(id) || changed.has(id)).map(([, s]) => s),
    );
    const slots = assignSlots(
      new Map([...this.slots].filter(([id]) => !changed.has(id))),
      candidates.map((policy) => policy.id),
      this.maps.capacity,
      freed,
    );
    const compiled = compileRuleSets(
      candidates.map((policy) => ({ policy, slot: slots.get(policy.id)! })),
    );
    rejected.push(...compiled.rejected);
    const rejectedIds = new Set(compiled.rejected.map((problem) => problem.policyId));
    const accepted = candidates.filter((policy) => !rejectedIds.has(policy.id));

    // (1) policy slots
    const policyKeys: Uint8Array[] = [];
    const policyValues: Uint8Array[] = [];
    const newPolicies = new Map<number, string>();
    for (const policy of accepted) {
      const slot = slots.get(policy.id)!;
      const { value, hex: valueHex } = encoded.get(policy.id)!;
      newPolicies.set(slot, valueHex);
      if (this.programmedPolicies.get(slot) !== valueHex) {
        if (!this.slots.has(policy.id) || this.slots.get(policy.id) !== slot)
          this.resetCounters(slot);
        policyKeys.push(encodeSlot(slot));
        policyValues.push(value);
      }
    }
    if (policyKeys.length > 0) this.maps.policies.updateBatch(policyKeys, policyValues);

    // (2) rule sets
    const prefixKeys: Uint8Array[] = [];
    const prefixValues: Uint8Array[] = [];
    const newPrefixes = new Map<string, string>();
    const lengths = new Set<number>();
    let prefixesReplaced = 0;
    for (const { prefix, ruleSet } of compiled.prefixes.values()) {
      const key = encodeDestinationKey(prefix);
      const value = encodeRuleSet(ruleSet);
      const keyHex = hex(key);
      newPrefixes.set(keyHex, hex(value));
      lengths.add(prefix.length);
      const programmed = this.programmedPrefixes.get(keyHex);
      if (programmed !== hex(value)) {
        if (programmed !== undefined) prefixesReplaced++;
        prefixKeys.push(key);
        prefixValues.push(value);
      }
    }
    if (prefixKeys.length > 0) this.maps.prefixes.updateBatch(prefixKeys, prefixValues);

    // (3) the prefix lengths: gained ones now have their entries, lost ones still have theirs
    const prefixLengthsWritten = this.writePrefixLengths(encodePrefixLengths(lengths));

    // (4) prefixes that are gone
    const goneKeys = [...this.programmedPrefixes.keys()]
      .filter((key) => !newPrefixes.has(key))
      .map((key) => Buffer.from(key, 'hex'));
    if (goneKeys.length > 0) this.maps.prefixes.deleteBatch(goneKeys);
    const prefixesDeleted = goneKeys.length;

    const freedSlots = [...this.programmedPolicies.keys()].filter((slot) => !newPolicies.has(slot));
    if (
      prefixesReplaced > 0 ||
      prefixLengthsWritten ||
      prefixesDeleted > 0 ||
      freedSlots.length > 0
    ) {
      this.maps.waitForReaders?.();
    }

    // (5) slots nothing references; a moved policy's counters move with it first
    for (const [id, oldSlot] of this.slots) {
      if (!candidateIds.has(id)) this.counterBase.delete(id);
      else if (slots.get(id) !== oldSlot && freedSlots.includes(oldSlot))
        this.counterBase.set(id, addCounters(this.counterBase.get(id), this.slotCounters(oldSlot)));
    }
    for (const slot of freedSlots) this.maps.policies.update(encodeSlot(slot), EMPTY_POLICY);
    const slotsCleared = freedSlots.length;

    this.programmedPolicies.clear();
    newPolicies.forEach((value, slot) => this.programmedPolicies.set(slot, value));
    this.programmedPrefixes.clear();
    newPrefixes.forEach((value, key) => this.programmedPrefixes.set(key, value));
    this.slots = new Map(accepted.map((policy) => [policy.id, slots.get(policy.id)!]));

    return {
      programmed: this.slots,
      rejected,
      shadowed: compiled.shadowed,
      policiesWritten: policyKeys.length,
      prefixesWritten: prefixKeys.length,
      prefixesDeleted,
      slotsCleared,
      prefixLengthsWritten,
      prefixLengths: decodePrefixLengthTable(this.lengthTable),
    };
  }

  /**
   * Makes `lengths` (struct srv6_prefix_lengths) the list the program tries, if it is not
   * already: into the inactive copy, an RCU grace period, then the one-byte flip (the protocol
   * in bpf/include/srv6_maps.h). The caller waits for readers again before the next call, so
   * the copy this one left inactive is not rewritten while a packet may read it. Returns
   * whether it wrote.
   */
  private writePrefixLengths(lengths: Uint8Array): boolean {
    const active = activePrefixLengthCopy(this.lengthTable);
    const start = STRUCT_LAYOUT.srv6_prefix_length_table.members.copies + active * lengths.length;
    if (hex(this.lengthTable.subarray(start, start + lengths.length)) === hex(lengths)) {
      return false;
    }
    const staged = stagePrefixLengths(this.lengthTable, lengths);
    this.prefixLengthsMap.update(PREFIX_LENGTHS_KEY, staged);
    this.maps.waitForReaders?.();
    const flipped = flipPrefixLengths(staged);
    this.prefixLengthsMap.update(PREFIX_LENGTHS_KEY, flipped);
    this.lengthTable = flipped;
    return true;
  }

  /** Packet/byte counters of every programmed policy, summed over CPUs and earlier slots. */
  counters(): Map<string, Counters> {
    return new Map(
      [...this.slots].map(([id, slot]) => [
        id,
        addCounters(this.counterBase.get(id), this.slotCounters(slot)),
      ]),
    );
  }

  private slotCounters(slot: number): Counters {
    return sumCounters(this.maps.counters.lookupPerCpu(encodeSlot(slot)));
  }

  /** Ids of programmed policies whose stored value would change. */
  private changedPolicies(encoded: ReadonlyMap<string, { readonly hex: string }>): Set<string> {
    const changed = new Set<string>();
    for (const [id, { hex: valueHex }] of encoded) {
      const slot = this.slots.get(id);
      const stored = slot === undefined ? undefined : this.programmedPolicies.get(slot);
      if (stored !== undefined && stored !== valueHex) changed.add(id);
    }
    return changed;
  }

  stats(): DatapathStats {
    return sumStats(this.maps.stats.lookupPerCpu(encodeSlot(0)));
  }

  private resetCounters(slot: number): void {
    const key = encodeSlot(slot);
    const current = this.maps.counters.lookupPerCpu(key);
    this.maps.counters.updatePerCpu(
      key,
      current.map((value) => new Uint8Array(value.length)),
    );
  }
}
