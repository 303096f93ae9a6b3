/** Runs system commands (ip, nft, …) synchronously; failures name the command and its stderr. */
import { execFileSync, spawnSync } from 'node:child_process';

export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly stderr: string,
    readonly status: number | null,
  ) {
    super(`'${command}' failed (exit ${status}): ${stderr.trim() || '(no output)'}`);
  }
}

export function run(command: string, args: readonly string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.error)
    throw new CommandError([command, ...args].join(' '), result.error.message, null);
  if (result.status !== 0) {
    throw new CommandError([command, ...args].join(' '), result.stderr, result.status);
  }
  return result.stdout;
}

/** `ip` inside a namespace (`ip -n NS …`), or in the current one. */
export function ip(args: readonly string[], netns?: string): string {
  return run('ip', netns ? ['-n', netns, ...args] : [...args]);
}

/** Runs a program inside a namespace and returns stdout (throws on a non-zero exit). */
export function execIn(netns: string, command: string, args: readonly string[]): string {
  return run('ip', ['netns', 'exec', netns, command, ...args]);
}

export function commandExists(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
