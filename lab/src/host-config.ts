/**
 * A host container of the docker-compose lab: its topology address and default route through
 * its router, bpffs, then the host-agent with INTERFACE = the real name of its uplink.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { hostPlan, hostSetup } from '@srv6/topology-lab/compose';
import { log, run, startContainer, waitForInterfaces } from './container-system.js';

const HELP = `usage: node lab/dist/host-config.js --topology FILE --host NAME [--wait S] [-- COMMAND…]

Run by each host container of docker-compose.yml (npm run lab:compose writes it): makes this
container the host NAME of the lab plan of FILE. Finds its uplink by the plan's host-link address
(Docker names interfaces eth0, eth1… in any order), adds the topology address as a /128, replaces
Docker's default route by one through its router (source = the topology address), mounts bpffs
on /sys/fs/bpf when it is not, then runs COMMAND (the host-agent) with INTERFACE set to the
uplink's name, passing SIGTERM/SIGINT on and exiting with its status. Without COMMAND it prints
the uplink's name. Needs NET_ADMIN (the compose file runs hosts privileged, for BPF).

options:
  --topology FILE   topology file (default /etc/srv6/topology.yaml, bind-mounted by compose)
  --host NAME       the topology host this container is
  --wait S          how long to wait for the plan address to appear (default 30)
  -- COMMAND…       what to run once configured, e.g. node services/host-agent/dist/main.js
  -h, --help        this text`;

const PROGRAM = 'host-config';
const BPFFS = '/sys/fs/bpf';

function ensureBpffs(): void {
  const mounted = readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .some((line) => line.split(' ')[1] === BPFFS && line.split(' ')[2] === 'bpf');
  if (mounted) return;
  log(PROGRAM, `mounting bpffs on ${BPFFS}`);
  run({ command: 'mount', args: ['-t', 'bpf', 'bpf', BPFFS] });
}

async function main(): Promise<void> {
  const started = startContainer('--host', HELP);
  if (!started) return;
  const { options, plan } = started;
  const host = hostPlan(plan, options.name);
  const named = process.env['HOST_NAME'];
  if (named && named !== host.name)
    throw new Error(`HOST_NAME is '${named}' but --host is '${host.name}': make them agree`);
  const devices = await waitForInterfaces(
    [{ device: 'uplink', address: host.subnet.second }],
    options.waitSeconds,
  );
  const uplink = devices.get('uplink')!;
  for (const step of hostSetup(plan, host.name, uplink)) run(step);
  log(
    PROGRAM,
    `${host.name}: ${host.address} on ${uplink}, default via ${host.router} (${host.subnet.first})`,
  );
  if (options.command.length === 0) {
    console.log(uplink);
    return;
  }
  ensureBpffs();
  const [program, ...args] = options.command as [string, ...string[]];
  const child = spawn(program, args, {
    stdio: 'inherit',
    env: { ...process.env, INTERFACE: uplink, HOST_NAME: host.name },
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => child.kill(signal));
  child.on('error', (error) => {
    log(PROGRAM, `${program}: ${error.message}`);
    process.exit(127);
  });
  child.on('exit', (code, signal) =>
    process.exit(code ?? 128 + (signal ? (constants.signals[signal] ?? 15) : 0)),
  );
}

main().catch((error: unknown) => {
  log(PROGRAM, `failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
