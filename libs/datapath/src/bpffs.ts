/**
 * The BPF filesystem: where maps are pinned so they outlive the agent process.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { mount } from './libc.js';

export const DEFAULT_BPFFS_MOUNT_POINT = '/sys/fs/bpf';

/** /proc/mounts escapes space, tab, newline and backslash as octal (\040 ...). */
function unescapeMountField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) =>
    String.fromCharCode(parseInt(octal, 8)),
  );
}

/** Mount points of bpf filesystems in this process's mount namespace. */
export function bpffsMountPoints(): string[] {
  return readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map((line) => line.split(' '))
    .filter((fields) => fields.length >= 3 && fields[2] === 'bpf')
    .map((fields) => unescapeMountField(fields[1] ?? ''));
}

/** The bpffs mount point that `path` lies in (or is), if any. */
export function bpffsMountPointOf(path: string): string | undefined {
  const absolute = resolve(path);
  return bpffsMountPoints()
    .filter(
      (mountPoint) =>
        absolute === mountPoint ||
        absolute.startsWith(mountPoint.endsWith('/') ? mountPoint : `${mountPoint}/`),
    )
    .sort((a, b) => b.length - a.length)[0];
}

/**
 * Mounts bpffs at `mountPoint` unless it already is (`mount -t bpf bpf /sys/fs/bpf`).
 * Returns true if this call mounted it.
 */
export function ensureBpffsMounted(mountPoint = DEFAULT_BPFFS_MOUNT_POINT): boolean {
  const absolute = resolve(mountPoint);
  if (bpffsMountPoints().includes(absolute)) return false;
  mkdirSync(absolute, { recursive: true });
  mount('bpf', absolute, 'bpf');
  return true;
}

/**
 * Removes a pin directory and everything pinned in it (the maps are freed once nothing else
 * holds them: an attached program keeps its own references). Refuses paths outside bpffs and
 * the mount point itself. Returns false if the directory did not exist.
 */
export function removePinDirectory(directory: string): boolean {
  const absolute = resolve(directory);
  const mountPoint = bpffsMountPointOf(absolute);
  if (mountPoint === undefined) {
    throw new Error(
      `removePinDirectory: ${absolute} is not on a bpf filesystem; refusing to delete it (pin directories live under ${DEFAULT_BPFFS_MOUNT_POINT}).`,
    );
  }
  if (absolute === mountPoint) {
    throw new Error(
      `removePinDirectory: ${absolute} is the bpffs mount point itself; pass the pin directory inside it.`,
    );
  }
  if (!existsSync(absolute)) return false;
  rmSync(absolute, { recursive: true, force: true });
  return true;
}
