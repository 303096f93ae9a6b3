/**
 * The longest-prefix match on the REAL program now that srv6_prefixes is an exact-match hash:
 * the program tries each length of srv6_prefix_lens, longest first. Checked at the edges the
 * walk has: ::/0 and /128, and a host using all 32 lengths the datapath looks up, where every
 * length (the 32nd, tried last, included) must be the answer for some destination — kernel
 * against the TypeScript model (compileRuleSets + lookupSlot). A 33rd length is refused by the
 * programmer and changes nothing in the kernel.
 */
import { MAX_PREFIX_LENGTHS, NO_POLICY } from '../src/datapath-limits.js';
import { formatIpv6Address, parseIpv6Address } from '../src/ipv6-address.js';
import { decodePrefixLengthTable, PREFIX_LENGTHS_KEY } from '../src/map-codec.js';
import { lookupSlot } from '../src/lookup-model.js';
import type { DatapathPolicy } from '../src/policy.js';
import { compileRuleSets } from '../src/rule-set-compiler.js';
import { canonical, expectSrv6Encapsulation } from './support/encapsulation-assertions.js';
import { NEXT_HEADER, tcpFrame } from './support/packet-builder.js';
import { parseSrv6Encapsulation } from './support/srv6-packet.js';
import {
  loadSrv6Program,
  policy,
  sids,
  TC_ACT_OK,
  type Srv6Program,
} from './support/srv6-program.js';

const UNCHANGED = 'unchanged';
const PORT = 443;

/** The policy the program applied to a TCP packet to `destination` (by its first SID). */
function kernelChoice(
  program: Srv6Program,
  policies: readonly DatapathPolicy[],
  destination: string,
): string {
  const frame = tcpFrame(destination, PORT);
  const { returnValue, output } = program.run(frame);
  expect(returnValue).toBe(TC_ACT_OK);
  if (output.length === frame.length) {
    expect(output).toEqual(frame);
    return UNCHANGED;
  }
  const firstSegment = parseSrv6Encapsulation(output).outer.destination;
  const chosen = policies.find((p) => canonical(p.segments[0]!) === firstSegment);
  if (!chosen) throw new Error(`${destination}: outer destination ${firstSegment} is no policy's`);
  expectSrv6Encapsulation(frame, output, {
    mode: chosen.encapsulation,
    segments: chosen.segments,
    source: chosen.source,
  });
  return chosen.id;
}

/** What the model predicts for the policies the programmer accepted. */
function modelChoice(
  program: Srv6Program,
  policies: readonly DatapathPolicy[],
  destination: string,
): string {
  const programmed = policies.filter((p) => program.programmer.slotsById.has(p.id));
  const compiled = compileRuleSets(
    programmed.map((p) => ({ policy: p, slot: program.slotOf(p.id) })),
  );
  const slot = lookupSlot(compiled.prefixes.values(), {
    destination: parseIpv6Address(destination),
    protocol: NEXT_HEADER.tcp,
    port: PORT,
  });
  if (slot === NO_POLICY) return UNCHANGED;
  return [...program.programmer.slotsById].find(([, s]) => s === slot)![0];
}

function programmedLengths(program: Srv6Program): number[] {
  return decodePrefixLengthTable(
    program.object.map('srv6_prefix_lens').lookup(PREFIX_LENGTHS_KEY)!,
  );
}

/** `address` with bit `bit` (0 = most significant) flipped. */
function flipBit(address: string, bit: number): string {
  const bytes = parseIpv6Address(address);
  bytes[bit >> 3]! ^= 0x80 >> (bit & 7);
  return formatIpv6Address(bytes);
}

describe('longest prefix by exact match per length (real program)', () => {
  let program: Srv6Program;

  beforeEach(() => {
    program = loadSrv6Program();
  });
  afterEach(() => program?.remove());

  it('::/0 catches every destination, a /128 only its own', () => {
    const policies = [
      policy('default', '::/0', sids(0xd0, 2)),
      policy('host', '2001:db8:b::5/128', sids(0xd1, 3), { encapsulation: 'reduced' }),
    ];
    program.apply(policies);
    expect(programmedLengths(program)).toEqual([128, 0]);
    const expected: Array<[string, string]> = [
      ['2001:db8:b::5', 'host'],
      ['2001:db8:b::4', 'default'],
      ['2001:db8:b::5:0', 'default'],
      ['::', 'default'],
      ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'default'],
      ['fe80::1', 'default'],
    ];
    for (const [destination, choice] of expected) {
      expect([destination, kernelChoice(program, policies, destination)]).toEqual([
        destination,
        choice,
      ]);
      expect(modelChoice(program, policies, destination)).toBe(choice);
    }
  });

  it(`all ${MAX_PREFIX_LENGTHS} lengths: each one is the longest match somewhere, the last one tried too`, () => {
    // Nested prefixes /97 .. /127 around one address, plus ::/0: 32 distinct lengths. A
    // destination that agrees with the address on its first L bits and differs at bit L
    // matches /L and nothing longer.
    const center = '2001:db8:b::abcd:ef01';
    const nested = Array.from({ length: MAX_PREFIX_LENGTHS - 1 }, (_, i) => 97 + i);
    const policies = [
      ...nested.map((length) => policy(`len-${length}`, `${center}/${length}`, sids(length, 1))),
      policy('default', '::/0', sids(0xd0, 2)),
    ];
    program.apply(policies);
    expect(programmedLengths(program)).toEqual([...nested].reverse().concat(0));

    const expected: Array<[string, string]> = [
      [center, 'len-127'],
      [flipBit(center, 127), 'len-127'],
      ...nested.map((length): [string, string] => [flipBit(center, length), `len-${length}`]),
      [flipBit(center, 96), 'default'], // inside none of the nested ones: ::/0, tried last
      ['2001:db9::1', 'default'],
    ];
    const kernel = expected.map(([destination]) => [
      destination,
      kernelChoice(program, policies, destination),
    ]);
    expect(kernel).toEqual(expected);
    expect(expected.map(([destination]) => modelChoice(program, policies, destination))).toEqual(
      expected.map(([, choice]) => choice),
    );

    // A 33rd length is refused; the kernel keeps looking up the 32 it has.
    const extra = policy('len-128', `${center}/128`, sids(0xe0, 1));
    const report = program.programmer.apply([...policies, extra]);
    expect(report.rejected.map((problem) => problem.policyId)).toEqual(['len-128']);
    expect(report.prefixLengthsWritten).toBe(false);
    expect(programmedLengths(program)).toHaveLength(MAX_PREFIX_LENGTHS);
    expect(kernelChoice(program, policies, center)).toBe('len-127');
  });

  it('a length that disappears is no longer looked up; its entries are gone', () => {
    const wide = policy('wide', '2001:db8::/32', sids(0xd2, 2));
    const narrow = policy('narrow', '2001:db8:b::/48', sids(0xd3, 2));
    program.apply([wide, narrow]);
    expect(kernelChoice(program, [wide, narrow], '2001:db8:b::1')).toBe('narrow');
    program.apply([wide]);
    expect(programmedLengths(program)).toEqual([32]);
    expect(program.object.map('srv6_prefixes').keys()).toHaveLength(1);
    expect(kernelChoice(program, [wide], '2001:db8:b::1')).toBe('wide');
    program.apply([]);
    expect(programmedLengths(program)).toEqual([]);
    expect(kernelChoice(program, [wide], '2001:db8:b::1')).toBe(UNCHANGED);
  });
});
