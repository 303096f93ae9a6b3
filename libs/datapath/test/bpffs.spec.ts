import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  bpffsMountPointOf,
  DEFAULT_BPFFS_MOUNT_POINT,
  ensureBpffsMounted,
  removePinDirectory,
} from '../src/bpffs.js';
import { uniqueSuffix } from './support/kernel-fixture.js';

describe('bpffs (real kernel)', () => {
  it('is mounted after ensureBpffsMounted, and a second call does nothing', () => {
    ensureBpffsMounted();
    expect(bpffsMountPointOf(DEFAULT_BPFFS_MOUNT_POINT)).toBe(DEFAULT_BPFFS_MOUNT_POINT);
    expect(ensureBpffsMounted()).toBe(false);
  });

  it('mounts bpffs where there is none', () => {
    const mountPoint = mkdtempSync(join(tmpdir(), 'srv6-bpffs-'));
    try {
      expect(bpffsMountPointOf(mountPoint)).toBeUndefined();
      expect(ensureBpffsMounted(mountPoint)).toBe(true);
      expect(bpffsMountPointOf(`${mountPoint}/pins`)).toBe(mountPoint);
      expect(ensureBpffsMounted(mountPoint)).toBe(false);
    } finally {
      execFileSync('umount', [mountPoint]);
      rmSync(mountPoint, { recursive: true, force: true });
    }
  });

  it('removes a pin directory with its contents, and reports when there was none', () => {
    ensureBpffsMounted();
    const directory = `${DEFAULT_BPFFS_MOUNT_POINT}/srv6-intents-test-${uniqueSuffix()}`;
    mkdirSync(`${directory}/nested`, { recursive: true });
    expect(bpffsMountPointOf(directory)).toBe(DEFAULT_BPFFS_MOUNT_POINT);
    expect(removePinDirectory(directory)).toBe(true);
    expect(existsSync(directory)).toBe(false);
    expect(removePinDirectory(directory)).toBe(false);
  });

  it('refuses paths outside bpffs and the mount point itself', () => {
    const outside = mkdtempSync(join(tmpdir(), 'srv6-not-bpffs-'));
    try {
      expect(() => removePinDirectory(outside)).toThrow(/is not on a bpf filesystem; refusing/);
      expect(existsSync(outside)).toBe(true);
      expect(() => removePinDirectory(`${DEFAULT_BPFFS_MOUNT_POINT}/`)).toThrow(
        /is the bpffs mount point itself/,
      );
      expect(bpffsMountPointOf('/sys/fs/bpfx/a')).toBeUndefined();
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
