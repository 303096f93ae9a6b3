/**
 * Each NestJS service starts (prints its ready line) and stops cleanly on SIGTERM and SIGINT:
 * exit code 0 and a stopped line, within a few seconds. The services need NATS: a real
 * nats-server runs for the whole file.
 */
import { spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { startNatsServer, type NatsServerProcess } from '@srv6/bus';
import { waitForOutput } from '@srv6/netlab';

// host-agent needs an interface and NATS: test/host-agent-lifecycle.spec.ts
const SERVICES = ['intent-svc', 'path-svc'] as const;
let nats: NatsServerProcess | undefined;

beforeAll(async () => {
  // Built by `npm test`'s set-up; rebuild here too so a lone jest run tests current code.
  const build = spawnSync('npx', ['tsc', '-b', ...SERVICES.map((s) => `services/${s}`)], {
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(`tsc -b failed: ${build.stdout}${build.stderr}`);
  nats = await startNatsServer();
});

afterAll(async () => {
  await nats?.destroy();
});

describe.each(SERVICES)('%s', (service) => {
  it.each(['SIGTERM', 'SIGINT'] as const)('starts and stops cleanly on %s', async (signal) => {
    const child = spawn('node', [resolve(`services/${service}/dist/main.js`)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // HTTP_PORT=0: intent-svc's HTTP API on any free port.
      env: { ...process.env, NATS_URL: nats?.url, HTTP_PORT: '0' },
    });
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    try {
      await waitForOutput(child, new RegExp(`"service":"${service}","event":"ready"`), 15000);
      const stopped = waitForOutput(child, /"event":"stopped"/, 5000);
      child.kill(signal);
      await stopped;
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
