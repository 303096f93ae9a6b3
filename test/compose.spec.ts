/**
 * The committed docker-compose.yml: valid for docker-compose (`config -q`, no engine needed),
 * exactly what `npm run lab:compose` writes for examples/topology.yaml, and in agreement with
 * that topology's lab plan (the namespace lab's addresses). Also: the programs it runs exist,
 * and the command lines of lab:compose and the container entrypoints.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { planLab } from '@srv6/topology-lab/pure';
import {
  CONTAINER_TOPOLOGY,
  CONTROL_NETWORK,
  composeYaml,
  hostNetwork,
  linkNetwork,
  type ComposeFile,
} from '../libs/topology-lab/src/compose/index.js';
import { loadTopology } from '../libs/topology-lab/src/documents.js';

const COMPOSE_FILE = 'docker-compose.yml';
const TOPOLOGY_FILE = 'examples/topology.yaml';
const scratch = mkdtempSync(join(tmpdir(), 'srv6-compose-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** `docker-compose -f FILE config -q` from the repository (paths resolve against it). */
function composeConfig(file: string): { status: number | null; output: string } {
  const result = spawnSync(
    'docker-compose',
    ['-f', file, '--project-directory', '.', 'config', '-q'],
    { encoding: 'utf8', timeout: 60000 },
  );
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT')
    throw new Error(
      'docker-compose is not installed: run npm run setup (apt package docker-compose) — it validates docker-compose.yml without a Docker engine',
    );
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

const topology = loadTopology(TOPOLOGY_FILE);
const plan = planLab(topology);
const committed = readFileSync(COMPOSE_FILE, 'utf8');
const compose = parse(committed, { version: '1.1' }) as ComposeFile;
const services = compose.services;

describe('docker-compose.yml', () => {
  it('is valid for docker-compose (config -q)', () => {
    const result = composeConfig(COMPOSE_FILE);
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
  });

  it('would fail config -q with a key Compose does not know (the check is real)', () => {
    const broken = join(scratch, 'broken.yml');
    writeFileSync(
      broken,
      committed.replace('\n  path-svc:\n', '\n  path-svc:\n    scale_out: 3\n'),
    );
    const result = composeConfig(broken);
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

  it('generates a valid file for another topology too', () => {
    const other = join(scratch, 'diamond.yml');
    const diamond = loadTopology('test/fixtures/diamond-topology.yaml');
    writeFileSync(
      other,
      composeYaml(diamond, { topologyFile: './test/fixtures/diamond-topology.yaml' }),
    );
    expect(composeConfig(other)).toEqual({ status: 0, output: '' });
  });
});

describe('docker-compose.yml agrees with examples/topology.yaml', () => {
  it('has nats, intent-svc, path-svc, one router per node and one host per topology host', () => {
    expect(Object.keys(services).sort()).toEqual(
      [
        'nats',
        'intent-svc',
        'path-svc',
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
