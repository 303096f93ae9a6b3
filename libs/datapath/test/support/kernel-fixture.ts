/**
 * Kernel test fixtures: the throw-away BPF object compiled into a temp dir, unique pin
 * directories and network namespaces, and their cleanup (which must run even after failures).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import {
  DEFAULT_BPFFS_MOUNT_POINT,
  ensureBpffsMounted,
  removePinDirectory,
} from '../../src/bpffs.js';

const FIXTURE_SOURCE = fileURLToPath(new URL('../fixtures/tiny_tc.bpf.c', import.meta.url));

export interface CompiledFixture {
  objectPath: string;
  remove(): void;
}

/** Compiles fixtures/tiny_tc.bpf.c with clang into a fresh temp directory. */
export function compileTinyProgram(): CompiledFixture {
  const directory = mkdtempSync(join(tmpdir(), 'srv6-datapath-test-'));
  const objectPath = join(directory, 'tiny_tc.bpf.o');
  const multiarch = execFileSync('gcc', ['-dumpmachine'], { encoding: 'utf8' }).trim();
  execFileSync('clang', [
    '-O2',
    '-g',
    '-target',
    'bpf',
    `-I/usr/include/${multiarch}`,
    '-c',
    FIXTURE_SOURCE,
    '-o',
    objectPath,
  ]);
  return { objectPath, remove: () => rmSync(directory, { recursive: true, force: true }) };
}

export function uniqueSuffix(): string {
  return randomBytes(4).toString('hex');
}

/** A pin directory under /sys/fs/bpf/srv6-intents-test-<random> (bpffs mounted if needed). */
export function testPinDirectory(): { path: string; remove(): void } {
  ensureBpffsMounted();
  const path = `${DEFAULT_BPFFS_MOUNT_POINT}/srv6-intents-test-${uniqueSuffix()}`;
  return { path, remove: () => void removePinDirectory(path) };
}

export interface TestNamespace {
  name: string;
  /** veth0 (up) in the namespace; its peer veth1 too. */
  interfaceName: string;
  remove(): void;
}

/** `ip netns add srv6t-<random>` with a veth pair inside, both ends up. */
export function createTestNamespace(): TestNamespace {
  const name = `srv6t-${uniqueSuffix()}`;
  const remove = () => {
    try {
      execFileSync('ip', ['netns', 'delete', name], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  };
  execFileSync('ip', ['netns', 'add', name]);
  try {
    execFileSync('ip', [
      '-n',
      name,
      'link',
      'add',
      'veth0',
      'type',
      'veth',
      'peer',
      'name',
      'veth1',
    ]);
    execFileSync('ip', ['-n', name, 'link', 'set', 'veth0', 'up']);
    execFileSync('ip', ['-n', name, 'link', 'set', 'veth1', 'up']);
  } catch (error) {
    remove();
    throw error;
  }
  return { name, interfaceName: 'veth0', remove };
}

/** An Ethernet + IPv6 + UDP packet (payload of `payloadLength` bytes of 0x5a) to 2001:db8::1. */
export function ipv6UdpPacket(payloadLength = 16): Uint8Array {
  const packet = new Uint8Array(14 + 40 + 8 + payloadLength);
  const view = new DataView(packet.buffer);
  packet.set([0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1], 0); // destination, source MAC
  view.setUint16(12, 0x86dd); // EtherType IPv6
  view.setUint32(14, 0x60000000); // version 6
  view.setUint16(18, 8 + payloadLength); // payload length
  packet[20] = 17; // next header UDP
  packet[21] = 64; // hop limit
  packet.set([0x20, 0x01, 0x0d, 0xb8, ...new Array<number>(11).fill(0), 2], 22); // source 2001:db8::2
  packet.set([0x20, 0x01, 0x0d, 0xb8, ...new Array<number>(11).fill(0), 1], 38); // destination 2001:db8::1
  view.setUint16(54, 40000); // source port
  view.setUint16(56, 443); // destination port
  view.setUint16(58, 8 + payloadLength); // UDP length
  packet.fill(0x5a, 62);
  return packet;
}

/** struct prefix_key of the fixture: prefixlen (host order) + 16 address bytes. */
export function prefixKey(prefixLength: number, address: readonly number[]): Uint8Array {
  const key = new Uint8Array(20);
  new DataView(key.buffer).setUint32(0, prefixLength, true);
  key.set(address, 4);
  return key;
}

export function u32(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value, true);
  return bytes;
}

export function u64(value: number): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(value), true);
  return bytes;
}
