/**
 * applyRouteMtus on a real routing table (a test namespace): many routes in one reconcile,
 * changed MTUs, removed destinations, other routes untouched, and a destination without a route.
 */
import { execFileSync } from 'node:child_process';
import { applyRouteMtus, installedRouteMtus } from '../src/route-mtu-applier.js';
import type { RouteMtu } from '../src/route-mtu.js';
import { createTestNamespace, type TestNamespace } from './support/kernel-fixture.js';

const ip = (namespace: TestNamespace, ...args: string[]): string =>
  execFileSync('ip', ['-n', namespace.name, ...args], { encoding: 'utf8' });

const routes = (count: number, mtu: (i: number) => number): RouteMtu[] =>
  Array.from({ length: count }, (_, i) => ({
    destination: `2001:db8:${(i + 1).toString(16)}::/64`, // canonical, as routeMtus writes it
    mtu: mtu(i),
  }));

describe('applyRouteMtus (real routing table)', () => {
  let namespace: TestNamespace;
  beforeAll(() => {
    namespace = createTestNamespace();
    ip(namespace, 'addr', 'add', 'fd00:99::1/64', 'dev', 'veth0', 'nodad');
    ip(namespace, '-6', 'route', 'add', 'default', 'via', 'fd00:99::2', 'dev', 'veth0');
    // Someone else's route in the same prefix space: never touched.
    ip(namespace, '-6', 'route', 'add', '2001:db8:ffff::/64', 'via', 'fd00:99::2', 'dev', 'veth0');
  });
  afterAll(() => namespace.remove());

  it('installs, changes and removes exactly what is asked, in bulk', () => {
    const first = routes(600, (i) => 1420 - (i % 3) * 16);
    expect(applyRouteMtus(first, namespace.name)).toBe(600);
    expect(installedRouteMtus(namespace.name)).toEqual(
      new Map(first.map((route) => [route.destination, route.mtu])),
    );
    // The copied next hop.
    expect(ip(namespace, '-6', 'route', 'show', '2001:db8:5::/64')).toMatch(
      /via fd00:99::2 dev veth0 proto 250 .*mtu 1404/,
    );

    // Same again: nothing to do.
    expect(applyRouteMtus(first, namespace.name)).toBe(0);

    // 100 MTUs change, the last 200 go away.
    const second = routes(400, (i) => (i < 100 ? 1380 : 1420 - (i % 3) * 16));
    expect(applyRouteMtus(second, namespace.name)).toBe(100 + 200);
    expect(installedRouteMtus(namespace.name)).toEqual(
      new Map(second.map((route) => [route.destination, route.mtu])),
    );
    expect(ip(namespace, '-6', 'route', 'show', '2001:db8:ffff::/64')).toMatch(/via fd00:99::2/);

    expect(applyRouteMtus([], namespace.name)).toBe(400);
    expect(installedRouteMtus(namespace.name).size).toBe(0);
  });

  it('names a destination the host has no route to, and adds nothing', () => {
    ip(namespace, '-6', 'route', 'del', 'default');
    try {
      ip(namespace, '-6', 'route', 'add', '2001:db8:1::/48', 'via', 'fd00:99::2', 'dev', 'veth0');
      const wanted = [
        { destination: '2001:db8:1:1::/64', mtu: 1420 },
        { destination: '2001:db9::/64', mtu: 1420 },
      ];
      expect(() => applyRouteMtus(wanted, namespace.name)).toThrow(
        /^no route to 2001:db9::\/64 on this host: add a default route first/,
      );
      expect(installedRouteMtus(namespace.name).size).toBe(0);
    } finally {
      ip(namespace, '-6', 'route', 'add', 'default', 'via', 'fd00:99::2', 'dev', 'veth0');
    }
  });
});
