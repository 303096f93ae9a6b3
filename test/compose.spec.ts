/**
 * The committed docker-compose.yml: valid for docker-compose (`config -q`, no engine needed),
 * exactly what `npm run lab:compose` writes for examples/topology.yaml, and in agreement with
 * that topology's lab plan (the namespace lab's addresses) and with the credentials
 * scripts/credentials.sh makes (env files, users, CA, nats-server.conf). Also: the programs it
 * runs exist, and the command lines of lab:compose and the container entrypoints.
 *
 * docker-compose 1.29 refuses a missing env_file (and has no `required: false`), so the file is
 * validated against credentials generated here into a scratch project directory: the committed
 * file as it is, without depending on ./credentials (scripts/setup.sh makes that one).
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { agentUser, DEFAULT_SERVER_NAMES, ensureCredentials } from '@srv6/bus';
import { planLab } from '@srv6/topology-lab/pure';
import {
  CONTAINER_CA,
  CONTAINER_CREDENTIALS,
  CONTAINER_TOPOLOGY,
  CONTROL_NETWORK,
  composeYaml,
  credentialsCommand,
  hostNetwork,
  linkNetwork,
  METRICS_PORT,
  NATS_URL,
  type ComposeFile,
} from '../libs/topology-lab/src/compose/index.js';
import { loadTopology } from '../libs/topology-lab/src/documents.js';
import type { Topology } from '../libs/schema/src/index.js';

const COMPOSE_FILE = 'docker-compose.yml';
const TOPOLOGY_FILE = 'examples/topology.yaml';
const CREDENTIALS = './credentials';
const scratch = mkdtempSync(join(tmpdir(), 'srv6-compose-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A project directory holding credentials for a topology, as scripts/setup.sh makes them. */
function projectWithCredentials(name: string, of: Topology) {
  const directory = join(scratch, name);
  mkdirSync(directory, { recursive: true });
  const credentials = ensureCredentials({
    directory: join(directory, CREDENTIALS),
    hosts: (of.spec.hosts ?? []).map((host) => host.name),
    mountedAt: CONTAINER_CREDENTIALS,
  });
  return { directory, credentials };
}

/** `docker-compose -f FILE config [-q]`, relative paths resolved against `project`. */
function composeConfig(
  file: string,
  project: string,
  quiet = true,
): { status: number | null; output: string; stdout: string } {
  const result = spawnSync(
    'docker-compose',
    ['-f', file, '--project-directory', project, 'config', ...(quiet ? ['-q'] : [])],
    { encoding: 'utf8', timeout: 60000 },
  );
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT')
    throw new Error(
      'docker-compose is not installed: run npm run setup (apt package docker-compose) — it validates docker-compose.yml without a Docker engine',
    );
  if (result.error) throw result.error;
  return {
    status: result.status,
    output: `${result.stdout}${result.stderr}`,
    stdout: result.stdout,
  };
}

const topology = loadTopology(TOPOLOGY_FILE);
const plan = planLab(topology);
const hostNames = (topology.spec.hosts ?? []).map((host) => host.name);
const committed = readFileSync(COMPOSE_FILE, 'utf8');
const compose = parse(committed, { version: '1.1' }) as ComposeFile;
const services = compose.services;
const example = projectWithCredentials('example', topology);

/** The NATS user each container logs in as (routers do not use NATS). */
const loginOf: Record<string, string> = {
  'intent-svc': 'intent-svc',
  'path-svc': 'path-svc',
  cli: 'client',
  ...Object.fromEntries(hostNames.map((host) => [host, agentUser(host)])),
};
const CA_VOLUME = `${CREDENTIALS}/tls/ca.pem:${CONTAINER_CA}:ro`;

