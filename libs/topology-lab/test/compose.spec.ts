/**
 * The docker-compose lab as pure functions: the compose document of a topology, and what a
 * router or host container runs — interfaces found by address, the plan's routes, SIDs,
 * shaping and filters on the real interface names.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument, type Topology } from '@srv6/schema';
import {
  composeFile,
  composeYaml,
  credentialsCommand,
  dockerGateway,
  hostSetup,
  interfacesFromIpJson,
  mapInterfaces,
  routerInterfaces,
  routerSetup,
  type SetupCommand,
} from '../src/compose/index.js';
import { loadTopology } from '../src/documents.js';
import { planLab } from '../src/pure.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const diamond = loadTopology(join(root, 'test/fixtures/diamond-topology.yaml'));
const example = loadTopology(join(root, 'examples/topology.yaml'));
const options = { topologyFile: './topology.yaml' };

describe('composeFile', () => {
  const file = composeFile(diamond, options);

  it('has the control plane, one service per router and per host', () => {
    expect(Object.keys(file.services)).toEqual([
      'nats',
      'intent-svc',
      'path-svc',
      'cli',
      'r1',
      'r2',
      'r3',
      'r4',
      'host-a',
    ]);
  });

  it('gives every link and host link a network with the plan subnet and a gateway at ::fffe', () => {
    expect(file.networks['link-r1-r2']).toEqual({
      enable_ipv6: true,
      ipam: { config: [{ subnet: 'fd00:a:0::/64', gateway: 'fd00:a:0::fffe' }] },
    });
    expect(file.networks['link-r3-r4']!.ipam!.config[0]!.subnet).toBe('fd00:a:3::/64');
    expect(file.networks['hostlink-host-a']!.ipam!.config[0]!.subnet).toBe('fd00:b:0::/64');
    expect(Object.keys(file.networks)).toHaveLength(1 + 4 + 1);
  });

  it('puts routers on their links and host links with the plan addresses', () => {
    expect(file.services['r1']!.networks).toEqual({
      'link-r1-r2': { ipv6_address: 'fd00:a:0::1' },
      'link-r1-r3': { ipv6_address: 'fd00:a:2::1' },
      'hostlink-host-a': { ipv6_address: 'fd00:b:0::1' },
    });
    expect(file.services['r4']!.networks).toEqual({
      'link-r2-r4': { ipv6_address: 'fd00:a:1::2' },
      'link-r3-r4': { ipv6_address: 'fd00:a:3::2' },
    });
    expect(file.services['r1']!.command).toEqual([
      'node',
      'lab/dist/router-config.js',
      '--topology',
      '/etc/srv6/topology.yaml',
      '--node',
      'r1',
    ]);
    expect(file.services['r1']!.volumes).toEqual(['./topology.yaml:/etc/srv6/topology.yaml:ro']);
  });

  it('runs the agent of each host with its name, on the control network and its host link', () => {
    const host = file.services['host-a']!;
    expect(host.environment).toMatchObject({ HOST_NAME: 'host-a', NATS_URL: 'nats://nats:4222' });
    expect(host.networks).toEqual({
      control: {},
      'hostlink-host-a': { ipv6_address: 'fd00:b:0::2' },
    });
    expect(host.privileged).toBe(true);
    expect(host.volumes).toEqual([
      './topology.yaml:/etc/srv6/topology.yaml:ro',
      './credentials/tls/ca.pem:/etc/srv6-intents/tls/ca.pem:ro',
      '/sys/fs/bpf:/sys/fs/bpf',
    ]);
    expect(host.env_file).toEqual(['./credentials/env/agent-host-a.env']);
    expect(host.environment).toMatchObject({ METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0' });
    expect(host.command.slice(host.command.indexOf('--') + 1)).toEqual([
      'node',
      'services/host-agent/dist/main.js',
    ]);
  });

  it('logs every NATS client in from the credentials directory; nats runs its config', () => {
    expect(file.services['nats']!.command.slice(-2)).toEqual([
      '-c',
      '/etc/srv6-intents/nats-server.conf',
    ]);
    expect(file.services['nats']!.volumes).toEqual([
      'nats-data:/data',
      './credentials:/etc/srv6-intents:ro',
    ]);
    const envFiles = Object.fromEntries(
      Object.entries(file.services).map(([name, service]) => [name, service.env_file]),
    );
    expect(envFiles).toEqual({
      nats: undefined,
      'intent-svc': ['./credentials/env/intent-svc.env'],
      'path-svc': ['./credentials/env/path-svc.env'],
      cli: ['./credentials/env/client.env'],
      r1: undefined,
      r2: undefined,
      r3: undefined,
      r4: undefined,
      'host-a': ['./credentials/env/agent-host-a.env'],
    });
    const elsewhere = composeFile(diamond, { ...options, credentialsDirectory: '../secrets/' });
    expect(elsewhere.services['cli']!.env_file).toEqual(['../secrets/env/client.env']);
    expect(elsewhere.services['nats']!.volumes).toContain('../secrets:/etc/srv6-intents:ro');
    expect(elsewhere.services['path-svc']!.volumes).toEqual([
      '../secrets/tls/ca.pem:/etc/srv6-intents/tls/ca.pem:ro',
    ]);
  });

  it('says how to make the credentials, from the compose file folder', () => {
    expect(credentialsCommand({ topologyFile: './examples/topology.yaml' })).toBe(
      'bash scripts/credentials.sh --dir ./credentials --topology ./examples/topology.yaml --mounted-at /etc/srv6-intents',
    );
    expect(credentialsCommand({ topologyFile: '../t.yaml', buildContext: '../repo' })).toBe(
      'bash ../repo/scripts/credentials.sh --dir ./credentials --topology ../t.yaml --mounted-at /etc/srv6-intents',
    );
    expect(composeYaml(diamond, options)).toContain(
      '\n#   bash scripts/credentials.sh --dir ./credentials --topology ./topology.yaml --mounted-at /etc/srv6-intents\n',
    );
  });

  it('leaves path-svc free to scale: no container name, no ports', () => {
    const pathSvc = file.services['path-svc']!;
    expect(pathSvc).not.toHaveProperty('container_name');
    expect(pathSvc).not.toHaveProperty('ports');
    expect(file.services['intent-svc']!.ports).toEqual(['8080:8080']);
    expect(
      composeFile(diamond, { ...options, httpPort: 18080 }).services['intent-svc']!.ports,
    ).toEqual(['18080:8080']);
  });

  it('refuses a topology whose names would collide in the compose file', () => {
    const clash = (hosts: Topology['spec']['hosts']): Topology => ({
      ...diamond,
      spec: { ...diamond.spec, hosts },
    });
    expect(() =>
      composeFile(clash([{ name: 'nats', attachedTo: 'r1', address: '2001:db8:a::10' }]), options),
    ).toThrow(/host 'nats'/);
    expect(() =>
      composeFile(clash([{ name: 'r2', attachedTo: 'r1', address: '2001:db8:a::10' }]), options),
    ).toThrow(/host 'r2'/);
    expect(() =>
      composeFile(clash([{ name: 'cli', attachedTo: 'r1', address: '2001:db8:a::10' }]), options),
    ).toThrow(/host 'cli'/);
  });

  it('writes YAML whose ports are quoted and which reads back as the same document', () => {
    const text = composeYaml(diamond, options);
    expect(text.startsWith('# The lab of ./topology.yaml for Docker. GENERATED')).toBe(true);
    expect(text).toContain("- '8080:8080'");
    const reread = parseDocument(text);
    expect(reread.ok && reread.value).toEqual(
      JSON.parse(JSON.stringify(composeFile(diamond, options))),
    );
  });

  it('places the gateway on ::fffe of the /64', () => {
    expect(dockerGateway({ prefix: 'fd00:a:1f::/64', first: '', second: '' })).toBe(
      'fd00:a:1f::fffe',
    );
    expect(() => dockerGateway({ prefix: 'fd00:a:1::/48', first: '', second: '' })).toThrow();
  });
});

describe('mapInterfaces', () => {
  const expected = [
    { device: 'l0-r2', address: 'fd00:a:0::1' },
    { device: 'h0-host-a', address: 'fd00:b:0::1' },
  ];

  it('finds plan devices by address, whatever Docker named the interfaces', () => {
    const map = mapInterfaces(expected, [
      { name: 'lo', addresses: ['::1'] },
      { name: 'eth0', addresses: ['fd00:b::1', 'fe80::1'] },
      { name: 'eth1', addresses: ['fd00:a::1', 'fe80::2'] },
    ]);
    expect([...map]).toEqual([
      ['l0-r2', 'eth1'],
      ['h0-host-a', 'eth0'],
    ]);
  });

  it('names the missing address and what the container has', () => {
    expect(() =>
      mapInterfaces(expected, [
        { name: 'eth0', addresses: ['fd00:a::1'] },
        { name: 'eth1', addresses: [] },
      ]),
    ).toThrow(
      /no interface holds fd00:b:0::1 \(h0-host-a\); the container has eth0 \[fd00:a::1\]; eth1 \[no address\]/,
    );
  });

  it('refuses one interface for two plan devices, or one address on two interfaces', () => {
    expect(() =>
      mapInterfaces(expected, [{ name: 'eth0', addresses: ['fd00:a::1', 'fd00:b::1'] }]),
    ).toThrow(/eth0 holds the addresses of both l0-r2 and h0-host-a/);
    expect(() =>
      mapInterfaces(expected, [
        { name: 'eth0', addresses: ['fd00:a::1'] },
        { name: 'eth1', addresses: ['fd00:a:0::1'] },
      ]),
    ).toThrow(/on both eth0 and eth1/);
  });

  it('reads `ip -j address show`, IPv6 addresses only', () => {
    const json = JSON.stringify([
      {
        ifname: 'lo',
        addr_info: [
          { family: 'inet', local: '127.0.0.1' },
          { family: 'inet6', local: '::1' },
        ],
      },
      {
        ifname: 'eth0',
        addr_info: [
          { family: 'inet', local: '172.18.0.2' },
          { family: 'inet6', local: 'fd00:a::1' },
        ],
      },
      { ifname: 'eth1' },
    ]);
    expect(interfacesFromIpJson(json)).toEqual([
      { name: 'lo', addresses: ['::1'] },
      { name: 'eth0', addresses: ['fd00:a::1'] },
      { name: 'eth1', addresses: [] },
    ]);
  });
});

describe('routerSetup and hostSetup', () => {
  const plan = planLab(example);
  const r1 = plan.routers.find((router) => router.name === 'r1')!;
  // Docker's names in reverse plan order.
  const devices = new Map(
    routerInterfaces(r1).map((item, index, all) => [item.device, `eth${all.length - 1 - index}`]),
  );
  const text = (step: SetupCommand): string => [step.command, ...step.args].join(' ');

  it('installs every plan route and SID on the real interfaces, after removing the default route', () => {
    const steps = routerSetup(plan, 'r1', devices, { netem: false });
    expect(text(steps[0]!)).toBe('ip -6 route flush default');
    const routes = steps.filter((step) => step.args[1] === 'route' && step.args[2] === 'replace');
    expect(routes).toHaveLength(r1.routes.length + r1.sids.length);
    const r4 = plan.links.find((link) => link.name === 'r1-r4')!;
    expect(steps.map(text)).toContain(
      `ip -6 route replace 2001:db8:b::/64 proto 251 via ${r4.b.address} dev ${devices.get(r4.a.device)}`,
    );
    expect(steps.map(text)).toContain(
      `ip -6 route replace fc00:0:1::e15/128 encap seg6local action End.X nh6 fd00:a:7::2 count dev ${devices.get('l7-r5')}`,
    );
    // Plan device names appear only as aliases.
    for (const step of steps.filter((s) => !s.args.includes('alias')))
      for (const device of devices.keys()) expect(step.args).not.toContain(device);
  });

  it('shapes every link end with tbf and drops lossy ones in nftables, or uses netem', () => {
    const steps = routerSetup(plan, 'r1', devices, { netem: false });
    const qdiscs = steps.filter((step) => step.command === 'tc');
    expect(qdiscs).toHaveLength(4);
    expect(qdiscs.every((step) => step.args.includes('tbf'))).toBe(true);
    const nft = steps.at(-1)!;
    expect(text(nft)).toBe('nft -f -');
    expect(nft.input).toMatch(
      /^table inet srv6lab\ndelete table inet srv6lab\ntable inet srv6lab \{/,
    );
    expect(nft.input).toContain(
      `oifname "${devices.get('l5-r4')}" numgen random mod 1000000 < 20000 drop`,
    );
    expect(nft.input).toContain('counter name "from-host-b2"');

    const netem = routerSetup(plan, 'r1', devices, { netem: true });
    const r4 = netem.filter(
      (step) => step.command === 'tc' && step.args.includes(devices.get('l5-r4')!),
    );
    expect(r4.map(text)).toEqual([
      `tc qdisc replace dev ${devices.get('l5-r4')} root handle 1: netem delay 6ms 3ms loss 2%`,
      `tc qdisc replace dev ${devices.get('l5-r4')} parent 1:1 handle 10: tbf rate 1000mbit burst 250000 latency 20ms`,
    ]);
    expect(netem.at(-1)!.input).not.toContain('numgen');
  });

  it('fails on a router or host the topology lacks, or a device without an interface', () => {
    expect(() => routerSetup(plan, 'r9', devices, { netem: false })).toThrow(/'r9' is not a node/);
    expect(() => routerSetup(plan, 'r1', new Map(), { netem: false })).toThrow(
      /l0-r2 has no interface/,
    );
    expect(() => hostSetup(plan, 'nobody', 'eth1')).toThrow(/'nobody' is not a host/);
  });

  it('gives a host its topology address and a default route through its router', () => {
    expect(hostSetup(plan, 'host-b2', 'eth1').map(text)).toEqual([
      'ip -6 route flush default',
      'ip -6 address replace 2001:db8:b::11/128 dev eth1 nodad',
      'ip -6 route replace default via fd00:b:3::1 dev eth1 src 2001:db8:b::11',
    ]);
  });
});
