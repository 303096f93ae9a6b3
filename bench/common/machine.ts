/** What the figures were measured on. */
import { spawnSync } from 'node:child_process';
import { cpus, release, totalmem } from 'node:os';

export interface Machine {
  readonly kernel: string;
  readonly cpuModel: string;
  readonly cpus: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly iperf3: string;
  readonly date: string;
}

function firstLine(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return (result.stdout || result.stderr || '').split('\n')[0]?.trim() || 'unknown';
}

export function describeMachine(): Machine {
  const list = cpus();
  return {
    kernel: release(),
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cpus: list.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    iperf3: firstLine('iperf3', ['--version']),
    date: new Date().toISOString(),
  };
}
