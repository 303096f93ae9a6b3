/**
 * One host's datapath: the loaded program with its pinned maps, attached to the uplink, and the
 * programmer that keeps the maps equal to the desired policies. The host-agent's only door to
 * the kernel; tests use it the same way.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BpfMap } from './bpf-map.js';
import { loadBpfObject, LoadedBpfObject } from './bpf-object.js';
import { ensureBpffsMounted, removePinDirectory } from './bpffs.js';
import { attachTcEgress, destroyClsact, detachTcEgress, queryTcEgress } from './tc-hook.js';
import { interfaceIndex, synchronizeRcu } from './libc.js';
import { withNetns } from './netns.js';
import { DatapathMaps, DatapathProgrammer } from './datapath-programmer.js';
import { PerCpuKernelMap } from './kernel-map.js';
import { DEFAULT_CAPACITY } from './datapath-limits.js';

const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The program built by `make -C bpf`. */
export const DEFAULT_OBJECT_PATH = resolve(repositoryRoot, 'bpf/build/srv6_encap.bpf.o');
export const PIN_ROOT = '/sys/fs/bpf/srv6-intents';
export const PROGRAM_NAME = 'srv6_egress';

export interface HostDatapathOptions {
  /** Names the pin directory: /sys/fs/bpf/srv6-intents/<instance>. */
  readonly instance: string;
  /** The uplink the program is attached to (egress). */
  readonly interfaceName: string;
  /** Network namespace of the interface (`ip netns` name); the current one when absent. */
  readonly netns?: string;
  readonly objectPath?: string;
  /** Policies (and prefixes) the maps hold; a load-time setting. */
  readonly capacity?: number;
}

function perCpu(map: BpfMap): PerCpuKernelMap {
  return {
    name: map.name,
    lookupPerCpu: (key) =>
      map.lookupPerCpu(key) ??
      Array.from({ length: map.cpuCount }, () => new Uint8Array(map.valueSize)),
    updatePerCpu: (key, values) => map.updatePerCpu(key, values),
  };
}

export class HostDatapath {
  readonly maps: DatapathMaps;
  readonly pinDirectory: string;

  private constructor(
    private readonly options: HostDatapathOptions,
    private readonly object: LoadedBpfObject,
    private readonly ifindex: number,
  ) {
    this.pinDirectory = object.pinDirectory;
    this.maps = {
      prefixes: object.map('srv6_prefixes'),
      prefixLengths: object.map('srv6_prefix_lens'),
      policies: object.map('srv6_policies'),
      counters: perCpu(object.map('srv6_counters')),
      stats: perCpu(object.map('srv6_stats')),
      capacity: object.map('srv6_policies').maxEntries,
      waitForReaders: synchronizeRcu,
    };
  }

  /** Loads the program (adopting pinned maps if present). Does not attach yet. */
  static open(options: HostDatapathOptions): HostDatapath {
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(options.instance)) {
      throw new Error(`instance '${options.instance}': use 1..64 of [A-Za-z0-9_.-]`);
    }
    ensureBpffsMounted();
    const capacity = options.capacity ?? DEFAULT_CAPACITY;
    const inNamespace = <T>(fn: () => T): T =>
      options.netns ? withNetns(options.netns, fn) : fn();
    const ifindex = inNamespace(() => interfaceIndex(options.interfaceName));
    const object = loadBpfObject({
      objectPath: options.objectPath ?? DEFAULT_OBJECT_PATH,
      pinDirectory: `${PIN_ROOT}/${options.instance}`,
      maxEntries: { srv6_prefixes: capacity, srv6_policies: capacity, srv6_counters: capacity },
    });
    return new HostDatapath(options, object, ifindex);
  }

  /** A programmer over these maps; `knownSlots` from a previous run avoids rewrites. */
  programmer(knownSlots?: ReadonlyMap<string, number>): DatapathProgrammer {
    return new DatapathProgrammer(this.maps, knownSlots);
  }

  /** Attaches to the uplink's egress (idempotent: replaces our own filter). */
  attach(): number | undefined {
    return this.inNamespace(() =>
      attachTcEgress({ ifindex: this.ifindex, programFd: this.object.programFd(PROGRAM_NAME) }),
    ).programId;
  }

  /** The id of the program attached to the uplink, if any. */
  attachedProgramId(): number | undefined {
    return this.inNamespace(() => queryTcEgress({ ifindex: this.ifindex }));
  }

  /** Removes our filter (idempotent); with `clsact`, also the qdisc. */
  detach({ clsact = false } = {}): void {
    this.inNamespace(() => {
      detachTcEgress({ ifindex: this.ifindex });
      if (clsact) destroyClsact(this.ifindex);
    });
  }

  /** Closes fds; pinned maps and the attached program stay in the kernel. */
  close(): void {
    this.object.close();
  }

  /** Detaches (with the clsact qdisc), closes and unpins: the host leaves for good. */
  teardown(): void {
    try {
      this.detach({ clsact: true });
    } finally {
      this.close();
      this.removePins();
    }
  }

  /** Deletes the pinned maps (after detach, when the host leaves for good). */
  removePins(): void {
    removePinDirectory(this.pinDirectory);
  }

  private inNamespace<T>(fn: () => T): T {
    return this.options.netns ? withNetns(this.options.netns, fn) : fn();
  }
}
