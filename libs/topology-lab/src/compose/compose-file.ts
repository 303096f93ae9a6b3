/**
 * Pure: a topology turned into the docker-compose lab — the same lab as the namespace one, built
 * from the same plan (planLab), so both agree on every address:
 *
 *   one bridge network per link     link-<link>      subnet = the plan's fd00:a:<i>::/64
 *   one bridge network per host     hostlink-<host>  subnet = the plan's fd00:b:<j>::/64
 *   one network for the control plane  control       nats, intent-svc, path-svc, agents
 *
 * Docker puts its own gateway on every network; it gets ::fffe, an address the plan never uses
 * (plan ends are ::1 and ::2). Routers and hosts get the plan's addresses as `ipv6_address`; a
 * router container configures itself from the topology file (lab/src/router-config.ts), a host
 * container adds its topology address and default route, then runs the agent
 * (lab/src/host-config.ts). The services and containers run one project image (Dockerfile).
 */
import type { Topology } from '@srv6/schema';
import type { Subnet } from '../plan/addressing.js';
import { planLab, type LabPlan } from '../plan/lab-plan.js';

/** Where router and host containers find the topology file (bind-mounted, read-only). */
export const CONTAINER_TOPOLOGY = '/etc/srv6/topology.yaml';
export const PROJECT_IMAGE = 'srv6-intents:local';
export const CONTROL_NETWORK = 'control';
export const NATS_SERVICE = 'nats';
export const INTENT_SERVICE = 'intent-svc';
export const PATH_SERVICE = 'path-svc';
export const NATS_IMAGE = 'nats:2.10-alpine';
/** Last group of Docker's gateway address on every lab network. */
export const DOCKER_GATEWAY_SUFFIX = 'fffe';

export const linkNetwork = (link: string): string => `link-${link}`;
export const hostNetwork = (host: string): string => `hostlink-${host}`;
/** The pin directory suffix of an agent (/sys/fs/bpf/srv6-intents/<instance>). */
export const agentInstance = (host: string): string => `compose-${host}`;

export interface ComposeOptions {
  /** The topology file as the compose file names it: relative to the compose file's folder. */
  readonly topologyFile: string;
  /** The repository (holding the Dockerfile), relative to the compose file's folder (default .). */
  readonly buildContext?: string;
  /** Host port of intent-svc's HTTP API (default 8080). */
  readonly httpPort?: number;
  /** Tag of the project image (default srv6-intents:local). */
  readonly image?: string;
}

export interface ComposeNetworkAttachment {
  readonly ipv6_address?: string;
}

export interface ComposeHealthcheck {
  readonly test: readonly string[];
  readonly interval: string;
  readonly timeout: string;
  readonly retries: number;
}

export interface ComposeService {
  readonly image: string;
  readonly build?: { readonly context: string; readonly dockerfile: string };
  readonly hostname?: string;
  readonly command: readonly string[];
  readonly environment?: Readonly<Record<string, string>>;
  readonly ports?: readonly string[];
  readonly volumes?: readonly string[];
  readonly privileged?: boolean;
  readonly cap_add?: readonly string[];
  readonly sysctls?: Readonly<Record<string, string>>;
  readonly depends_on?: Readonly<Record<string, { readonly condition: string }>>;
  readonly healthcheck?: ComposeHealthcheck;
  readonly restart?: string;
  readonly stop_grace_period?: string;
  readonly networks: Readonly<Record<string, ComposeNetworkAttachment>>;
}

export interface ComposeNetwork {
  readonly enable_ipv6?: boolean;
  readonly ipam?: {
    readonly config: ReadonlyArray<{ readonly subnet: string; readonly gateway: string }>;
  };
}

export interface ComposeFile {
  readonly services: Readonly<Record<string, ComposeService>>;
  readonly networks: Readonly<Record<string, ComposeNetwork>>;
  readonly volumes: Readonly<Record<string, Record<string, never>>>;
}

/** Docker's gateway on a lab network: ::fffe of the plan's /64. */
export function dockerGateway(subnet: Subnet): string {
  const match = /^(.*::)\/64$/.exec(subnet.prefix);
  if (!match) throw new Error(`lab subnet ${subnet.prefix} is not of the form <network>::/64`);
  return `${match[1]}${DOCKER_GATEWAY_SUFFIX}`;
}

const labNetwork = (subnet: Subnet): ComposeNetwork => ({
  enable_ipv6: true,
  ipam: { config: [{ subnet: subnet.prefix, gateway: dockerGateway(subnet) }] },
});

/** Same values as the namespace lab's nodes (libs/netlab): no DAD, routers forward. */
const NO_DAD = {
  'net.ipv6.conf.all.accept_dad': '0',
  'net.ipv6.conf.default.accept_dad': '0',
};
const ROUTER_SYSCTLS = { ...NO_DAD, 'net.ipv6.conf.all.forwarding': '1' };

const NATS_URL = `nats://${NATS_SERVICE}:4222`;
const NATS_HEALTHY = { [NATS_SERVICE]: { condition: 'service_healthy' } };

