/**
 * The kernel side of the agent: the tc program on the uplink, its maps, the steered-prefix
 * routes, and the policy slots remembered across restarts. The reconciler sees only DatapathPort.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ApplyReport,
  applyRouteMtus,
  Counters,
  DatapathPolicy,
  DatapathProgrammer,
  HostDatapath,
  routeMtus,
} from '@srv6/datapath';
import { spawnSync } from 'node:child_process';
import { AgentConfig } from '../config.js';

export interface DatapathPort {
  /** Programs maps and routes to exactly these policies. */
  apply(policies: readonly DatapathPolicy[]): ApplyReport;
  counters(): Map<string, Counters>;
  readonly uplinkMtu: number;
  close(): void;
}

export const DATAPATH_PORT = Symbol('DATAPATH_PORT');

function interfaceMtu(name: string, netns?: string): number {
  const args = [...(netns ? ['-n', netns] : []), '-j', 'link', 'show', 'dev', name];
  const result = spawnSync('ip', args, { encoding: 'utf8' });
  if (result.status !== 0)
    throw new Error(`cannot read the MTU of ${name}: ${result.stderr.trim()}`);
  const [link] = JSON.parse(result.stdout) as Array<{ mtu: number }>;
  return link!.mtu;
}

export class KernelDatapath implements DatapathPort {
  readonly uplinkMtu: number;
  private readonly datapath: HostDatapath;
  private readonly programmer: DatapathProgrammer;
  private readonly slotsFile: string;

  constructor(private readonly config: AgentConfig) {
    this.uplinkMtu = interfaceMtu(config.interfaceName, config.netns);
    this.datapath = HostDatapath.open({
      instance: config.instance,
      interfaceName: config.interfaceName,
      netns: config.netns,
      capacity: config.capacity,
    });
    this.datapath.attach();
    mkdirSync(config.stateDirectory, { recursive: true });
    this.slotsFile = join(config.stateDirectory, 'slots.json');
    this.programmer = this.datapath.programmer(this.readSlots());
  }

  apply(policies: readonly DatapathPolicy[]): ApplyReport {
    const report = this.programmer.apply(policies);
    const programmed = policies.filter((policy) => report.programmed.has(policy.id));
    applyRouteMtus(routeMtus(programmed, this.uplinkMtu), this.config.netns);
    writeFileSync(this.slotsFile, JSON.stringify(Object.fromEntries(report.programmed)));
    return report;
  }

  counters(): Map<string, Counters> {
    return this.programmer.counters();
  }

  /** Leaves the program attached and the maps pinned: traffic keeps flowing without the agent. */
  close(): void {
    this.datapath.close();
  }

  private readSlots(): Map<string, number> {
    try {
      return new Map(
        Object.entries(JSON.parse(readFileSync(this.slotsFile, 'utf8')) as Record<string, number>),
      );
    } catch {
      return new Map();
    }
  }
}
