/** CPUs the kernel may bring up: the number of slots a per-CPU map value has. */
import { libbpf, libbpfError } from './libbpf.js';

let cached: number | undefined;

/** libbpf_num_possible_cpus() (parses /sys/devices/system/cpu/possible), cached. */
export function possibleCpuCount(): number {
  if (cached === undefined) {
    const count = libbpf.libbpf_num_possible_cpus();
    if (count < 0) {
      throw libbpfError('libbpf_num_possible_cpus', count, {
        hints: { ENOENT: 'Mount /sys (sysfs): libbpf reads /sys/devices/system/cpu/possible.' },
      });
    }
    cached = count;
  }
  return cached;
}