function unique(kind: string, names: readonly string[], taken: Set<string>): void {
  for (const name of names) {
    if (taken.has(name))
      throw new Error(`${kind} '${name}' would reuse a compose name already taken; rename it`);
    taken.add(name);
  }
}

/** The compose document of a topology's lab (a plain object, in the order it is written). */
export function composeFile(topology: Topology, options: ComposeOptions): ComposeFile {
  const plan: LabPlan = planLab(topology);
  const image = options.image ?? PROJECT_IMAGE;
  const httpPort = options.httpPort ?? 8080;
  const build = { context: options.buildContext ?? '.', dockerfile: 'Dockerfile' };
  const topologyVolume = `${options.topologyFile}:${CONTAINER_TOPOLOGY}:ro`;
  const project = { image, build };

  const serviceNames = new Set([NATS_SERVICE, INTENT_SERVICE, PATH_SERVICE]);
  unique(
    'router',
    plan.routers.map((router) => router.name),
    serviceNames,
  );
  unique(
    'host',
    plan.hosts.map((host) => host.name),
    serviceNames,
  );
  const networkNames = new Set([CONTROL_NETWORK]);
  unique(
    'link network',
    plan.links.map((link) => linkNetwork(link.name)),
    networkNames,
  );
  unique(
    'host network',
    plan.hosts.map((host) => hostNetwork(host.name)),
    networkNames,
  );

  const services: Record<string, ComposeService> = {
    [NATS_SERVICE]: {
      image: NATS_IMAGE,
      command: ['-js', '-sd', '/data', '-m', '8222'],
      ports: ['4222:4222', '8222:8222'],
      volumes: ['nats-data:/data'],
      healthcheck: {
        test: ['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:8222/healthz'],
        interval: '2s',
        timeout: '2s',
        retries: 30,
      },
      restart: 'unless-stopped',
      networks: { [CONTROL_NETWORK]: {} },
    },
    [INTENT_SERVICE]: {
      ...project,
      command: ['node', 'services/intent-svc/dist/main.js'],
      environment: { NATS_URL, HTTP_HOST: '0.0.0.0', HTTP_PORT: '8080' },
      ports: [`${httpPort}:8080`],
      depends_on: NATS_HEALTHY,
      restart: 'unless-stopped',
      networks: { [CONTROL_NETWORK]: {} },
    },
    // No container_name, no ports: `docker compose up --scale path-svc=3` starts three.
    [PATH_SERVICE]: {
      ...project,
      command: ['node', 'services/path-svc/dist/main.js'],
      environment: { NATS_URL },
      depends_on: NATS_HEALTHY,
      restart: 'unless-stopped',
      networks: { [CONTROL_NETWORK]: {} },
    },
  };

  for (const router of plan.routers) {
    const networks: Record<string, ComposeNetworkAttachment> = {};
    for (const link of plan.links) {
      for (const end of [link.a, link.b])
        if (end.node === router.name)
          networks[linkNetwork(link.name)] = { ipv6_address: end.address };
    }
    for (const host of plan.hosts)
      if (host.router === router.name)
        networks[hostNetwork(host.name)] = { ipv6_address: host.subnet.first };
    services[router.name] = {
      ...project,
      hostname: router.name,
      command: [
        'node',
        'lab/dist/router-config.js',
        '--topology',
        CONTAINER_TOPOLOGY,
        '--node',
        router.name,
      ],
      volumes: [topologyVolume],
      cap_add: ['NET_ADMIN'],
      sysctls: ROUTER_SYSCTLS,
      restart: 'on-failure',
      stop_grace_period: '2s',
      networks,
    };
  }

  for (const host of plan.hosts) {
    services[host.name] = {
      ...project,
      hostname: host.name,
      command: [
        'node',
        'lab/dist/host-config.js',
        '--topology',
        CONTAINER_TOPOLOGY,
        '--host',
        host.name,
        '--',
        'node',
        'services/host-agent/dist/main.js',
      ],
      environment: {
        HOST_NAME: host.name,
        NATS_URL,
        DATAPATH_INSTANCE: agentInstance(host.name),
      },
      volumes: [topologyVolume, '/sys/fs/bpf:/sys/fs/bpf'],
      privileged: true,
      sysctls: NO_DAD,
      depends_on: { ...NATS_HEALTHY, [host.router]: { condition: 'service_started' } },
      restart: 'on-failure',
      networks: {
        [CONTROL_NETWORK]: {},
        [hostNetwork(host.name)]: { ipv6_address: host.subnet.second },
      },
    };
  }

  const networks: Record<string, ComposeNetwork> = { [CONTROL_NETWORK]: {} };
  for (const link of plan.links) networks[linkNetwork(link.name)] = labNetwork(link.subnet);
  for (const host of plan.hosts) networks[hostNetwork(host.name)] = labNetwork(host.subnet);

  return { services, networks, volumes: { 'nats-data': {} } };
}
