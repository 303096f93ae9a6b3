/**
 * The srv6 command as users run it (node cli/bin/srv6.mjs, what `npx srv6` starts): offline
 * `path compute` prints the SPEC's JSON for every example intent, bad input exits non-zero with
 * every problem listed, and every command has --help.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SRV6 = 'cli/bin/srv6.mjs';
const scratch = mkdtempSync(join(tmpdir(), 'srv6-cli-'));

function srv6(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('node', [SRV6, ...args], { encoding: 'utf8', timeout: 30000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  const build = spawnSync('npx', ['tsc', '-b', 'cli'], { encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`tsc -b cli failed: ${build.stdout}${build.stderr}`);
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const examples = readdirSync('examples')
  .filter((file) => file.endsWith('.yaml') && file !== 'topology.yaml')
  .sort();

describe('srv6 path compute --json', () => {
  it('has an example for every objective and constraint of the SPEC', () => {
    const objectives = [
      'low-latency',
      'low-jitter',
      'low-packet-loss',
      'low-cost',
      'high-bandwidth',
      'low-bandwidth',
      'low-utilization',
    ];
    const constraints = [
      'max-delay',
      'avoid-untrusted',
      'avoid-nodes',
      'avoid-links',
      'flex-algo',
      'via',
      'service-chain',
      'weighted-objectives',
    ];
    for (const name of [...objectives, ...constraints]) expect(examples).toContain(`${name}.yaml`);
  });

  it.each(examples)('%s prints the SPEC JSON per host', (example) => {
    const result = srv6(
      'path',
      'compute',
      '--topology',
      'examples/topology.yaml',
      '--intent',
      `examples/${example}`,
      '--json',
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const parsed = JSON.parse(result.stdout) as unknown;
    const results = (Array.isArray(parsed) ? parsed : [parsed]) as Array<Record<string, unknown>>;
    for (const item of results) {
      const keys = Object.keys(item).sort();
      if (item['status'] === 'ok') {
        expect(keys).toEqual(['host', 'intent', 'metrics', 'path', 'segments', 'status']);
        expect(Object.keys(item['metrics'] as object).sort()).toEqual([
          'bottleneckMbps',
          'delayMs',
          'hops',
          'igpCost',
        ]);
        expect((item['segments'] as string[]).length).toBeGreaterThan(0);
        expect((item['path'] as string[]).length).toBeGreaterThan(1);
      } else {
        expect(item['status']).toBe('unsatisfiable');
        expect(example).toBe('unsatisfiable.yaml');
        expect(item['reason']).toEqual(expect.any(String));
      }
    }
  });

  it('--host picks one host and prints one object', () => {
    const result = srv6(
      'path',
      'compute',
      '--topology',
      'examples/topology.yaml',
      '--intent',
      'examples/low-latency.yaml',
      '--host',
      'host-a1',
      '--json',
    );
    expect(JSON.parse(result.stdout)).toMatchObject({ host: 'host-a1', status: 'ok' });
  });
});

describe('srv6 errors and help', () => {
  it('an invalid intent exits 1 and lists every problem with its field path', () => {
    const bad = join(scratch, 'bad.yaml');
    writeFileSync(
      bad,
      'apiVersion: srv6.intents/v1\nkind: Intent\nmetadata: { name: Bad_Name }\nspec:\n  hosts: [host-a1]\n  match: { destination: "2001:db8::zz/64", ports: [80, "90-10"] }\n  objective: fastest\n',
    );
    const result = srv6(
      'path',
      'compute',
      '--topology',
      'examples/topology.yaml',
      '--intent',
      bad,
      '--json',
    );
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    for (const path of [
      'metadata.name',
      'spec.match.destination',
      'spec.match.ports[1]',
      'spec.objective',
    ]) {
      expect(result.stderr).toContain(path);
    }
  });

  it('a missing file says which and exits 1', () => {
    const result = srv6(
      'path',
      'compute',
      '--topology',
      'examples/nope.yaml',
      '--intent',
      'examples/via.yaml',
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/cannot read examples\/nope\.yaml: ENOENT/);
  });

  it('an unreachable NATS server is a clear error, not a hang', () => {
    const result = srv6('get', 'intents', '--server', 'nats://127.0.0.1:1');
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/cannot reach NATS at nats:\/\/127\.0\.0\.1:1/);
  });

  it.each([
    '',
    'path compute',
    'apply',
    'get',
    'describe',
    'delete',
    'topology apply',
    'topology show',
  ])('srv6 %s --help', (command) => {
    const result = srv6(...command.split(' ').filter(Boolean), '--help');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/Usage: srv6/);
  });
});
