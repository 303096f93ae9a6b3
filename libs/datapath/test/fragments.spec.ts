/**
 * Fragmented datagrams keep one path (docs/datapath.md "Fragments keep their path"): the first
 * fragment (offset 0, M = 1) is decided by its ports and its decision recorded in srv6_fragments
 * under (destination, identification); later fragments, which carry no ports, reuse it. A
 * non-first fragment nobody recorded falls back to the all-ports rule of its class, or passes
 * unchanged when there is none.
 */
import { parseIpv6Address } from '../src/ipv6-address.js';
import { NO_POLICY } from '../src/datapath-limits.js';
import { encodeSlot, STRUCT_LAYOUT } from '../src/map-codec.js';
import { expectSrv6Encapsulation } from './support/encapsulation-assertions.js';
import {
  ipv6Frame,
  NEXT_HEADER,
  patternBytes,
  type ExtensionHeader,
} from './support/packet-builder.js';
import {
  loadSrv6Program,
  onlyCounted,
  policy,
  sids,
  TC_ACT_OK,
  type Srv6Program,
} from './support/srv6-program.js';

/** udp/4789 → vxlan-path; every other udp port → udp-fallback. */
const WITH_FALLBACK = '2001:db8:f::1';
/** udp/4789 → tunnel-only; nothing else. */
const PORT_ONLY = '2001:db8:e::1';

const POLICIES = [
  policy('vxlan-path', '2001:db8:f::/64', sids(1, 3), {
    protocol: 'udp',
    ports: [{ first: 4789, last: 4789 }],
  }),
  policy('udp-fallback', '2001:db8:f::/64', sids(2, 2), {
    protocol: 'udp',
    encapsulation: 'reduced',
  }),
  policy('tunnel-only', '2001:db8:e::/64', sids(3, 2), {
    protocol: 'udp',
    ports: [{ first: 4789, last: 4789 }],
  }),
];
const byId = (id: string) => POLICIES.find((p) => p.id === id)!;

/** First fragment: Fragment header (offset 0, M 1) then a UDP header and data. */
function firstFragment(destination: string, identification: number, port: number): Uint8Array {
  return ipv6Frame({
    destination,
    extensionHeaders: [{ kind: 'fragment', offset: 0, more: true, identification }],
    upper: { kind: 'udp', destinationPort: port, payloadLength: 1224 },
  });
}

/**
 * A later fragment: only data. Its first bytes read as a UDP header would say destination port
 * 53, so a program that took them for ports would pick the wrong policy.
 */
function laterFragment(
  destination: string,
  identification: number,
  options: { offset?: number; more?: boolean; before?: ExtensionHeader[] } = {},
): Uint8Array {
  const data = patternBytes(600, 5);
  data.set([0x9c, 0x40, 0x00, 0x35], 0);
  return ipv6Frame({
    destination,
    extensionHeaders: [
      ...(options.before ?? []),
      {
        kind: 'fragment',
        offset: options.offset ?? 154,
        more: options.more ?? false,
        identification,
      },
    ],
    upper: { kind: 'raw', protocol: NEXT_HEADER.udp, bytes: data },
  });
}

