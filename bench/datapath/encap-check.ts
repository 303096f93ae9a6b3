/**
 * Checks that run before anything is timed, failing loudly, so the figures measure what they
 * claim:
 *  - the real object (srv6_encap.bpf.o), loaded over the same pinned maps, turns the frame into
 *    an H.Encaps packet grown by exactly 40 + 8 + 16n bytes with the policy's SIDs;
 *  - the bench object's srv6_egress hands back the original frame after repeat 1 and 2 (the
 *    restore works) while its srv6_stats count one encapsulation per repeat (so every repeat
 *    took the encapsulation path, not a skip path);
 *  - srv6_encap_restore_only and srv6_encap_restore_split return TC_ACT_OK with the original
 *    frame;
 *  - the missing destination is counted as no_match.
 */
import {
  encapOverhead,
  type LoadedBpfObject,
  loadBpfObject,
  parseIpv6Address,
  type DatapathProgrammer,
  testRun,
} from '@srv6/datapath';
import { MAX_ENTRIES, PROGRAM, REAL_OBJECT_PATH } from './bench-tables.js';
import { ETHERNET_HEADER_LENGTH } from './tcp-frame.js';
import { SEGMENTS, SOURCE } from './workload.js';

export const TC_ACT_OK = 0;
const ROUTING_HEADER = 43;
const IPV6_IN_IPV6 = 41;
const SRH_TYPE = 4;

function fail(what: string): never {
  throw new Error(`bench self-check failed: ${what}`);
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a).equals(Buffer.from(b));
}

function expectBytes(actual: Uint8Array, expected: Uint8Array, what: string): void {
  if (!equal(actual, expected)) {
    fail(
      `${what}: got ${Buffer.from(actual).toString('hex')}, expected ${Buffer.from(expected).toString('hex')}`,
    );
  }
}

/** The real object over the table's maps: does the frame come out H.Encaps-encapsulated? */
export function checkRealEncapsulation(pinDirectory: string, frame: Uint8Array): number {
  const real = loadBpfObject({
    objectPath: REAL_OBJECT_PATH,
    pinDirectory,
    maxEntries: MAX_ENTRIES,
  });
  try {
    if (!real.adoptedMaps.includes('srv6_prefixes') || !real.adoptedMaps.includes('srv6_policies'))
      fail(`${REAL_OBJECT_PATH} did not adopt the bench tables pinned in ${pinDirectory}`);
    return checkGrowth(real, frame);
  } finally {
    real.close();
  }
}

function checkGrowth(real: LoadedBpfObject, frame: Uint8Array): number {
  const growth = encapOverhead(SEGMENTS.length, 'srh');
  const { returnValue, output } = testRun(real.programFd(PROGRAM.egress), frame);
  if (returnValue !== TC_ACT_OK) fail(`real srv6_egress returned ${returnValue}, not TC_ACT_OK`);
  if (output.length !== frame.length + growth) {
    fail(
      `real srv6_egress: ${frame.length}-byte frame came out ${output.length} bytes, expected +${growth} (outer IPv6 + SRH with ${SEGMENTS.length} SIDs)`,
    );
  }
  const outer = ETHERNET_HEADER_LENGTH;
  const view = new DataView(output.buffer, output.byteOffset, output.byteLength);
  expectBytes(output.subarray(0, outer), frame.subarray(0, outer), 'Ethernet header');
  if (output[outer]! >> 4 !== 6) fail('outer header is not IPv6');
  if (view.getUint16(outer + 4) !== frame.length - outer + growth - 40)
    fail('outer Payload Length does not cover SRH + inner packet');
  if (output[outer + 6] !== ROUTING_HEADER) fail('outer Next Header is not Routing (43)');
  expectBytes(output.subarray(outer + 8, outer + 24), parseIpv6Address(SOURCE), 'outer source');
  expectBytes(
    output.subarray(outer + 24, outer + 40),
    parseIpv6Address(SEGMENTS[0]),
    'outer destination (first SID)',
  );
  const srh = outer + 40;
  const last = SEGMENTS.length - 1;
  const expectedSrh = [IPV6_IN_IPV6, 2 * SEGMENTS.length, SRH_TYPE, last, last];
  expectBytes(output.subarray(srh, srh + 5), Uint8Array.from(expectedSrh), 'SRH fixed part');
  SEGMENTS.forEach((segment, i) =>
    expectBytes(
      output.subarray(srh + 8 + 16 * (last - i), srh + 24 + 16 * (last - i)),
      parseIpv6Address(segment),
      `SRH Segment List[${last - i}]`,
    ),
  );
  expectBytes(output.subarray(outer + growth), frame.subarray(outer), 'inner packet');
  return growth;
}

type StatName = 'encapsulated' | 'no_match';

/**
 * One test run that must leave the frame as it was, return TC_ACT_OK and (for srv6_egress)
 * count `repeat` packets under `counted`. Returns the kernel's average ns per run.
 */
export function runChecked(
  programFd: number,
  frame: Uint8Array,
  repeat: number,
  what: string,
  counted?: { programmer: DatapathProgrammer; stat: StatName },
): number {
  const before = counted?.programmer.stats();
  const result = testRun(programFd, frame, { repeat });
  if (result.returnValue !== TC_ACT_OK)
    fail(`${what}: returned ${result.returnValue} (2 = TC_ACT_SHOT: encap or restore failed)`);
  if (!equal(result.output, frame)) {
    fail(
      `${what}: the frame came out ${result.output.length} bytes, not restored to the ${frame.length}-byte input`,
    );
  }
  if (counted && before) {
    const after = counted.programmer.stats();
    const delta = Number(after[counted.stat] - before[counted.stat]);
    const failed = Number(after.encap_failed - before.encap_failed);
    // headers_stored: the helper wrote instead of the tail-called writer (it was missing).
    const stored = Number(after.headers_stored - before.headers_stored);
    if (delta !== repeat || failed !== 0 || stored !== 0) {
      fail(
        `${what}: srv6_stats.${counted.stat} grew by ${delta} (encap_failed by ${failed}, headers_stored by ${stored}) over repeat ${repeat}`,
      );
    }
  }
  return result.averageDurationNs;
}

/** Repeat 1 and repeat 2 give the same (original) frame, and each repeat encapsulated. */
export function checkRestore(
  programFd: number,
  frame: Uint8Array,
  programmer: DatapathProgrammer,
): void {
  for (const repeat of [1, 2]) {
    runChecked(programFd, frame, repeat, `bench srv6_egress repeat ${repeat}`, {
      programmer,
      stat: 'encapsulated',
    });
  }
}
