/**
 * mapUpdatesPerSec: writing 100,000 entries from Node through koffi/libbpf, one
 * bpf_map_update_elem per entry (BpfMap.update) versus bpf_map_update_batch (BpfMap.updateBatch,
 * 8,192 entries per call). Keys and values are encoded before the clock starts; the timed part
 * is what the agent pays per write: argument checks, packing, the syscalls, the kernel's work.
 *
 * srv6_prefixes (hash without preallocation, 20-byte key, 272-byte rule set compiled from 100k
 * real policies) is emptied after every timed pass (untimed), so each pass inserts into an empty
 * map, as a first programming does. srv6_policies (array, 276-byte value) cannot be emptied: runs overwrite in place.
 */
import {
  type BpfMap,
  compileRuleSets,
  encodeDestinationKey,
  encodePolicy,
  encodeRuleSet,
  encodeSlot,
  loadBpfObject,
  parseIpv6Address,
  removePinDirectory,
} from '@srv6/datapath';
import type { Cleanup } from '../common/cleanup.js';
import { progress } from '../common/progress.js';
import { MAX_ENTRIES, REAL_OBJECT_PATH } from './bench-tables.js';
import { benchPolicies, SEGMENTS, SOURCE } from './workload.js';

export const MAP_ENTRIES = 100_000;
export const BATCH_CHUNK = 8192;

export interface MapRates {
  /** Entries per second, best run. */
  readonly single: number;
  readonly batch: number;
  readonly singleRuns: number[];
  readonly batchRuns: number[];
  readonly keyBytes: number;
  readonly valueBytes: number;
  /** The kernel's map type (hash, array, …). */
  readonly mapType: string;
  /** 'kernel' when bpf_map_update_batch was used (not the per-entry fallback). */
  readonly batchMode: string;
}

export interface MapUpdateResult {
  readonly entries: number;
  readonly runs: number;
  readonly batchChunk: number;
  readonly prefixes: MapRates;
  readonly policies: MapRates;
}

function timed(work: () => void): number {
  const started = performance.now();
  work();
  return performance.now() - started;
}

function rate(entries: number, ms: number): number {
  return Math.round((entries * 1000) / ms);
}

async function measure(
  map: BpfMap,
  keys: Uint8Array[],
  values: Uint8Array[],
  runs: number,
  reset: () => void,
  cleanup: Cleanup,
): Promise<MapRates> {
  const singleRuns: number[] = [];
  const batchRuns: number[] = [];
  for (let run = 0; run < runs; run++) {
    await cleanup.checkpoint();
    singleRuns.push(
      rate(
        keys.length,
        timed(() => {
          for (let i = 0; i < keys.length; i++) map.update(keys[i]!, values[i]!);
        }),
      ),
    );
    reset();
    batchRuns.push(
      rate(
        keys.length,
        timed(() => {
          for (let start = 0; start < keys.length; start += BATCH_CHUNK) {
            const end = start + BATCH_CHUNK;
            map.updateBatch(keys.slice(start, end), values.slice(start, end));
          }
        }),
      ),
    );
    if (run < runs - 1) reset();
    progress(
      `mapUpdates: ${map.name} run ${run + 1}/${runs}: single ${singleRuns.at(-1)}/s, batch ${batchRuns.at(-1)}/s`,
    );
  }
  const last = keys.length - 1;
  const stored = map.lookup(keys[last]!);
  if (!stored || !Buffer.from(stored).equals(Buffer.from(values[last]!)))
    throw new Error(`mapUpdates: ${map.name} does not hold the last entry written`);
  return {
    single: Math.max(...singleRuns),
    batch: Math.max(...batchRuns),
    singleRuns,
    batchRuns,
    keyBytes: map.keySize,
    valueBytes: map.valueSize,
    mapType: map.typeName,
    batchMode: map.batchMode.update,
  };
}

export async function benchMapUpdates(
  pinRoot: string,
  runs: number,
  cleanup: Cleanup,
): Promise<MapUpdateResult> {
  progress(`mapUpdates: compiling ${MAP_ENTRIES} policies into rule sets`);
  const policies = benchPolicies(MAP_ENTRIES);
  const compiled = compileRuleSets(policies.map((policy, slot) => ({ policy, slot })));
  const prefixKeys: Uint8Array[] = [];
  const prefixValues: Uint8Array[] = [];
  for (const { prefix, ruleSet } of compiled.prefixes.values()) {
    prefixKeys.push(encodeDestinationKey(prefix));
    prefixValues.push(encodeRuleSet(ruleSet));
  }
  if (prefixKeys.length !== MAP_ENTRIES)
    throw new Error(`mapUpdates: ${prefixKeys.length} rule sets from ${MAP_ENTRIES} policies`);
  const policyValue = (slot: number) =>
    encodePolicy({
      segments: [
        parseIpv6Address(`fc00:0:3::${(slot % 0xffff).toString(16)}`),
        parseIpv6Address(SEGMENTS[1]),
      ],
      mode: 'srh',
      source: parseIpv6Address(SOURCE),
    });
  const slotKeys = Array.from({ length: MAP_ENTRIES }, (_, slot) => encodeSlot(slot));
  const slotValues = Array.from({ length: MAP_ENTRIES }, (_, slot) => policyValue(slot));

  const pinDirectory = `${pinRoot}/maps`;
  const object = loadBpfObject({
    objectPath: REAL_OBJECT_PATH,
    pinDirectory,
    maxEntries: MAX_ENTRIES,
  });
  cleanup.add(`close ${REAL_OBJECT_PATH} (map bench)`, () => object.close());
  let prefixes: MapRates;
  let policiesRates: MapRates;
  try {
    const prefixMap = object.map('srv6_prefixes');
    const emptyPrefixes = () => {
      prefixMap.deleteBatch(prefixKeys);
    };
    prefixes = await measure(prefixMap, prefixKeys, prefixValues, runs, emptyPrefixes, cleanup);
    const policiesMap = object.map('srv6_policies');
    policiesRates = await measure(policiesMap, slotKeys, slotValues, runs, () => {}, cleanup);
  } finally {
    object.close();
    removePinDirectory(pinDirectory); // free the kernel memory before the next section
  }
  return {
    entries: MAP_ENTRIES,
    runs,
    batchChunk: BATCH_CHUNK,
    prefixes,
    policies: policiesRates,
  };
}
