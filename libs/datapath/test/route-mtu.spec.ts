import fc from 'fast-check';
import {
  formatIpv6Prefix,
  maskAddress,
  parseIpv6Address,
  parseIpv6Prefix,
  prefixCovers,
} from '../src/ipv6-address.js';
import { routeMtus } from '../src/route-mtu.js';
import { encapOverhead } from '../src/datapath-limits.js';
import { DatapathPolicy } from '../src/policy.js';

const sids = (n: number): string[] => Array.from({ length: n }, (_, i) => `fc00:0:${i + 1}::1`);

function policy(
  destination: string,
  segments: number,
  encapsulation: 'srh' | 'reduced' = 'srh',
): DatapathPolicy {
  return {
    id: destination,
    destination,
    protocol: 'any',
    ports: [],
    segments: sids(segments),
    encapsulation,
    source: '2001:db8:a::10',
  };
}

describe('encapOverhead', () => {
  it.each([
    [1, 'srh', 64],
    [2, 'srh', 80],
    [16, 'srh', 304],
    [1, 'reduced', 40],
    [2, 'reduced', 64],
    [16, 'reduced', 288],
  ] as const)('%i segments, %s: %i bytes', (n, mode, bytes) => {
    expect(encapOverhead(n, mode)).toBe(bytes);
  });
});

describe('routeMtus', () => {
  it('leaves room for the largest encapsulation covering each steered prefix', () => {
    const mtus = routeMtus(
      [
        policy('2001:db8::/32', 3),
        policy('2001:db8:b::/64', 1),
        policy('2001:db8:c::/64', 1, 'reduced'),
      ],
      1500,
    );
    expect(mtus).toEqual([
      { destination: '2001:db8::/32', mtu: 1500 - 96 },
      { destination: '2001:db8:b::/64', mtu: 1500 - 96 }, // the /32's 3-SID policy can apply too
      { destination: '2001:db8:c::/64', mtu: 1500 - 96 },
    ]);
    expect(routeMtus([policy('2001:db8:c::/64', 1, 'reduced')], 1500)).toEqual([
      { destination: '2001:db8:c::/64', mtu: 1460 },
    ]);
  });

  it('refuses a route MTU below the IPv6 minimum and says what to do', () => {
    expect(() => routeMtus([policy('2001:db8::/64', 16)], 1500)).toThrow(
      /minus 304 bytes of encapsulation is below IPv6's minimum 1280; use fewer segments/,
    );
    expect(routeMtus([policy('2001:db8::/64', 16)], 1600)).toEqual([
      { destination: '2001:db8::/64', mtu: 1296 },
    ]);
  });
});

describe('routeMtus against all pairs', () => {
  // Nested prefixes in a small space, so many cover each other: 2001:db8:<a>:<b>::<c>/len.
  const arbitraryPolicy = fc
    .record({
      a: fc.integer({ min: 0, max: 3 }),
      b: fc.integer({ min: 0, max: 3 }),
      c: fc.integer({ min: 0, max: 3 }),
      length: fc.constantFrom(32, 48, 64, 112, 128),
      segments: fc.integer({ min: 1, max: 16 }),
      reduced: fc.boolean(),
    })
    .map(({ a, b, c, length, segments, reduced }) => {
      const address = parseIpv6Address(`2001:db8:${a}:${b}::${c}`);
      const destination = formatIpv6Prefix({ address: maskAddress(address, length), length });
      return policy(destination, segments, reduced ? 'reduced' : 'srh');
    });

  /** The definition: the largest overhead of every policy whose prefix covers the prefix. */
  function reference(policies: readonly DatapathPolicy[], uplinkMtu: number): Map<string, number> {
    const parsed = policies.map((p) => ({
      prefix: parseIpv6Prefix(p.destination),
      overhead: encapOverhead(p.segments.length, p.encapsulation),
    }));
    return new Map(
      parsed.map(({ prefix }) => [
        formatIpv6Prefix(prefix),
        uplinkMtu -
          Math.max(...parsed.filter((o) => prefixCovers(o.prefix, prefix)).map((o) => o.overhead)),
      ]),
    );
  }

  it('gives every prefix the MTU the pairwise definition gives (500 random sets)', () => {
    fc.assert(
      fc.property(fc.array(arbitraryPolicy, { minLength: 1, maxLength: 40 }), (policies) => {
        const mtus = routeMtus(policies, 9000);
        expect(new Map(mtus.map((route) => [route.destination, route.mtu]))).toEqual(
          reference(policies, 9000),
        );
        expect(mtus).toHaveLength(new Set(mtus.map((route) => route.destination)).size);
      }),
      { seed: 7, numRuns: 500 },
    );
  });
});