describe('docker-compose.yml', () => {
  it('is valid for docker-compose (config -q) with the credentials of examples/topology.yaml', () => {
    const result = composeConfig(COMPOSE_FILE, example.directory);
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
  });

  it('is refused without the credentials, naming the missing env file (set-up makes them)', () => {
    const empty = join(scratch, 'no-credentials');
    mkdirSync(empty);
    const result = composeConfig(COMPOSE_FILE, empty);
    expect(result.status).not.toBe(0);
    // 1.29: "Couldn't find env file: …"; Compose v2: "env file … not found".
    expect(result.output).toMatch(/env file:? \S*\/credentials\/env\/[a-z0-9-]+\.env/i);
  });

  it('resolves, in docker-compose config, to each container logging in as its own user with the CA', () => {
    const result = composeConfig(COMPOSE_FILE, example.directory, false);
    expect(result.status).toBe(0);
    const resolved = parse(result.stdout) as {
      services: Record<string, { environment?: Record<string, string>; volumes?: string[] }>;
    };
    for (const [service, user] of Object.entries(loginOf)) {
      const { environment, volumes } = resolved.services[service]!;
      const env = example.credentials.env(user);
      expect({ service, ...environment }).toMatchObject({ service, ...env, NATS_URL });
      expect({ service, token: 'HTTP_TOKEN' in environment! }).toEqual({
        service,
        token: user === 'intent-svc',
      });
      expect(env['NATS_CA']).toBe(CONTAINER_CA);
      expect(volumes).toContain(
        `${join(example.directory, CREDENTIALS, 'tls/ca.pem')}:${CONTAINER_CA}:ro`,
      );
    }
  });

  it('would fail config -q with a key Compose does not know (the check is real)', () => {
    const broken = join(scratch, 'broken.yml');
    writeFileSync(
      broken,
      committed.replace('\n  path-svc:\n', '\n  path-svc:\n    scale_out: 3\n'),
    );
    const result = composeConfig(broken, example.directory);
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/scale_out/);
  });

  it('is what npm run lab:compose writes for examples/topology.yaml', () => {
    const generated = composeYaml(topology, { topologyFile: `./${TOPOLOGY_FILE}` });
    if (generated !== committed)
      throw new Error(
        `${COMPOSE_FILE} is out of date with ${TOPOLOGY_FILE}: run npm run lab:compose`,
      );
  });

  it('generates a valid file for another topology too, with its credentials', () => {
    const diamond = loadTopology('test/fixtures/diamond-topology.yaml');
    const project = projectWithCredentials('diamond', diamond);
    const other = join(project.directory, 'docker-compose.yml');
    writeFileSync(
      other,
      composeYaml(diamond, { topologyFile: './test/fixtures/diamond-topology.yaml' }),
    );
    expect(composeConfig(other, project.directory)).toMatchObject({ status: 0, output: '' });
  });
});

