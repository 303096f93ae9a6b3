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
 *
 * Security and observability are on (docs/security.md, docs/observability.md): nats-server runs
 * the generated nats-server.conf (users, permissions, TLS) from the credentials directory,
 * mounted read-only; every process logs in as its own user from that directory's env/<user>.env
 * and gets only the CA of it; path-svc and the agents serve /metrics on METRICS_PORT.
 */
import { agentUser, CLIENT_USER, INTENT_SVC_USER, PATH_SVC_USER } from '@srv6/bus';
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
/** Idle, with the client user's login: `docker compose exec cli node cli/bin/srv6.mjs …`. */
export const CLI_SERVICE = 'cli';
export const NATS_IMAGE = 'nats:2.10-alpine';
/**
 * Where the containers see the credentials directory: generate it with
 * `--mounted-at CONTAINER_CREDENTIALS` (scripts/credentials.sh) so the paths in nats-server.conf
 * and the env files are these.
 */
export const CONTAINER_CREDENTIALS = '/etc/srv6-intents';
export const CONTAINER_CA = `${CONTAINER_CREDENTIALS}/tls/ca.pem`;
/** The credentials directory as the compose file names it by default (relative to its folder). */
export const DEFAULT_CREDENTIALS_DIRECTORY = './credentials';
/** /metrics port of path-svc and of every agent inside its container (not published). */
export const METRICS_PORT = 9464;
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
  /**
   * The credentials directory (scripts/credentials.sh … --mounted-at /etc/srv6-intents), relative
   * to the compose file's folder (default ./credentials).
   */
  readonly credentialsDirectory?: string;
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
  readonly init?: boolean;
  readonly env_file?: readonly string[];
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

/** By the compose service name, which the server certificate names (DEFAULT_SERVER_NAMES). */
export const NATS_URL = `nats://${NATS_SERVICE}:4222`;
const METRICS = { METRICS_PORT: String(METRICS_PORT), METRICS_HOST: '0.0.0.0' };
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
  const credentials = (options.credentialsDirectory ?? DEFAULT_CREDENTIALS_DIRECTORY).replace(
    /\/$/,
    '',
  );
  /** What a process running as NATS user `user` gets: its env file (NATS_USER…) and the CA. */
  const login = (user: string) => ({
    env_file: [`${credentials}/env/${user}.env`],
    caVolume: `${credentials}/tls/ca.pem:${CONTAINER_CA}:ro`,
  });
  const intentSvc = login(INTENT_SVC_USER);
  const pathSvc = login(PATH_SVC_USER);
  const client = login(CLIENT_USER);

  const serviceNames = new Set([NATS_SERVICE, INTENT_SERVICE, PATH_SERVICE, CLI_SERVICE]);
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
      command: [
        '-js',
        '-sd',
        '/data',
        '-m',
        '8222',
        '-c',
        `${CONTAINER_CREDENTIALS}/nats-server.conf`,
      ],
      ports: ['4222:4222', '8222:8222'],
      volumes: ['nats-data:/data', `${credentials}:${CONTAINER_CREDENTIALS}:ro`],
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
      env_file: intentSvc.env_file,
      // /metrics is served by the HTTP API on 8080.
      environment: { NATS_URL, HTTP_HOST: '0.0.0.0', HTTP_PORT: '8080' },
      ports: [`${httpPort}:8080`],
      volumes: [intentSvc.caVolume],
      depends_on: NATS_HEALTHY,
      restart: 'unless-stopped',
      networks: { [CONTROL_NETWORK]: {} },
    },
    // No container_name, no ports: `docker compose up --scale path-svc=3` starts three.
    [PATH_SERVICE]: {
      ...project,
      command: ['node', 'services/path-svc/dist/main.js'],
      env_file: pathSvc.env_file,
      environment: { NATS_URL, ...METRICS },
      volumes: [pathSvc.caVolume],
      depends_on: NATS_HEALTHY,
      restart: 'unless-stopped',
      networks: { [CONTROL_NETWORK]: {} },
    },
    // Idle, for `docker compose exec cli node cli/bin/srv6.mjs …` as the client user; init
    // makes `sleep` stop at once on SIGTERM.
    [CLI_SERVICE]: {
      ...project,
      command: ['sleep', 'infinity'],
      init: true,
      env_file: client.env_file,
      environment: { NATS_URL },
      volumes: [client.caVolume, topologyVolume],
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
    const agent = login(agentUser(host.name));
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
      env_file: agent.env_file,
      environment: {
        HOST_NAME: host.name,
        NATS_URL,
        DATAPATH_INSTANCE: agentInstance(host.name),
        ...METRICS,
      },
      volumes: [topologyVolume, agent.caVolume, '/sys/fs/bpf:/sys/fs/bpf'],
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
