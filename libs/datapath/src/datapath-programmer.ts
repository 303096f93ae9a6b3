/**
 * Programs one host's datapath maps to a desired set of policies, writing only what changed.
 *
 * Order of writes, so packets never meet a half-applied change: (1) policy slots that are new or
 * changed, (2) rule sets that now reference them, (3) rule sets of prefixes that are gone,
 * (4) slots nothing references any more are cleared. A slot freed by a change is not handed to a
 * new policy in the same change.
 */
import { DatapathPolicy } from './policy.js';
import { KernelMap, PerCpuKernelMap } from './kernel-map.js';
import { assignSlots } from './slot-allocator.js';
import { compileRuleSets, PolicyProblem } from './rule-set-compiler.js';
import {
  Counters,
  DatapathStats,
  STRUCT_LAYOUT,
  decodeRuleSet,
  encodeDestinationKey,
  encodePolicy,
  encodeRuleSet,
  encodeSlot,
  sumCounters,
  sumStats,
  RuleSet,
} from './map-codec.js';
import { parseIpv6Address } from './ipv6-address.js';
import { MAX_SEGMENTS, NO_POLICY } from './datapath-limits.js';

export interface DatapathMaps {
  readonly prefixes: KernelMap;
  readonly policies: KernelMap;
  readonly counters: PerCpuKernelMap;
  readonly stats: PerCpuKernelMap;
  /** max_entries of the policies map. */
  readonly capacity: number;
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
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const EMPTY_POLICY = new Uint8Array(STRUCT_LAYOUT.srv6_policy.size);

function referencedSlots(ruleSet: RuleSet): number[] {
  const slots = [ruleSet.allPortsSlot.other, ruleSet.allPortsSlot.tcp, ruleSet.allPortsSlot.udp];
  for (const interval of [...ruleSet.intervals.tcp, ...ruleSet.intervals.udp]) {
    slots.push(interval.slot);
  }
  return slots.filter((slot) => slot !== NO_POLICY);
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

  /**
   * Adopts what the kernel already holds (a restarted agent): the rule sets, and the policy
   * slots they reference. `knownSlots` maps policy ids to slots from the previous run.
   */
  constructor(
    private readonly maps: DatapathMaps,
    knownSlots: ReadonlyMap<string, number> = new Map(),
  ) {
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

  /** The slot of every programmed policy id. */
  get slotsById(): ReadonlyMap<string, number> {
    return this.slots;
  }

  apply(desired: readonly DatapathPolicy[]): ApplyReport {
    const rejected: PolicyProblem[] = [];
    const candidates = desired.filter((policy) => {
      const reason = validatePolicy(policy);
      if (reason) rejected.push({ policyId: policy.id, reason });
      return !reason;
    });
    const candidateIds = new Set(candidates.map((policy) => policy.id));
    const freed = new Set(
      [...this.slots].filter(([id]) => !candidateIds.has(id)).map(([, s]) => s),
    );
    const slots = assignSlots(
      this.slots,
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
      const value = encodePolicy({
        segments: policy.segments.map(parseIpv6Address),
        mode: policy.encapsulation,
        source: parseIpv6Address(policy.source),
      });
      newPolicies.set(slot, hex(value));
      if (this.programmedPolicies.get(slot) !== hex(value)) {
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
    for (const { prefix, ruleSet } of compiled.prefixes.values()) {
      const key = encodeDestinationKey(prefix);
      const value = encodeRuleSet(ruleSet);
      newPrefixes.set(hex(key), hex(value));
      if (this.programmedPrefixes.get(hex(key)) !== hex(value)) {
        prefixKeys.push(key);
        prefixValues.push(value);
      }
    }
    if (prefixKeys.length > 0) this.maps.prefixes.updateBatch(prefixKeys, prefixValues);

    // (3) prefixes that are gone
    let prefixesDeleted = 0;
    for (const key of this.programmedPrefixes.keys()) {
      if (!newPrefixes.has(key)) {
        this.maps.prefixes.delete(Buffer.from(key, 'hex'));
        prefixesDeleted++;
      }
    }

    // (4) slots nothing references
    let slotsCleared = 0;
    for (const slot of this.programmedPolicies.keys()) {
      if (!newPolicies.has(slot)) {
        this.maps.policies.update(encodeSlot(slot), EMPTY_POLICY);
        slotsCleared++;
      }
    }

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
    };
  }

  /** Packet/byte counters of every programmed policy, summed over CPUs. */
  counters(): Map<string, Counters> {
    return new Map(
      [...this.slots].map(([id, slot]) => [
        id,
        sumCounters(this.maps.counters.lookupPerCpu(encodeSlot(slot))),
      ]),
    );
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