describe('docker-compose.yml agrees with examples/topology.yaml', () => {
  it('has nats, intent-svc, path-svc, one router per node and one host per topology host', () => {
    expect(Object.keys(services).sort()).toEqual(
      [
        'nats',
        'intent-svc',
        'path-svc',
        'cli',
        ...topology.spec.nodes.map((node) => node.name),
        ...(topology.spec.hosts ?? []).map((host) => host.name),
      ].sort(),
    );
  });

  it('has one network per link and per host link with the plan subnet, plus control', () => {
    const expected: Record<string, string> = {};
    for (const link of plan.links) expected[linkNetwork(link.name)] = link.subnet.prefix;
    for (const host of plan.hosts) expected[hostNetwork(host.name)] = host.subnet.prefix;
    const actual: Record<string, string> = {};
    for (const [name, network] of Object.entries(compose.networks)) {
      if (name === CONTROL_NETWORK) continue;
      expect(network.enable_ipv6).toBe(true);
      const [config, ...more] = network.ipam!.config;
      expect(more).toEqual([]);
      actual[name] = config!.subnet;
    }
    expect(actual).toEqual(expected);
    expect(Object.keys(compose.networks)).toContain(CONTROL_NETWORK);
  });

  it('keeps Docker gateways off every plan address', () => {
    const used = new Set(plan.links.flatMap((link) => [link.a.address, link.b.address]));
    for (const host of plan.hosts) used.add(host.subnet.first).add(host.subnet.second);
    for (const [name, network] of Object.entries(compose.networks)) {
      if (name === CONTROL_NETWORK) continue;
      expect(used.has(network.ipam!.config[0]!.gateway)).toBe(false);
    }
  });

  it.each(plan.routers.map((router) => [router.name, router] as const))(
    'router %s: its links and host links at the plan addresses, configured from the topology',
    (name, router) => {
      const service = services[name]!;
      const expected: Record<string, { ipv6_address: string }> = {};
      for (const link of plan.links)
        for (const end of [link.a, link.b])
          if (end.node === name) expected[linkNetwork(link.name)] = { ipv6_address: end.address };
      for (const host of plan.hosts)
        if (host.router === name)
          expected[hostNetwork(host.name)] = { ipv6_address: host.subnet.first };
      expect(service.networks).toEqual(expected);
      expect(Object.keys(expected)).toHaveLength(router.interfaces.length);
      expect(service.command.join(' ')).toBe(
        `node lab/dist/router-config.js --topology ${CONTAINER_TOPOLOGY} --node ${name}`,
      );
      expect(service.volumes).toContain(`./${TOPOLOGY_FILE}:${CONTAINER_TOPOLOGY}:ro`);
      expect(service.cap_add).toContain('NET_ADMIN');
      expect(service.sysctls).toMatchObject({ 'net.ipv6.conf.all.forwarding': '1' });
    },
  );

  it.each(plan.hosts.map((host) => [host.name, host] as const))(
    'host %s: HOST_NAME, the agent, privileged with bpffs, its host link at the plan address',
    (name, host) => {
      const service = services[name]!;
      expect(service.environment!['HOST_NAME']).toBe(name);
      expect(service.networks).toEqual({
        [CONTROL_NETWORK]: {},
        [hostNetwork(name)]: { ipv6_address: host.subnet.second },
      });
      expect(service.command.join(' ')).toBe(
        `node lab/dist/host-config.js --topology ${CONTAINER_TOPOLOGY} --host ${name} -- node services/host-agent/dist/main.js`,
      );
      expect(service.privileged).toBe(true);
      expect(service.volumes).toEqual(
        expect.arrayContaining([
          `./${TOPOLOGY_FILE}:${CONTAINER_TOPOLOGY}:ro`,
          '/sys/fs/bpf:/sys/fs/bpf',
        ]),
      );
      expect(Object.keys(service.depends_on!)).toEqual(['nats', host.router]);
    },
  );

  it('lets path-svc scale (no container_name, no ports) and publishes intent-svc and nats', () => {
    const pathSvc = services['path-svc'] as unknown as Record<string, unknown>;
    expect(pathSvc['container_name']).toBeUndefined();
    expect(pathSvc['ports']).toBeUndefined();
    expect(pathSvc['command']).toEqual(['node', 'services/path-svc/dist/main.js']);
    expect(services['intent-svc']!.ports).toEqual(['8080:8080']);
    expect(services['nats']!.ports).toContain('4222:4222');
    for (const service of Object.values(services))
      expect((service as unknown as Record<string, unknown>)['container_name']).toBeUndefined();
  });

  it('runs nats with the generated nats-server.conf, credentials mounted read-only, JetStream kept', () => {
    const nats = services['nats']!;
    expect(nats.command).toEqual([
      '-js',
      '-sd',
      '/data',
      '-m',
      '8222',
      '-c',
      `${CONTAINER_CREDENTIALS}/nats-server.conf`,
    ]);
    expect(nats.volumes).toEqual(['nats-data:/data', `${CREDENTIALS}:${CONTAINER_CREDENTIALS}:ro`]);
    expect(Object.keys(compose.volumes)).toEqual(['nats-data']);
    // What nats-server reads there: its TLS files at the container's paths.
    const conf = readFileSync(join(example.directory, CREDENTIALS, 'nats-server.conf'), 'utf8');
    expect(conf).toContain(`cert_file: "${CONTAINER_CREDENTIALS}/tls/server.pem"`);
    expect(conf).toContain(`key_file: "${CONTAINER_CREDENTIALS}/tls/server-key.pem"`);
    expect(nats.env_file).toBeUndefined();
  });

  it('gives every NATS client its own env file and only the CA; routers get neither', () => {
    for (const [name, service] of Object.entries(services)) {
      const user = loginOf[name];
      if (name === 'nats') continue;
      if (user === undefined) {
        expect({ name, env_file: service.env_file }).toEqual({ name, env_file: undefined });
        expect(service.volumes!.join(' ')).not.toContain('credentials');
        continue;
      }
      expect({ name, env_file: service.env_file }).toEqual({
        name,
        env_file: [`${CREDENTIALS}/env/${user}.env`],
      });
      const mounts = service.volumes!.filter((volume) => volume.includes('credentials'));
      expect({ name, mounts }).toEqual({ name, mounts: [CA_VOLUME] });
      expect(service.environment!['NATS_URL']).toBe(NATS_URL);
    }
  });

  it('names exactly the env files the credentials of the topology hosts have', () => {
    const named = Object.values(services)
      .flatMap((service) => service.env_file ?? [])
      .map((file) => file.replace(`${CREDENTIALS}/env/`, ''))
      .sort();
    expect(named).toEqual(
      [
        'intent-svc.env',
        'path-svc.env',
        'client.env',
        ...hostNames.map((h) => `agent-${h}.env`),
      ].sort(),
    );
    expect(readdirSync(join(example.directory, CREDENTIALS, 'env')).sort()).toEqual(named);
  });

  it('reaches nats by a name its certificate covers', () => {
    expect(DEFAULT_SERVER_NAMES).toContain(new URL(NATS_URL).hostname);
    expect(NATS_URL).toBe('nats://nats:4222');
  });

  it('serves /metrics of path-svc and every agent on the control network; intent-svc on 8080', () => {
    for (const name of ['path-svc', ...hostNames])
      expect({ name, ...services[name]!.environment }).toMatchObject({
        name,
        METRICS_PORT: String(METRICS_PORT),
        METRICS_HOST: '0.0.0.0',
      });
    expect(services['intent-svc']!.environment).toMatchObject({ HTTP_HOST: '0.0.0.0' });
    expect(services['intent-svc']!.environment).not.toHaveProperty('METRICS_PORT');
  });

  it('has an idle cli container with the client login and the topology file', () => {
    const cli = services['cli']!;
    expect(cli.command).toEqual(['sleep', 'infinity']);
    expect(cli.init).toBe(true);
    expect(cli.volumes).toEqual([CA_VOLUME, `./${TOPOLOGY_FILE}:${CONTAINER_TOPOLOGY}:ro`]);
    expect(cli).not.toHaveProperty('ports');
  });

  it('gives no address twice', () => {
    const addresses = Object.values(services).flatMap((service) =>
      Object.values(service.networks).flatMap((attachment) =>
        attachment?.ipv6_address ? [attachment.ipv6_address] : [],
      ),
    );
    expect(addresses.length).toBe(2 * plan.links.length + 2 * plan.hosts.length);
    expect(new Set(addresses).size).toBe(addresses.length);
  });
});

