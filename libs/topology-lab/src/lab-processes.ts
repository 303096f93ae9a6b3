/**
 * Long-running lab processes (nats-server, the services, the agents): started detached with
 * their output in a log file, so a kept lab (`--keep`) outlives the command that built it, and
 * stopped by pid (SIGTERM, then SIGKILL) by the same command or by `npm run lab:down`.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';

export interface LabProcess {
  readonly name: string;
  readonly pid: number;
  readonly log: string;
  /** How it was started, so that it can be started again (restartProcess). */
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

export function startDetached(
  name: string,
  command: string,
  args: readonly string[],
  env: Record<string, string>,
  log: string,
): LabProcess {
  const fd = openSync(log, 'a');
  try {
    const child = spawn(command, args, {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: { ...process.env, ...env },
    });
    if (child.pid === undefined) throw new Error(`${name}: could not start ${command}`);
    child.unref();
    return { name, pid: child.pid, log, command, args: [...args], env };
  } finally {
    closeSync(fd);
  }
}

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // a zombie still answers signal 0: look at its state
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
export async function stopProcess(pid: number, graceMs = 5000): Promise<void> {
  if (!isRunning(pid)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (isRunning(pid) && Date.now() < deadline) await sleep(20);
  if (isRunning(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      return;
    }
    while (isRunning(pid)) await sleep(10);
  }
}

function tail(log: string): string {
  return existsSync(log) ? readFileSync(log, 'utf8').slice(-4000).trim() : '(no log)';
}

/** Waits until the process's log matches `pattern`; fails with the log if it exits first. */
export async function waitForLog(
  process_: LabProcess,
  pattern: RegExp,
  timeoutMs = 30_000,
  /** Only log text after this many bytes counts (a restarted process appends to its log). */
  offset = 0,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = existsSync(process_.log)
      ? readFileSync(process_.log).subarray(offset).toString()
      : '';
    const match = pattern.exec(text);
    if (match) return match[0];
    if (!isRunning(process_.pid))
      throw new Error(
        `${process_.name} exited before it was ready; its log:\n${tail(process_.log)}`,
      );
    if (Date.now() > deadline)
      throw new Error(
        `${process_.name} not ready within ${timeoutMs} ms; its log:\n${tail(process_.log)}`,
      );
    await sleep(50);
  }
}

export async function waitForPort(process_: LabProcess, port: number, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ port, host: '127.0.0.1' });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (!isRunning(process_.pid))
      throw new Error(`${process_.name} exited; its log:\n${tail(process_.log)}`);
    if (Date.now() > deadline)
      throw new Error(
        `${process_.name} does not listen on ${port}; its log:\n${tail(process_.log)}`,
      );
    await sleep(20);
  }
}
