/**
 * The real host-agent process: starts against a real nats-server, attaches the tc program to its
 * interface inside a namespace, stops cleanly on SIGTERM (exit 0) and leaves the program attached
 * and the maps pinned, so traffic keeps its paths while no agent runs.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { NetnsLab, waitForOutput } from '@srv6/netlab';
import { startNatsServer, NatsServerProcess } from '@srv6/bus';
import {
  interfaceIndex,
  PIN_ROOT,
  queryTcEgress,
  removePinDirectory,
  withNetns,
  destroyClsact,
} from '@srv6/datapath';
import { existsSync } from 'node:fs';

const lab = new NetnsLab('s6ag');
const host = `h${randomBytes(3).toString('hex')}`;
const stateDirectory = mkdtempSync(join(tmpdir(), 'srv6-agent-'));
let nats: NatsServerProcess;

beforeAll(async () => {
  const build = spawnSync('npx', ['tsc', '-b', 'services/host-agent'], { encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`tsc -b failed: ${build.stdout}${build.stderr}`);
  lab.addNode('host');
  lab.addNode('peer');
  lab.addLink('host', 'eth0', 'peer', 'eth0');
  nats = await startNatsServer();
});

afterAll(async () => {
  try {
    withNetns(lab.ns('host'), () => destroyClsact(interfaceIndex('eth0')));
  } catch {
    // namespace never came up
  }
  removePinDirectory(`${PIN_ROOT}/${host}`);
  rmSync(stateDirectory, { recursive: true, force: true });
  await nats?.destroy();
  await lab.destroy();
});

it.each(['SIGTERM', 'SIGINT'] as const)(
  'starts, attaches, and stops cleanly on %s leaving the datapath in place',
  async (signal) => {
    const child = spawn('node', [resolve('services/host-agent/dist/main.js')], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        HOST_NAME: host,
        INTERFACE: 'eth0',
        NETNS: lab.ns('host'),
        NATS_URL: nats.url,
        STATE_DIRECTORY: stateDirectory,
        CAPACITY: '1024',
      },
    });
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    try {
      await waitForOutput(child, /"service":"host-agent","event":"ready"/, 20000);
      const attached = withNetns(lab.ns('host'), () =>
        queryTcEgress({ ifindex: interfaceIndex('eth0') }),
      );
      expect(attached).toBeGreaterThan(0);
      const stopped = waitForOutput(child, /"event":"stopped"/, 5000);
      child.kill(signal);
      await stopped;
      expect(await exited).toBe(0);
      expect(
        withNetns(lab.ns('host'), () => queryTcEgress({ ifindex: interfaceIndex('eth0') })),
      ).toBe(attached);
      expect(existsSync(`${PIN_ROOT}/${host}/srv6_prefixes`)).toBe(true);
    } finally {
      child.kill('SIGKILL');
    }
  },
);

it('refuses to start without its settings, naming the missing one', () => {
  const result = spawnSync('node', [resolve('services/host-agent/dist/main.js')], {
    encoding: 'utf8',
    env: { ...process.env, HOST_NAME: '', INTERFACE: '' },
    timeout: 15000,
  });
  expect(result.status).toBe(1);
  expect(result.stderr).toMatch(/HOST_NAME is not set/);
});