describe('fragments on the real program', () => {
  let program: Srv6Program;

  beforeAll(() => {
    program = loadSrv6Program();
    program.apply(POLICIES);
  });
  afterAll(() => program?.remove());

  /** srv6_fragments value for (destination, identification), or undefined. */
  function recorded(destination: string, identification: number): number | undefined {
    const key = new Uint8Array(STRUCT_LAYOUT.srv6_fragment_key.size);
    key.set(parseIpv6Address(destination), STRUCT_LAYOUT.srv6_fragment_key.members.destination);
    new DataView(key.buffer).setUint32(
      STRUCT_LAYOUT.srv6_fragment_key.members.identification,
      identification,
      true, // host byte order, as the map contract says
    );
    const value = program.object.map('srv6_fragments').lookup(key);
    return value && new DataView(value.buffer).getUint32(0, true);
  }

  function expectEncapsulatedBy(frame: Uint8Array, id: string): void {
    const { result, stats } = program.runCounting(frame);
    expect(result.returnValue).toBe(TC_ACT_OK);
    const { encapsulation, segments, source } = byId(id);
    expectSrv6Encapsulation(frame, result.output, { mode: encapsulation, segments, source });
    expect(stats).toEqual(onlyCounted({ encapsulated: 1 }));
  }

  function expectUnchanged(frame: Uint8Array): void {
    const { result, stats } = program.runCounting(frame);
    expect(result.returnValue).toBe(TC_ACT_OK);
    expect(result.output).toEqual(frame);
    expect(stats).toEqual(onlyCounted({ no_match: 1 }));
  }

  it('the first fragment is decided by its port and recorded; the rest of the datagram follows it', () => {
    const identification = 0x01020304; // byte order visible in the key
    const slot = program.slotOf('vxlan-path');
    const before = program.counters(slot);
    expect(recorded(WITH_FALLBACK, identification)).toBeUndefined();

    const first = firstFragment(WITH_FALLBACK, identification, 4789);
    expectEncapsulatedBy(first, 'vxlan-path');
    expect(recorded(WITH_FALLBACK, identification)).toBe(slot);

    const middle = laterFragment(WITH_FALLBACK, identification, { offset: 154, more: true });
    const last = laterFragment(WITH_FALLBACK, identification, { offset: 308, more: false });
    expectEncapsulatedBy(middle, 'vxlan-path'); // not udp-fallback, although it has no ports
    expectEncapsulatedBy(last, 'vxlan-path');

    expect(program.counters(slot)).toEqual({
      packets: before.packets + 3n,
      bytes: before.bytes + BigInt(first.length + middle.length + last.length),
    });
  });

  it('a fragment after Hop-by-Hop and Destination Options headers is handled alike', () => {
    const identification = 0xfeedface;
    const before: ExtensionHeader[] = [
      { kind: 'hop-by-hop' },
      { kind: 'destination-options', units: 1 },
    ];
    const first = ipv6Frame({
      destination: WITH_FALLBACK,
      extensionHeaders: [...before, { kind: 'fragment', offset: 0, more: true, identification }],
      upper: { kind: 'udp', destinationPort: 4789, payloadLength: 600 },
    });
    expectEncapsulatedBy(first, 'vxlan-path');
    expect(recorded(WITH_FALLBACK, identification)).toBe(program.slotOf('vxlan-path'));
    expectEncapsulatedBy(laterFragment(WITH_FALLBACK, identification, { before }), 'vxlan-path');
  });

  it('a later fragment with an unknown identification falls back to the all-ports rule', () => {
    expectEncapsulatedBy(laterFragment(WITH_FALLBACK, 0x7777), 'udp-fallback');
    expect(recorded(WITH_FALLBACK, 0x7777)).toBeUndefined(); // later fragments record nothing
  });

  it('the record is per destination: same identification to another address falls back', () => {
    const identification = 0x0a0b0c0d;
    expectEncapsulatedBy(firstFragment(WITH_FALLBACK, identification, 4789), 'vxlan-path');
    expectEncapsulatedBy(laterFragment('2001:db8:f::2', identification), 'udp-fallback');
  });

  it('without an all-ports rule, an unknown later fragment passes unchanged', () => {
    expectUnchanged(laterFragment(PORT_ONLY, 0x4242));
  });

  it('a later fragment whose first fragment took the port rule there is encapsulated', () => {
    const identification = 0x5151;
    expectEncapsulatedBy(firstFragment(PORT_ONLY, identification, 4789), 'tunnel-only');
    expectEncapsulatedBy(laterFragment(PORT_ONLY, identification), 'tunnel-only');
  });

  it('a first fragment that matched nothing records SRV6_NO_POLICY, and its followers pass too', () => {
    const identification = 0x6262;
    expectUnchanged(firstFragment(PORT_ONLY, identification, 53));
    expect(recorded(PORT_ONLY, identification)).toBe(NO_POLICY);
    expectUnchanged(laterFragment(PORT_ONLY, identification));
  });

  it('a first fragment on the all-ports rule records that slot', () => {
    const identification = 0x7373;
    expectEncapsulatedBy(firstFragment(WITH_FALLBACK, identification, 9999), 'udp-fallback');
    expect(recorded(WITH_FALLBACK, identification)).toBe(program.slotOf('udp-fallback'));
  });

  it('an atomic fragment (offset 0, M 0) is decided by its port and not recorded', () => {
    const identification = 0x8484;
    const atomic = ipv6Frame({
      destination: WITH_FALLBACK,
      extensionHeaders: [{ kind: 'fragment', offset: 0, more: false, identification }],
      upper: { kind: 'udp', destinationPort: 4789 },
    });
    expectEncapsulatedBy(atomic, 'vxlan-path');
    expect(recorded(WITH_FALLBACK, identification)).toBeUndefined();
  });

  it('the map key is exactly 20 bytes (destination, identification)', () => {
    expect(program.object.map('srv6_fragments').keySize).toBe(STRUCT_LAYOUT.srv6_fragment_key.size);
    expect(program.object.map('srv6_fragments').valueSize).toBe(encodeSlot(0).length);
  });
});
