import type { Intent, Topology } from '@srv6/schema';
import { policyRecords, portRange } from '../src/services/policy-records.js';

describe('policyRecords', () => {
  it('carries match, encapsulation, the host address as source and the computed path', () => {
    const intent = {
      apiVersion: 'srv6.intents/v1',
      kind: 'Intent',
      metadata: { name: 'video' },
      spec: {
        hosts: ['host-a'],
        match: { destination: '2001:db8:b::/64', protocol: 'udp', ports: [3478, '5000-5100'] },
        objective: 'low-latency',
        encapsulation: 'reduced',
      },
    } as Intent;
    const topology = {
      spec: {
        nodes: [],
        links: [],
        hosts: [{ name: 'host-a', attachedTo: 'r1', address: '2001:db8:a::10' }],
      },
    } as unknown as Topology;
    const [record] = policyRecords(intent, 7, topology, 3, [
      {
        intent: 'video',
        host: 'host-a',
        status: 'ok',
        path: ['r1', 'r3', 'r4'],
        segments: ['fc00:0:3::1', 'fc00:0:4::d6'],
      },
    ]);
    expect(record).toEqual({
      intent: 'video',
      host: 'host-a',
      intentRevision: 7,
      topologyRevision: 3,
      status: 'ok',
      destination: '2001:db8:b::/64',
      protocol: 'udp',
      ports: [
        { first: 3478, last: 3478 },
        { first: 5000, last: 5100 },
      ],
      path: ['r1', 'r3', 'r4'],
      segments: ['fc00:0:3::1', 'fc00:0:4::d6'],
      encapsulation: 'reduced',
      source: '2001:db8:a::10',
      objective: 'low-latency',
    });
  });

  it.each([
    [80, { first: 80, last: 80 }],
    ['80', { first: 80, last: 80 }],
    ['1-65535', { first: 1, last: 65535 }],
  ])('portRange(%j)', (input, expected) => {
    expect(portRange(input)).toEqual(expected);
  });
});
