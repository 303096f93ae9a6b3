/**
 * The throughput lab: the diamond topology of the datapath test (host-a — r1 — r2|r3 — r4 —
 * host-b, kernel SRv6 routers: End at r3, End.DT6 at r4), with host-a's traffic to host-b sent
 * one of three ways:
 *   plain       no encapsulation, no program: the IGP path via r2;
 *   kernelSeg6  host-a route `encap seg6 mode encap segs r3,r4-decap` (kernel lwtunnel), via r3;
 *   bpfEncap    our tc program through HostDatapath + DatapathProgrammer with the same SID list
 *               and H.Encaps, plus the route MTU the agent sets (applyRouteMtus(routeMtus())).
 * Both encapsulated paths have the same hops as the plain one (r3 instead of r2).
 *
 * MTU fairness: the kernel subtracts an lwtunnel's headroom (here 40 + 8 + 32 = 80) from the
 * route MTU itself (ip6_dst_mtu_maybe_forward), so the seg6 route gets no `mtu`: its effective
 * MTU is 1500 - 80 = 1420, the same as the 1420 routeMtus() installs for bpfEncap. Adding
 * `mtu 1420` to the seg6 route would give it 1340 (measured: a smaller MSS), an unfair handicap.
 */
import {
  applyRouteMtus,
  type DatapathPolicy,
  type DatapathProgrammer,
  HostDatapath,
  routeMtus,
} from '@srv6/datapath';
import { buildDiamondLab, HOST_A, HOST_B, ip, NetnsLab, SID } from '@srv6/netlab';
import type { Cleanup } from '../common/cleanup.js';

export const VARIANTS = ['plain', 'kernelSeg6', 'bpfEncap'] as const;
export type Variant = (typeof VARIANTS)[number];

export const LINK_MTU = 1500;
const DESTINATION = '2001:db8:b::/64';
const GATEWAY = '2001:db8:a::1';
export const LAB_SEGMENTS = [SID.r3, SID.r4Decap];

const POLICY: DatapathPolicy = {
  id: 'bench-iperf',
  destination: DESTINATION,
  protocol: 'any',
  ports: [],
  segments: LAB_SEGMENTS,
  encapsulation: 'srh',
  source: HOST_A,
};

/** Bytes r2 and r3 received from r1: which path the traffic took. */
export interface PathBytes {
  readonly viaR2: number;
  readonly viaR3: number;
}

export class SteeringLab {
  private constructor(
    readonly lab: NetnsLab,
    private readonly datapath: HostDatapath,
    private readonly programmer: DatapathProgrammer,
  ) {}

  static build(cleanup: Cleanup): SteeringLab {
    const lab = new NetnsLab('s6bn');
    cleanup.add(`destroy lab ${lab.prefix}`, () => lab.destroy());
    buildDiamondLab(lab, LINK_MTU);
    for (const host of ['host-a', 'host-b']) {
      // No cached cwnd/ssthresh from one variant's connection carried into the next one's.
      lab.sysctl(host, 'net.ipv4.tcp_no_metrics_save', '1');
    }
    ip(['sr', 'tunsrc', 'set', HOST_A], lab.ns('host-a')); // outer source, as the policy's
    const datapath = HostDatapath.open({
      instance: `bench-${lab.prefix}`,
      interfaceName: 'eth0',
      netns: lab.ns('host-a'),
      capacity: 1024,
    });
    cleanup.add(`tear down HostDatapath ${datapath.pinDirectory}`, () => datapath.teardown());
    return new SteeringLab(lab, datapath, datapath.programmer());
  }

  get pinDirectory(): string {
    return this.datapath.pinDirectory;
  }

  /** Switches host-a to `variant`, undoing whatever the previous one set up. */
  use(variant: Variant): void {
    const hostA = this.lab.ns('host-a');
    this.datapath.detach({ clsact: true });
    this.programmer.apply([]);
    applyRouteMtus([], hostA);
    this.deleteSeg6Route();
    if (variant === 'kernelSeg6') {
      ip(
        ['-6', 'route', 'add', DESTINATION, 'encap', 'seg6', 'mode', 'encap', 'segs'].concat([
          LAB_SEGMENTS.join(','),
          'via',
          GATEWAY,
          'dev',
          'eth0',
        ]),
        hostA,
      );
    } else if (variant === 'bpfEncap') {
      const report = this.programmer.apply([POLICY]);
      if (report.rejected.length > 0)
        throw new Error(`policy rejected: ${report.rejected[0]!.reason}`);
      applyRouteMtus(routeMtus([POLICY], LINK_MTU), hostA);
      this.datapath.attach();
    }
  }

  /** `ip -6 route get` for host-b from host-a: the route (and MTU) the variant's traffic uses. */
  route(): string {
    return ip(['-6', 'route', 'get', HOST_B], this.lab.ns('host-a')).trim();
  }

  pathBytes(): PathBytes {
    return {
      viaR2: this.lab.rxCounters('r2', 'to-r1').bytes,
      viaR3: this.lab.rxCounters('r3', 'to-r1').bytes,
    };
  }

  /** Packets the program dropped because they would not fit (must stay 0). */
  mtuDrops(): bigint {
    return this.programmer.stats().mtu_exceeded;
  }

  private deleteSeg6Route(): void {
    const hostA = this.lab.ns('host-a');
    const routes = JSON.parse(
      ip(['-j', '-6', 'route', 'show', DESTINATION], hostA) || '[]',
    ) as Array<{
      encap?: string;
    }>;
    if (routes.some((route) => route.encap === 'seg6')) {
      ip(['-6', 'route', 'del', DESTINATION], hostA); // the only route for it in this variant
    }
  }
}
