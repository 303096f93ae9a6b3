/** tcpdump on one lab interface, written to a pcap file and read back once stopped. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitForOutput } from '@srv6/netlab';
import { stopChild } from '../child-process.js';
import type { TopologyLab } from '../topology-lab.js';
import { parsePcap, type PcapFile } from './pcap.js';

export interface RunningCapture {
  /** Stops tcpdump (after `count` packets it stops by itself) and returns what it wrote. */
  stop(): Promise<PcapFile>;
}

export async function startCapture(
  lab: TopologyLab,
  node: string,
  device: string,
  filter: string,
  count: number,
): Promise<RunningCapture> {
  const directory = mkdtempSync(join(tmpdir(), 'srv6-lab-capture-'));
  const file = join(directory, 'capture.pcap');
  const child = lab.netns.spawn(node, 'tcpdump', [
    '-i',
    device,
    '-n',
    '-U',
    '--immediate-mode', // hand each packet over at once, not in blocks (SIGINT would lose them)
    '-Z',
    'root', // tcpdump otherwise drops to its own user and cannot write into our 0700 directory
    '-s',
    '0',
    '-c',
    String(count),
    '-w',
    file,
    filter,
  ]);
  try {
    await waitForOutput(child, /listening on/, 10_000);
  } catch (error) {
    rmSync(directory, { recursive: true, force: true });
    throw error;
  }
  return {
    stop: async () => {
      await stopChild(child, 'SIGINT'); // tcpdump flushes its file on SIGINT
      try {
        return parsePcap(readFileSync(file));
      } finally {
        rmSync(directory, { recursive: true, force: true });
      }
    },
  };
}
