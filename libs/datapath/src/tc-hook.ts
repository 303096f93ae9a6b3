/**
 * Attaching a program to an interface's tc egress hook (clsact qdisc, cls_bpf direct-action),
 * through libbpf's netlink helpers: no `tc` binary needed.
 *
 * Every call acts on the network namespace of the calling thread (libbpf opens its netlink
 * socket there): for an interface in another namespace, call inside withNetns(name, ...).
 *
 * Why not tcx (bpf_link based, kernel 6.6+): the kernel has it, but libbpf 1.1.2 has no
 * bpf_program__attach_tcx / BPF_TCX_EGRESS support, so the classic clsact filter it is.
 * Unlike a link, the filter stays attached after the process exits, which is what the agent
 * wants anyway: restarting it must not interrupt steering.
 */
import koffi from 'koffi';
import {
  BPF_TC_EGRESS,
  BPF_TC_F_REPLACE,
  BPF_TC_INGRESS,
  BpfTcHook,
  BpfTcOpts,
  type BpfTcHookValue,
  type BpfTcOptsValue,
  libbpf,
  libbpfError,
} from './libbpf.js';

/** The filter's identity on the egress hook; the defaults are what the agent uses. */
export const DEFAULT_TC_HANDLE = 1;
export const DEFAULT_TC_PRIORITY = 1;

const EEXIST = 17;
const ENOENT = 2;
const EINVAL = 22;

export interface TcEgressFilter {
  ifindex: number;
  handle?: number;
  priority?: number;
}

export interface AttachTcEgressOptions extends TcEgressFilter {
  programFd: number;
}

export interface TcEgressAttachment {
  ifindex: number;
  handle: number;
  priority: number;
  /** Kernel id of the attached program (as `bpftool prog show id N` shows it). */
  programId: number;
}

function hook(ifindex: number, attachPoint: number): BpfTcHookValue {
  return { sz: koffi.sizeof(BpfTcHook), ifindex, attach_point: attachPoint, parent: 0 };
}

function filterOptions(filter: TcEgressFilter, programFd = 0, flags = 0): BpfTcOptsValue {
  return {
    sz: koffi.sizeof(BpfTcOpts),
    prog_fd: programFd,
    flags,
    prog_id: 0,
    handle: filter.handle ?? DEFAULT_TC_HANDLE,
    priority: filter.priority ?? DEFAULT_TC_PRIORITY,
  };
}

const interfaceHints = (ifindex: number) => ({
  ENODEV: `No interface with ifindex ${ifindex} in this network namespace: look the index up and attach inside the same withNetns(...).`,
  EINVAL: `The kernel refused the filter on ifindex ${ifindex} (does the interface exist in this namespace? is the fd a tc/sched_cls program?).`,
});

/**
 * Creates the clsact qdisc if needed (already there is fine) and attaches the program as the
 * egress filter (handle, priority), replacing whatever program that filter had: idempotent,
 * and an atomic program swap when the agent reloads.
 */
export function attachTcEgress(options: AttachTcEgressOptions): TcEgressAttachment {
  const egress = hook(options.ifindex, BPF_TC_EGRESS);
  const created = libbpf.bpf_tc_hook_create(egress);
  if (created < 0 && created !== -EEXIST) {
    throw libbpfError('bpf_tc_hook_create', created, {
      detail: `clsact on ifindex ${options.ifindex}`,
      hints: interfaceHints(options.ifindex),
    });
  }
  const filter = filterOptions(options, options.programFd, BPF_TC_F_REPLACE);
  const result = libbpf.bpf_tc_attach(egress, filter);
  if (result < 0) {
    throw libbpfError('bpf_tc_attach', result, {
      detail: `egress of ifindex ${options.ifindex}, handle ${filter.handle}, priority ${filter.priority}, program fd ${options.programFd}`,
      hints: {
        ...interfaceHints(options.ifindex),
        EBADF: `Program fd ${options.programFd} is not open: take it from a loaded object that is not closed.`,
        EBADFD: `Program fd ${options.programFd} is not a loaded BPF program: take it from LoadedBpfObject.programFd().`,
      },
    });
  }
  return {
    ifindex: options.ifindex,
    handle: filter.handle,
    priority: filter.priority,
    programId: filter.prog_id,
  };
}

/** The id of the program attached as this egress filter, or undefined if there is none. */
export function queryTcEgress(filter: TcEgressFilter): number | undefined {
  const options = filterOptions(filter);
  const result = libbpf.bpf_tc_query(hook(filter.ifindex, BPF_TC_EGRESS), options);
  // Measured with libbpf 1.1.2: EINVAL when there is no such filter or no clsact qdisc at all.
  if (result === -ENOENT || result === -EINVAL) return undefined;
  if (result < 0)
    throw libbpfError('bpf_tc_query', result, {
      detail: `egress of ifindex ${filter.ifindex}`,
      hints: interfaceHints(filter.ifindex),
    });
  return options.prog_id;
}

/** Removes the egress filter. Returns false if it was not there (nothing to do). */
export function detachTcEgress(filter: TcEgressFilter): boolean {
  const result = libbpf.bpf_tc_detach(hook(filter.ifindex, BPF_TC_EGRESS), filterOptions(filter));
  // Measured: ENOENT without the filter, EINVAL without a clsact qdisc.
  if (result === -ENOENT || result === -EINVAL) return false;
  if (result < 0)
    throw libbpfError('bpf_tc_detach', result, {
      detail: `egress of ifindex ${filter.ifindex}`,
      hints: interfaceHints(filter.ifindex),
    });
  return true;
}

/**
 * Deletes the clsact qdisc, and with it every ingress and egress filter on the interface
 * (including ones this process did not attach). Returns false if there was none.
 */
export function destroyClsact(ifindex: number): boolean {
  const result = libbpf.bpf_tc_hook_destroy(hook(ifindex, BPF_TC_INGRESS | BPF_TC_EGRESS));
  // Measured: ENOENT without a qdisc, EINVAL right after one was destroyed.
  if (result === -ENOENT || result === -EINVAL) return false;
  if (result < 0)
    throw libbpfError('bpf_tc_hook_destroy', result, {
      detail: `clsact on ifindex ${ifindex}`,
      hints: interfaceHints(ifindex),
    });
  return true;
}
