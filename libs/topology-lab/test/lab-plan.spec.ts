/** The lab plan of examples/topology.yaml: IGP next hops, ECMP, SIDs, addressing, filters. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument, validateTopology, type Topology } from '@srv6/schema';
import { planLab, routerRuleset, tbfArguments, type LabPlan } from '../src/pure.js';

const examples = join(dirname(fileURLToPath(import.meta.url)), '../../../examples');
const parsed = parseDocument(readFileSync(join(examples, 'topology.yaml'), 'utf8'));
if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
const validated = validateTopology(parsed.value);
if (!validated.ok) throw new Error(JSON.stringify(validated.errors));
const topology: Topology = validated.value;

function routersOn(plan: LabPlan, router: string, destination: string): string[] {
  const routerPlan = plan.routers.find((r) => r.name === router)!;
  const route = routerPlan.routes.find((r) => r.destination === destination);
  if (!route) return [];
  return route.nextHops.map((hop) => {
    const link = plan.links.find((l) => l.a.address === hop.via || l.b.address === hop.via);
    return link ? (link.a.address === hop.via ? link.a.node : link.b.node) : `host ${hop.via}`;
  });
}

describe('planLab on examples/topology.yaml', () => {
  const plan = planLab(topology);

  it.each([
    // [router, destination, next-hop routers]: shortest paths by igpMetric
    ['r1', 'fc00:0:6::d6/128', ['r4']], // r1-r4-r6 = 20
    ['r1', '2001:db8:b::/64', ['r4']],
    ['r1', 'fc00:0:5::1/128', ['r4']], // r1-r4-r5 = 20 < r1-r5 = 40
    ['r1', 'fc00:0:3::e36/128', ['r3']], // r3's adjacency SID routes to r3
    ['r3', 'fc00:0:6::1/128', ['r6', 'r6']], // r3-r6 and r3-r6-b tie: ECMP over both links
    ['r6', '2001:db8:a::/64', ['r4']],
    ['r2', 'fc00:0:3::f1/128', ['r1', 'r6']], // service SID on r3: 50 + 30 either way (ECMP)
  ])('%s routes %s via %j', (router, destination, expected) => {
    expect(routersOn(plan, router, destination)).toEqual(expected);
  });

  it('routes hosts inside their router prefix by that prefix, and /128 only on their router', () => {
    expect(routersOn(plan, 'r1', '2001:db8:a::10/128')).toEqual(['host fd00:b:0::2']);
    expect(routersOn(plan, 'r4', '2001:db8:a::10/128')).toEqual([]);
  });

  it('moves routes off a link that is down (the IGP reconverges)', () => {
    const down = planLab(topology, { downLinks: new Set(['r1-r4']) });
    // r1-r3-r6 = 60 ties r1-r5-r4-r6 = 40 + 10 + 10; r1-r2-r6 = 100
    expect(routersOn(down, 'r1', 'fc00:0:6::d6/128')).toEqual(['r3', 'r5']);
    expect(down.links.find((l) => l.name === 'r1-r4')!.up).toBe(false);
    const both = planLab(topology, { downLinks: new Set(['r3-r6']) });
    expect(routersOn(both, 'r3', 'fc00:0:6::1/128')).toEqual(['r6']); // the twin only
  });

  it('installs End, End.DT6, End.X towards the far end, and the service SID', () => {
    const r3 = plan.routers.find((r) => r.name === 'r3')!;
    const link = plan.links.find((l) => l.name === 'r3-r6')!;
    expect(r3.sids).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ sid: 'fc00:0:3::1', action: 'End', role: 'node' }),
        expect.objectContaining({
          sid: 'fc00:0:3::e36',
          action: 'End.X',
          device: link.a.node === 'r3' ? link.a.device : link.b.device,
          nextHop: link.a.node === 'r6' ? link.a.address : link.b.address,
        }),
        expect.objectContaining({ sid: 'fc00:0:3::f1', action: 'End', role: 'service fw1' }),
      ]),
    );
    const r6 = plan.routers.find((r) => r.name === 'r6')!;
    expect(r6.sids).toContainEqual(
      expect.objectContaining({ sid: 'fc00:0:6::d6', action: 'End.DT6' }),
    );
  });

  it('gives unique addresses and interface names of at most 15 characters', () => {
    const addresses = plan.routers.flatMap((r) => r.interfaces.map((i) => i.address));
    addresses.push(...plan.hosts.map((h) => h.subnet.second));
    expect(new Set(addresses).size).toBe(addresses.length);
    for (const router of plan.routers) {
      const names = router.interfaces.map((i) => i.name);
      expect(new Set(names).size).toBe(names.length);
      for (const name of names) expect(name.length).toBeLessThanOrEqual(15);
    }
  });

  it('routes a host address outside its router prefixes as a /128 from every router', () => {
    const moved: Topology = {
      ...topology,
      spec: {
        ...topology.spec,
        hosts: [{ name: 'odd', attachedTo: 'r6', address: '2001:db8:ff::1' }],
      },
    };
    const oddPlan = planLab(moved);
    expect(routersOn(oddPlan, 'r1', '2001:db8:ff::1/128')).toEqual(['r4']);
    expect(routersOn(oddPlan, 'r6', '2001:db8:ff::1/128')).toEqual(['host fd00:b:0::2']);
  });
});

describe('shaping and filters', () => {
  it.each([
    [100, '100mbit', 65536],
    [10000, '10000mbit', 2500000],
  ])('tbf at %d Mbit/s: rate %s, burst %d bytes', (mbps, rate, burst) => {
    expect(tbfArguments(mbps)).toEqual([
      'tbf',
      'rate',
      rate,
      'burst',
      String(burst),
      'latency',
      '20ms',
    ]);
  });

  it('counts packets per source host and drops per million on lossy devices only', () => {
    const rules = routerRuleset({
      hosts: [{ name: 'host-a1', address: '2001:db8:a::10' }],
      drops: [
        { device: 'l5-r4', lossPercent: 2 },
        { device: 'l0-r2', lossPercent: 0 },
      ],
    });
    expect(rules).toContain('ip6 saddr 2001:db8:a::10 counter name "from-host-a1"');
    expect(rules).toContain('oifname "l5-r4" numgen random mod 1000000 < 20000 drop');
    expect(rules).not.toContain('l0-r2');
  });
});
