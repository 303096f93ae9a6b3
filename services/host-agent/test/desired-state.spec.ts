import { PolicyRecord } from '@srv6/bus';
import {
  countStates,
  desiredPolicies,
  hostStatuses,
  prefixEntries,
} from '../src/services/desired-state.js';

const base: PolicyRecord = {
  intent: 'x',
  host: 'h',
  intentRevision: 1,
  topologyRevision: 1,
  status: 'ok',
  destination: '2001:db8::/64',
  protocol: 'any',
  ports: [],
  path: ['r1', 'r2'],
  segments: ['fc00::1'],
  encapsulation: 'srh',
  source: '2001:db8:a::1',
};

describe('desiredPolicies', () => {
  it.each([
    [10, 'srh', 1500, true],
    [11, 'srh', 1500, false],
    [11, 'reduced', 1500, true],
    [12, 'reduced', 1500, false],
    [16, 'srh', 1584, true],
  ] as const)(
    '%i segments %s on a %i-byte uplink: programmable=%s',
    (n, encapsulation, mtu, ok) => {
      const segments = Array.from({ length: n }, (_, i) => `fc00::${i + 1}`);
      const result = desiredPolicies(new Map([['h.x', { ...base, segments, encapsulation }]]), mtu);
      expect(result.policies.length).toBe(ok ? 1 : 0);
      expect(result.refused.length).toBe(ok ? 0 : 1);
    },
  );

  it('leaves unsatisfiable records out and maps fields through', () => {
    const records = new Map<string, PolicyRecord>([
      ['h.a', base],
      ['h.b', { ...base, status: 'unsatisfiable', segments: [] }],
    ]);
    const { policies } = desiredPolicies(records, 1500);
    expect(policies).toEqual([
      {
        id: 'h.a',
        destination: base.destination,
        protocol: 'any',
        ports: [],
        segments: base.segments,
        encapsulation: 'srh',
        source: base.source,
      },
    ]);
    const statuses = hostStatuses(records, new Set(), [{ policyId: 'h.a', reason: 'full' }]);
    expect(Object.fromEntries(statuses)).toEqual({
      'h.a': { state: 'error', reason: 'full' },
      'h.b': { state: 'unsatisfiable', reason: 'no feasible path' },
    });
  });
});

describe('figures for metrics', () => {
  it('counts one srv6_prefixes entry per distinct programmed destination, as the compiler keys it', () => {
    const records = new Map<string, PolicyRecord>([
      ['h.a', base],
      ['h.b', { ...base, destination: '2001:db8:0::1/64', protocol: 'tcp' }], // same /64
      ['h.c', { ...base, destination: '2001:db8:c::1' }], // an address: a /128
      ['h.d', { ...base, destination: '2001:db8:d::/64' }], // not programmed
    ]);
    const { policies } = desiredPolicies(records, 1500);
    expect(prefixEntries(policies, new Set(['h.a', 'h.b', 'h.c']))).toBe(2);
    expect(prefixEntries(policies, new Set())).toBe(0);
  });

  it('counts statuses by state', () => {
    const statuses = new Map([
      ['h.a', { state: 'programmed' as const }],
      ['h.b', { state: 'programmed' as const }],
      ['h.c', { state: 'error' as const, reason: 'full' }],
    ]);
    expect(Object.fromEntries(countStates(statuses))).toEqual({ programmed: 2, error: 1 });
  });
});
