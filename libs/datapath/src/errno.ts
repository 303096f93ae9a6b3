/** errno numbers to names, and what an operator can do about the common ones. */
import { constants } from 'node:os';

/* Names Node's os.constants.errno lacks: ENOTSUPP is kernel-internal yet the bpf syscall
 * returns it (batch operations a map type lacks); libbpf's tc attach returns EBADFD for a bad
 * program fd. */
const namesByNumber = new Map<number, string>([
  [524, 'ENOTSUPP'],
  [77, 'EBADFD'],
]);
for (const [name, value] of Object.entries(constants.errno)) {
  if (!namesByNumber.has(value)) namesByNumber.set(value, name);
}

/** "EPERM" for 1; "errno 999" for an unknown number. */
export function errnoName(errno: number): string {
  return namesByNumber.get(errno) ?? `errno ${errno}`;
}

const RUN_AS_ROOT =
  'Run as root (needs CAP_BPF, CAP_NET_ADMIN and CAP_SYS_ADMIN for bpffs and netns).';

/** A generic next step for an errno; call sites pass better ones where they know more. */
export function errnoHint(functionName: string, name: string): string {
  switch (name) {
    case 'EPERM':
      return RUN_AS_ROOT;
    case 'EACCES':
      return functionName === 'bpf_object__load'
        ? 'The verifier rejected a program: read the libbpf/verifier log below.'
        : RUN_AS_ROOT;
    case 'ENOENT':
      return 'It does not exist (file, pinned object, map key or tc filter).';
    case 'ENOMEM':
      return 'Out of memory for BPF: lower max_entries, or raise RLIMIT_MEMLOCK (ulimit -l unlimited) on old kernels.';
    case 'E2BIG':
      return 'The map is full (max_entries reached): load with a larger maxEntries for this map.';
    case 'EEXIST':
      return "The key already exists and the 'noexist' flag was used.";
    case 'ENODEV':
    case 'ENXIO':
      return 'No such interface in this network namespace: check the ifindex, or run inside withNetns(name, ...).';
    case 'EBADF':
      return 'The file descriptor is closed or not a BPF object: was the object or map closed?';
    case 'ENOTSUPP':
    case 'EOPNOTSUPP':
      return 'The kernel does not support this operation for this map or program type.';
    case 'EINVAL':
      return 'The kernel refused the arguments (wrong sizes, flags or map type for this call).';
    default:
      return 'See the libbpf documentation for this function.';
  }
}
