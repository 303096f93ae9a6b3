/**
 * Credentials generation (libs/bus credentials.ts): what the directory holds, that a second run
 * keeps every secret, and that nats-server 2.9 accepts the generated configuration.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import {
  agentUser,
  ensureCredentials,
  readCredentials,
  securityOptions,
  startNatsServer,
} from '../src/index.js';

const directory = mkdtempSync(join(tmpdir(), 'srv6-credentials-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const read = (file: string): string => readFileSync(join(directory, file), 'utf8');
const mode = (file: string): string => (statSync(join(directory, file)).mode & 0o777).toString(8);
const openssl = (...args: string[]): string => {
  const result = spawnSync('openssl', args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout;
};

/** The subject alternative names of the server certificate. */
const certificateNames = (): string =>
  openssl('x509', '-in', join(directory, 'tls', 'server.pem'), '-noout', '-ext', 'subjectAltName');

describe('ensureCredentials', () => {
  it('creates users with random passwords, a token, TLS material and per-user env files', () => {
    const credentials = ensureCredentials({ directory, hosts: ['host-a', 'host-b'] });
    expect(Object.keys(credentials.passwords).sort()).toEqual([
      'agent-host-a',
      'agent-host-b',
      'client',
      'intent-svc',
      'path-svc',
    ]);
    const secrets = [...Object.values(credentials.passwords), credentials.httpToken];
    expect(new Set(secrets).size).toBe(secrets.length);
    for (const secret of secrets) expect(secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    for (const file of [
      'nats-server.conf',
      'users.json',
      'tls/ca-key.pem',
      'tls/server-key.pem',
      'env/intent-svc.env',
      'env/agent-host-a.env',
    ]) {
      expect(`${file} ${mode(file)}`).toBe(`${file} 600`);
    }
    expect(mode('tls/ca.pem')).toBe('644');
    expect(read('env/intent-svc.env')).toBe(
      `NATS_USER=intent-svc\nNATS_PASS=${credentials.passwords['intent-svc']}\n` +
        `NATS_CA=${join(directory, 'tls', 'ca.pem')}\nHTTP_TOKEN=${credentials.httpToken}\n`,
    );
    // The server certificate is signed by the CA and names where clients reach the server.
    const ca = join(directory, 'tls', 'ca.pem');
    expect(openssl('verify', '-CAfile', ca, join(directory, 'tls', 'server.pem'))).toMatch(/OK/);
    const names = certificateNames();
    expect(names).toMatch(
      /DNS:localhost, IP Address:127\.0\.0\.1, IP Address:0:0:0:0:0:0:0:1, DNS:nats/,
    );
    // The config names every user with its permissions and the TLS files.
    const config = read('nats-server.conf');
    expect(config).toContain(`cert_file: "${join(directory, 'tls', 'server.pem')}"`);
    expect(config).toContain(
      '"$JS.API.CONSUMER.CREATE.KV_srv6-policies.*.$KV.srv6-policies.host-b.*"',
    );
  });

  it('is idempotent: a second run keeps every secret and file; a new host only adds a user', () => {
    const files = [
      'users.json',
      'nats-server.conf',
      'tls/ca.pem',
      'tls/ca-key.pem',
      'tls/server.pem',
    ];
    const before = Object.fromEntries(files.map((file) => [file, read(file)]));
    const first = readCredentials(directory);
    const again = ensureCredentials({ directory, hosts: ['host-a', 'host-b'] });
    expect(Object.fromEntries(files.map((file) => [file, read(file)]))).toEqual(before);
    expect(again.passwords).toEqual(first.passwords);

    const more = ensureCredentials({ directory, hosts: ['host-a', 'host-b', 'host-c'] });
    expect(more.passwords).toEqual({
      ...first.passwords,
      [agentUser('host-c')]: expect.any(String),
    });
    expect(more.httpToken).toBe(first.httpToken);
    expect(read('tls/ca.pem')).toBe(before['tls/ca.pem']);
    expect(read('tls/server.pem')).toBe(before['tls/server.pem']);
  });

  it('makes a new server certificate (same CA) when the server names change', () => {
    const ca = read('tls/ca.pem');
    const server = read('tls/server.pem');
    ensureCredentials({ directory, hosts: ['host-a'], serverNames: ['nats.example', '10.0.0.5'] });
    expect(read('tls/ca.pem')).toBe(ca);
    expect(read('tls/server.pem')).not.toBe(server);
    const names = certificateNames();
    expect(names).toMatch(/DNS:nats\.example, IP Address:10\.0\.0\.5/);
    ensureCredentials({ directory, hosts: ['host-a'] }); // back to the defaults
  });

  it('writes paths as a container sees the directory when it is mounted elsewhere', () => {
    const mounted = mkdtempSync(join(tmpdir(), 'srv6-credentials-mounted-'));
    try {
      const credentials = ensureCredentials({
        directory: mounted,
        hosts: ['host-a'],
        mountedAt: '/etc/srv6-intents',
      });
      expect(readFileSync(credentials.serverConfig, 'utf8')).toContain(
        'cert_file: "/etc/srv6-intents/tls/server.pem"',
      );
      expect(credentials.env('client')['NATS_CA']).toBe('/etc/srv6-intents/tls/ca.pem');
    } finally {
      rmSync(mounted, { recursive: true, force: true });
    }
  });

  it('is a configuration nats-server 2.9 runs with: TLS and the users log in', async () => {
    const credentials = readCredentials(directory);
    const server = await startNatsServer({ extraArgs: ['-c', credentials.serverConfig] });
    try {
      for (const user of ['intent-svc', 'path-svc', 'client', 'agent-host-a']) {
        const nc = await connect({
          servers: server.url,
          maxReconnectAttempts: 0,
          ...securityOptions(credentials.user(user)),
        });
        expect(nc.info).toMatchObject({ tls_required: true, auth_required: true });
        await nc.close();
      }
    } finally {
      await server.destroy();
    }
  });
});
