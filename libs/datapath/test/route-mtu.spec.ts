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
