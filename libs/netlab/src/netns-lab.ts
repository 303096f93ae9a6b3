/**
 * A lab of network namespaces that removes everything it made: namespaces (and with them their
 * veths, routes and seg6local behaviours) and the processes it started in them. Names carry a
 * unique prefix, so parallel runs do not clash.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { execIn, ip, run } from './command.js';

export interface LinkOptions {
  readonly mtu?: number;
}

export class NetnsLab {
  readonly prefix: string;
  private readonly namespaces: string[] = [];
  private readonly processes = new Set<ChildProcess>();

  constructor(tag = 's6') {
    this.prefix = `${tag}${randomBytes(3).toString('hex')}`;
  }

  /** Namespace name of a lab node. */
  ns(node: string): string {
    return `${this.prefix}-${node}`;
  }

  /** Creates a namespace for `node` with lo up, IPv6 forwarding on and DAD off. */
  addNode(node: string, { router = false } = {}): string {
    const name = this.ns(node);
    ip(['netns', 'add', name]);
    this.namespaces.push(name);
    ip(['link', 'set', 'lo', 'up'], name);
    this.sysctl(node, 'net.ipv6.conf.all.accept_dad', '0');
    this.sysctl(node, 'net.ipv6.conf.default.accept_dad', '0');
    this.sysctl(node, 'net.ipv6.conf.all.forwarding', router ? '1' : '0');
    return name;
  }

  sysctl(node: string, key: string, value: string): void {
    execIn(this.ns(node), 'sysctl', ['-qw', `${key}=${value}`]);
  }

  /** A veth pair between two nodes, created directly inside their namespaces. */
  addLink(
    a: string,
    aInterface: string,
    b: string,
    bInterface: string,
    options: LinkOptions = {},
  ): void {
    ip([
      'link',
      'add',
      aInterface,
      'netns',
      this.ns(a),
      'type',
      'veth',
      'peer',
      'name',
      bInterface,
      'netns',
      this.ns(b),
    ]);
    for (const [node, name] of [
      [a, aInterface],
      [b, bInterface],
    ] as const) {
      if (options.mtu) ip(['link', 'set', name, 'mtu', String(options.mtu)], this.ns(node));
      ip(['link', 'set', name, 'up'], this.ns(node));
    }
  }

  addAddress(node: string, device: string, cidr: string): void {
    ip(['-6', 'addr', 'add', cidr, 'dev', device, 'nodad'], this.ns(node));
  }

  /** `ip -6 route add …` inside the node. */
  addRoute(node: string, args: readonly string[]): void {
    ip(['-6', 'route', 'add', ...args], this.ns(node));
  }

  /** Runs a command to completion inside the node; returns stdout. */
  exec(node: string, command: string, args: readonly string[]): string {
    return execIn(this.ns(node), command, args);
  }

  /** Starts a long-running process inside the node; it is killed by destroy(). */
  spawn(node: string, command: string, args: readonly string[]): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', this.ns(node), command, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.processes.add(child);
    child.once('exit', () => this.processes.delete(child));
    return child;
  }

  /**
   * Received packets and bytes of an interface (its kernel counters). veth hands GSO
   * super-packets over whole, so for bulk TCP bytes say more than packets.
   */
  rxCounters(node: string, device: string): { packets: number; bytes: number } {
    const [link] = JSON.parse(
      ip(['-s', '-j', 'link', 'show', 'dev', device], this.ns(node)),
    ) as Array<{ stats64: { rx: { packets: number; bytes: number } } }>;
    return { packets: link!.stats64.rx.packets, bytes: link!.stats64.rx.bytes };
  }

  /** Kills every process started here and deletes every namespace. Safe to call twice. */
  async destroy(): Promise<void> {
    const exits = [...this.processes].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    );
    await Promise.all(exits);
    for (const name of this.namespaces.splice(0)) {
      try {
        // Processes started by others inside the namespace would keep it alive: kill them too.
        const pids = run('ip', ['netns', 'pids', name]).split('\n').filter(Boolean);
        if (pids.length > 0) run('kill', ['-9', ...pids]);
        ip(['netns', 'delete', name]);
      } catch {
        // already gone
      }
    }
  }
}