describe('the image', () => {
  it('holds every program the compose file runs (built from these sources)', () => {
    const programs = Object.values(services)
      .flatMap((service) => service.command)
      .filter((arg) => /\/dist\/.*\.js$/.test(arg));
    expect(new Set(programs).size).toBeGreaterThanOrEqual(5);
    for (const program of new Set(programs)) {
      const source = program.replace('/dist/', '/src/').replace(/\.js$/, '.ts');
      expect({ program, source: existsSync(source) }).toEqual({ program, source: true });
    }
    const dockerfile = readFileSync('Dockerfile', 'utf8');
    expect(dockerfile).toMatch(/^RUN npm ci /m);
    expect(dockerfile).toMatch(/^RUN npm run build$/m);
  });
});

describe('container entrypoints and lab:compose (built)', () => {
  beforeAll(() => {
    const build = spawnSync('npx', ['tsc', '-b', 'lab'], { encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`tsc -b lab failed: ${build.stdout}${build.stderr}`);
  });

  const node = (...args: string[]) => spawnSync('node', args, { encoding: 'utf8', timeout: 30000 });

  it.each(['lab/dist/compose.js', 'lab/dist/router-config.js', 'lab/dist/host-config.js'])(
    '%s --help',
    (script) => {
      const result = node(script, '--help');
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/^usage: /);
    },
  );

  it('lab:compose --check accepts the committed file and writes the same text to stdout', () => {
    const check = node('lab/dist/compose.js', '--check');
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
    const printed = node('lab/dist/compose.js', '--output', '-');
    expect(printed.stdout).toBe(committed);
  });

  it('lab:compose writes elsewhere with paths relative to the file; --check sees a stale one', () => {
    const output = join(scratch, 'elsewhere', '..', 'docker-compose.yml');
    const write = node('lab/dist/compose.js', '--output', output);
    expect(write.status).toBe(0);
    const text = readFileSync(output, 'utf8');
    expect(text).toContain(`context: ${relative(scratch, process.cwd())}\n`);
    // The credentials command it prints (and puts in the header) works from the file's folder.
    const command = credentialsCommand({
      topologyFile: relative(scratch, TOPOLOGY_FILE),
      buildContext: relative(scratch, process.cwd()),
    });
    expect(write.stdout).toContain(`credentials missing in ${join(scratch, 'credentials')}`);
    expect(write.stdout).toContain(`\n  ${command}\n`);
    expect(text).toContain(`#   ${command}\n`);
    const made = spawnSync('bash', ['-c', command], { cwd: scratch, encoding: 'utf8' });
    expect(made.stderr).toBe('');
    expect(made.status).toBe(0);
    expect(composeConfig(output, scratch)).toMatchObject({ status: 0, output: '' });
    expect(text).toContain(`- ${relative(scratch, TOPOLOGY_FILE)}:${CONTAINER_TOPOLOGY}:ro`);
    expect(node('lab/dist/compose.js', '--check', '--output', output).status).toBe(0);
    writeFileSync(output, text.replace('fd00:a:0::1', 'fd00:a:0::9'));
    const check = node('lab/dist/compose.js', '--check', '--output', output);
    expect(check.status).toBe(1);
    expect(check.stderr).toMatch(/run npm run lab:compose/);
  });

  it('router-config refuses a node the topology lacks', () => {
    const result = node(
      'lab/dist/router-config.js',
      '--topology',
      TOPOLOGY_FILE,
      '--node',
      'r99',
      '--once',
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/'r99' is not a node of topology example-lab/);
  });
});
