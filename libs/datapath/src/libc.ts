/**
 * The few libc calls Node does not offer: setns, if_nametoindex, mount, membarrier. Through koffi, like
 * libbpf.ts; errors name the call, the errno and the next step.
 */
import koffi from 'koffi';
import { errnoHint, errnoName } from './errno.js';

const library = koffi.load('libc.so.6');

const setnsCall: (fd: number, namespaceType: number) => number = library.func('setns', 'int', [
  'int',
  'int',
]);
const ifNameToIndexCall: (name: string) => number = library.func('if_nametoindex', 'uint32_t', [
  'str',
]);
const mountCall: (
  source: string,
  target: string,
  type: string,
  flags: number,
  data: null,
) => number = library.func('mount', 'int', ['str', 'str', 'str', 'unsigned long', 'void *']);

const syscallCall: (number: number, ...typedArguments: unknown[]) => number = library.func(
  'syscall',
  'long',
  ['long', '...'],
);

/** __NR_membarrier per architecture (asm/unistd_64.h, asm-generic/unistd.h). */
const MEMBARRIER_SYSCALL: Partial<Record<string, number>> = { x64: 324, arm64: 283 };
/** MEMBARRIER_CMD_GLOBAL (linux/membarrier.h): the kernel runs synchronize_rcu(). */
const MEMBARRIER_CMD_GLOBAL = 1;
/** When membarrier is unavailable: far longer than any BPF program run. */
const FALLBACK_WAIT_MS = 100;

/**
 * Returns after an RCU grace period: every BPF program run (tc programs run inside an RCU
 * read-side section) that started before the call has finished, so none still reads a map
 * element user space replaced or deleted before the call. membarrier(MEMBARRIER_CMD_GLOBAL) is
 * synchronize_rcu() (kernel/sched/membarrier.c); ~15 ms on a 2-CPU VM. Where it is refused
 * (nohz_full CPUs) or unknown, it sleeps instead.
 */
export function synchronizeRcu(): void {
  const number = MEMBARRIER_SYSCALL[process.arch];
  if (
    number !== undefined &&
    syscallCall(number, 'int', MEMBARRIER_CMD_GLOBAL, 'unsigned int', 0, 'int', 0) === 0
  ) {
    return;
  }
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, FALLBACK_WAIT_MS);
}

/** CLONE_NEWNET (sched.h): the namespace type setns checks the fd against. */
export const CLONE_NEWNET = 0x40000000;

export class LibcError extends Error {
  constructor(
    readonly functionName: string,
    readonly errno: number,
    readonly errnoName: string,
    message: string,
  ) {
    super(message);
    this.name = 'LibcError';
  }
}

function libcError(
  functionName: string,
  detail: string,
  hints: Partial<Record<string, string>> = {},
): LibcError {
  const errno = koffi.errno();
  const name = errnoName(errno);
  const hint = hints[name] ?? errnoHint(functionName, name);
  return new LibcError(
    functionName,
    errno,
    name,
    `${functionName}(${detail}) failed: ${name}. ${hint}`,
  );
}

/** Moves the calling thread into the namespace `fd` refers to. */
export function setns(fd: number, namespaceType: number): void {
  if (setnsCall(fd, namespaceType) !== 0) {
    throw libcError('setns', `fd ${fd}`, {
      EINVAL:
        'The fd is not a namespace of the requested type (expected a network namespace file).',
    });
  }
}

/** The ifindex of an interface in the calling thread's network namespace. */
export function interfaceIndex(name: string): number {
  const index = ifNameToIndexCall(name);
  if (index === 0) {
    throw libcError('if_nametoindex', name, {
      ENODEV: `No interface "${name}" in this network namespace: check \`ip link\`, or look it up inside withNetns(namespace, ...).`,
    });
  }
  return index;
}

/** mount(2) with no data. */
export function mount(source: string, target: string, type: string, flags = 0): void {
  if (mountCall(source, target, type, flags, null) !== 0) {
    throw libcError('mount', `${source} on ${target} type ${type}`, {
      ENODEV: `The kernel has no "${type}" filesystem.`,
    });
  }
}
