/**
 * The datapath test topology (issue 2): host-a — r1 — r2 — r4 — host-b plus r1 — r3 — r4.
 * Linux SRv6 routers: seg6local End on every router (fc00:0:N::1), End.DT6 at r4
 * (fc00:0:4::d6). Static routes are the IGP: r1 reaches r4 and host-b through r2.
 */
import { NetnsLab } from './netns-lab.js';

export const HOST_A = '2001:db8:a::10';
export const HOST_B = '2001:db8:b::10';
export const HOST_B_PING = '2001:db8:b::20';
export const SID = {
  r1: 'fc00:0:1::1',
  r2: 'fc00:0:2::1',
  r3: 'fc00:0:3::1',
  r4: 'fc00:0:4::1',
  r4Decap: 'fc00:0:4::d6',
} as const;

export function buildDiamondLab(lab: NetnsLab, mtu = 1500): void {
  for (const host of ['host-a', 'host-b']) lab.addNode(host);
  for (const router of ['r1', 'r2', 'r3', 'r4']) lab.addNode(router, { router: true });

  lab.addLink('host-a', 'eth0', 'r1', 'to-a', { mtu });
  lab.addLink('r1', 'to-r2', 'r2', 'to-r1', { mtu });
  lab.addLink('r1', 'to-r3', 'r3', 'to-r1', { mtu });
  lab.addLink('r2', 'to-r4', 'r4', 'to-r2', { mtu });
  lab.addLink('r3', 'to-r4', 'r4', 'to-r3', { mtu });
  lab.addLink('r4', 'to-b', 'host-b', 'eth0', { mtu });

  lab.addAddress('host-a', 'eth0', `${HOST_A}/64`);
  lab.addAddress('r1', 'to-a', '2001:db8:a::1/64');
  lab.addAddress('r4', 'to-b', '2001:db8:b::1/64');
  lab.addAddress('host-b', 'eth0', `${HOST_B}/64`);
  lab.addAddress('host-b', 'eth0', `${HOST_B_PING}/64`);
  const transfer: Array<[string, string, string, string, string]> = [
    ['r1', 'to-r2', 'r2', 'to-r1', 'fd00:12::'],
    ['r1', 'to-r3', 'r3', 'to-r1', 'fd00:13::'],
    ['r2', 'to-r4', 'r4', 'to-r2', 'fd00:24::'],
    ['r3', 'to-r4', 'r4', 'to-r3', 'fd00:34::'],
  ];
  for (const [a, aIf, b, bIf, net] of transfer) {
    lab.addAddress(a, aIf, `${net}${a.slice(1)}/64`);
    lab.addAddress(b, bIf, `${net}${b.slice(1)}/64`);
  }

  lab.addRoute('host-a', ['default', 'via', '2001:db8:a::1']);
  lab.addRoute('host-b', ['default', 'via', '2001:db8:b::1']);
  const routes: Record<string, Array<[string, string]>> = {
    r1: [
      ['2001:db8:b::/64', 'fd00:12::2'],
      ['fc00:0:2::/48', 'fd00:12::2'],
      ['fc00:0:3::/48', 'fd00:13::3'],
      ['fc00:0:4::/48', 'fd00:12::2'],
    ],
    r2: [
      ['2001:db8:a::/64', 'fd00:12::1'],
      ['2001:db8:b::/64', 'fd00:24::4'],
      ['fc00:0:1::/48', 'fd00:12::1'],
      ['fc00:0:3::/48', 'fd00:12::1'],
      ['fc00:0:4::/48', 'fd00:24::4'],
    ],
    r3: [
      ['2001:db8:a::/64', 'fd00:13::1'],
      ['2001:db8:b::/64', 'fd00:34::4'],
      ['fc00:0:1::/48', 'fd00:13::1'],
      ['fc00:0:2::/48', 'fd00:13::1'],
      ['fc00:0:4::/48', 'fd00:34::4'],
    ],
    r4: [
      ['2001:db8:a::/64', 'fd00:24::2'],
      ['fc00:0:1::/48', 'fd00:24::2'],
      ['fc00:0:2::/48', 'fd00:24::2'],
      ['fc00:0:3::/48', 'fd00:34::3'],
    ],
  };
  for (const [router, list] of Object.entries(routes)) {
    for (const [prefix, via] of list) lab.addRoute(router, [prefix, 'via', via]);
  }
  const anyInterface: Record<string, string> = {
    r1: 'to-r2',
    r2: 'to-r1',
    r3: 'to-r1',
    r4: 'to-r2',
  };
  for (const [router, sid] of [
    ['r1', SID.r1],
    ['r2', SID.r2],
    ['r3', SID.r3],
    ['r4', SID.r4],
  ] as const) {
    lab.addRoute(router, [
      `${sid}/128`,
      'encap',
      'seg6local',
      'action',
      'End',
      'dev',
      anyInterface[router]!,
    ]);
  }
  lab.addRoute('r4', [
    `${SID.r4Decap}/128`,
    'encap',
    'seg6local',
    'action',
    'End.DT6',
    'table',
    '254',
    'dev',
    'to-r2',
  ]);
}
