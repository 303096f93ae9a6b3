/**
 * A router container of the docker-compose lab configures itself from the topology file: the
 * plan's routes, seg6local SIDs, shaping and nftables counters on the interfaces Docker gave it
 * (found by their plan addresses), then stays up until stopped.
 */
import { readFileSync } from 'node:fs';
import { routerInterfaces, routerPlan, routerSetup } from '@srv6/topology-lab/compose';
import { log, run, startContainer, waitForInterfaces } from './container-system.js';

const HELP = `usage: node lab/dist/router-config.js --topology FILE --node NAME [--wait S] [--once]

Run by each router container of docker-compose.yml (npm run lab:compose writes it): makes this
container the router NAME of the lab plan of FILE — the same plan as npm run lab's namespaces.
Finds its interfaces by the plan's link addresses (Docker names them eth0, eth1… in any order),
labels them with the plan's names (ip link alias), removes Docker's default route, then installs
on the real interfaces: tbf rate limits of its link ends (netem delay, jitter and loss when the
kernel has netem, else loss by an nftables random drop), the IGP routes (ECMP where metrics tie),
the seg6local SIDs (End, End.X, End.DT6) and the nftables per-host packet counters
(nft list counters). Then sleeps until SIGTERM. Needs NET_ADMIN and
net.ipv6.conf.all.forwarding=1 (the compose file sets both).

options:
  --topology FILE   topology file (default /etc/srv6/topology.yaml, bind-mounted by compose)
  --node NAME       the topology node this container is
  --wait S          how long to wait for every plan address to appear (default 30)
  --once            configure and exit instead of staying up (re-apply: docker compose exec)
  -h, --help        this text`;

const PROGRAM = 'router-config';

/** netem present? Tried on one interface (this project's own test machine has none). */
function netemWorks(device: string | undefined): boolean {
  if (device === undefined) return false;
  try {
    run({ command: 'tc', args: ['qdisc', 'replace', 'dev', device, 'root', 'netem'] });
    run({ command: 'tc', args: ['qdisc', 'del', 'dev', device, 'root'] });
    return true;
  } catch {
    return false;
  }
}

function forwardingOn(): void {
  const file = '/proc/sys/net/ipv6/conf/all/forwarding';
  if (readFileSync(file, 'utf8').trim() === '1') return;
  throw new Error(
    `${file} is 0: start the container with sysctl net.ipv6.conf.all.forwarding=1 (docker-compose.yml does)`,
  );
}

async function main(): Promise<void> {
  const started = startContainer('--node', HELP);
  if (!started) return;
  const { options, plan } = started;
  const router = routerPlan(plan, options.name);
  forwardingOn();
  const devices = await waitForInterfaces(routerInterfaces(router), options.waitSeconds);
  const firstLinkEnd = plan.links
    .flatMap((link) => [link.a, link.b])
    .find((end) => end.node === router.name);
  const netem = netemWorks(firstLinkEnd && devices.get(firstLinkEnd.device));
  const steps = routerSetup(plan, router.name, devices, { netem });
  for (const step of steps) run(step);

  const names = [...devices].map(([plan, real]) => `${real}=${plan}`).join(' ');
  log(PROGRAM, `${router.name} (${plan.topology}): interfaces ${names}`);
  log(
    PROGRAM,
    `${router.routes.length} routes, ${router.sids.length} SIDs, ${
      netem ? 'netem + tbf' : 'tbf + nftables loss (no netem: delay/jitter not emulated)'
    }, counters in nft table inet srv6lab; ready`,
  );
  if (options.once) return;
  const stop = (): void => process.exit(0);
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  setInterval(() => undefined, 1 << 30);
}

main().catch((error: unknown) => {
  log(PROGRAM, `failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
