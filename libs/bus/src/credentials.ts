/**
 * Credentials of a deployment, generated into one directory, idempotently:
 *
 *   nats-server.conf        users, their permissions (permissions.ts) and TLS   0600
 *   users.json              every user's password and the HTTP API token        0600
 *   env/<user>.env          NATS_USER, NATS_PASS, NATS_CA (+ HTTP_TOKEN)        0600
 *   tls/ca.pem              the CA clients trust (NATS_CA)
 *   tls/ca-key.pem          its key                                             0600
 *   tls/server.pem, tls/server-key.pem   nats-server's certificate and key (0600)
 *
 * Running it again keeps every password, the token and the CA; it adds users for new hosts and
 * makes a new server certificate only when the server names change or it expires within 30
 * days. Passwords are random (24 bytes, base64url); TLS keys are ECDSA P-256 made by openssl.
 */
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import {
  agentUser,
  INTENT_SVC_USER,
  permissionsFor,
  SERVICE_USERS,
  type NatsPermissions,
} from './permissions.js';

/** Where nats-server is reached from by default; compose adds its service name. */
export const DEFAULT_SERVER_NAMES = ['localhost', '127.0.0.1', '::1', 'nats'];

export interface CredentialsOptions {
  readonly directory: string;
  /** Topology hosts: one agent user each. */
  readonly hosts: readonly string[];
  /** DNS names and IP addresses clients use for nats-server (the certificate's names). */
  readonly serverNames?: readonly string[];
  /**
   * Where the processes see the directory, when it is mounted elsewhere (a container): used for
   * the paths written into nats-server.conf and the env files. Default: the directory itself.
   */
  readonly mountedAt?: string;
}

export interface UserCredentials {
  readonly user: string;
  readonly pass: string;
  readonly caFile: string;
}

export interface Credentials {
  readonly directory: string;
  /** nats-server -c this. */
  readonly serverConfig: string;
  readonly caFile: string;
  /** Bearer token of intent-svc's HTTP writes (HTTP_TOKEN). */
  readonly httpToken: string;
  /** user → password */
  readonly passwords: Readonly<Record<string, string>>;
  user(name: string): UserCredentials;
  /** The environment a process running as `name` needs (NATS_USER, NATS_PASS, NATS_CA…). */
  env(name: string): Record<string, string>;
}

interface Stored {
  readonly version: 1;
  readonly passwords: Record<string, string>;
  readonly httpToken: string;
}

const secret = (): string => randomBytes(24).toString('base64url');

/** Writes only when the content differs (mode is set either way). */
function writePrivate(file: string, content: string, mode = 0o600): void {
  if (!existsSync(file) || readFileSync(file, 'utf8') !== content) writeFileSync(file, content);
  chmodSync(file, mode);
}

function openssl(args: string[], cwd: string): string {
  const result = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (result.error) throw new Error(`openssl: ${result.error.message} (apt-get install openssl)`);
  if (result.status !== 0) throw new Error(`openssl ${args[0]} failed: ${result.stderr.trim()}`);
  return result.stdout;
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function ensureCa(tls: string): void {
  if (existsSync(join(tls, 'ca.pem')) && existsSync(join(tls, 'ca-key.pem'))) return;
  openssl(
    [
      'req',
      '-x509',
      ...EC,
      '-keyout',
      'ca-key.pem',
      '-out',
      'ca.pem',
      '-days',
      '3650',
      '-subj',
      `/CN=srv6-intents CA ${randomBytes(4).toString('hex')}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    tls,
  );
  chmodSync(join(tls, 'ca-key.pem'), 0o600);
}

function serverCertificateValid(tls: string, names: string): boolean {
  const certificate = join(tls, 'server.pem');
  const recorded = join(tls, 'server-names.txt');
  if (!existsSync(certificate) || !existsSync(join(tls, 'server-key.pem'))) return false;
  if (!existsSync(recorded) || readFileSync(recorded, 'utf8') !== names) return false;
  const expiring = spawnSync('openssl', ['x509', '-checkend', String(30 * 86400), '-noout'], {
    input: readFileSync(certificate),
  });
  return expiring.status === 0;
}

function ensureServerCertificate(tls: string, serverNames: readonly string[]): void {
  const names = serverNames.map((name) => (isIP(name) ? `IP:${name}` : `DNS:${name}`)).join(',');
  if (serverCertificateValid(tls, names)) return;
  const extensions = join(tls, 'server.ext');
  writeFileSync(
    extensions,
    [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      `subjectAltName=${names}`,
      '',
    ].join('\n'),
  );
  try {
    openssl(
      [
        'req',
        '-new',
        ...EC,
        '-keyout',
        'server-key.pem',
        '-out',
        'server.csr',
        '-subj',
        '/CN=nats-server',
      ],
      tls,
    );
    openssl(
      [
        'x509',
        '-req',
        '-in',
        'server.csr',
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca-key.pem',
        '-set_serial',
        `0x${randomBytes(12).toString('hex')}`,
        '-days',
        '825',
        '-sha256',
        '-extfile',
        'server.ext',
        '-out',
        'server.pem',
      ],
      tls,
    );
  } finally {
    rmSync(extensions, { force: true });
    rmSync(join(tls, 'server.csr'), { force: true });
  }
  chmodSync(join(tls, 'server-key.pem'), 0o600);
  writeFileSync(join(tls, 'server-names.txt'), names);
}

const quote = (text: string): string => JSON.stringify(text);

function renderUser(user: string, password: string, permissions: NatsPermissions): string {
  const list = (items: readonly string[]): string =>
    `[\n${items.map((item) => `          ${quote(item)}`).join('\n')}\n        ]`;
  return [
    '    {',
    `      user: ${quote(user)}`,
    `      password: ${quote(password)}`,
    '      permissions: {',
    `        publish: { allow: ${list(permissions.publish)} }`,
    `        subscribe: { allow: ${list(permissions.subscribe)} }`,
    `        allow_responses: ${permissions.allowResponses}`,
    '      }',
    '    }',
  ].join('\n');
}

/** nats-server.conf: TLS and the users with their permissions (JetStream flags stay on the command line). */
export function renderServerConfig(
  passwords: Readonly<Record<string, string>>,
  tlsDirectory: string,
): string {
  const users = Object.keys(passwords).sort();
  return [
    '# srv6-intents: NATS users, permissions and TLS (docs/security.md). Generated by',
    '# scripts/credentials.sh (libs/bus/src/credentials.ts): edit the generator, not this file.',
    'tls {',
    `  cert_file: ${quote(join(tlsDirectory, 'server.pem'))}`,
    `  key_file: ${quote(join(tlsDirectory, 'server-key.pem'))}`,
    '  timeout: 2',
    '}',
    'authorization {',
    '  users: [',
    ...users.map((user) => renderUser(user, passwords[user]!, permissionsFor(user))),
    '  ]',
    '}',
    '',
  ].join('\n');
}

function readStored(file: string): Stored | undefined {
  if (!existsSync(file)) return undefined;
  const stored = JSON.parse(readFileSync(file, 'utf8')) as Stored;
  if (stored.version !== 1 || typeof stored.httpToken !== 'string' || !stored.passwords)
    throw new Error(`${file}: not a credentials file of this version; move it away to regenerate`);
  return stored;
}

function credentialsOf(directory: string, stored: Stored, mountedAt: string): Credentials {
  const caFile = join(mountedAt, 'tls', 'ca.pem');
  const user = (name: string): UserCredentials => {
    const pass = stored.passwords[name];
    if (pass === undefined) throw new Error(`no NATS user '${name}' in ${directory}`);
    return { user: name, pass, caFile };
  };
  return {
    directory,
    serverConfig: join(directory, 'nats-server.conf'),
    caFile: join(directory, 'tls', 'ca.pem'),
    httpToken: stored.httpToken,
    passwords: stored.passwords,
    user,
    env: (name) => {
      const { pass } = user(name);
      return {
        NATS_USER: name,
        NATS_PASS: pass,
        NATS_CA: caFile,
        ...(name === INTENT_SVC_USER ? { HTTP_TOKEN: stored.httpToken } : {}),
      };
    },
  };
}

/** Creates or completes the credentials directory (see the file comment). */
export function ensureCredentials(options: CredentialsOptions): Credentials {
  const directory = resolve(options.directory);
  const mountedAt = options.mountedAt ?? directory;
  for (const host of options.hosts) {
    if (!/^[a-z0-9-]{1,32}$/.test(host))
      throw new Error(`host '${host}': not a topology host name`);
  }
  // Directories stay readable (the CA must be, for processes of any user); secrets are 0600.
  const tls = join(directory, 'tls');
  mkdirSync(tls, { recursive: true, mode: 0o755 });

  const usersFile = join(directory, 'users.json');
  const previous = readStored(usersFile);
  const passwords = { ...previous?.passwords };
  for (const name of [...SERVICE_USERS, ...options.hosts.map(agentUser)])
    passwords[name] ??= secret();
  const stored: Stored = { version: 1, passwords, httpToken: previous?.httpToken ?? secret() };
  writePrivate(usersFile, JSON.stringify(stored, null, 2) + '\n');

  ensureCa(tls);
  ensureServerCertificate(tls, options.serverNames ?? DEFAULT_SERVER_NAMES);
  writePrivate(
    join(directory, 'nats-server.conf'),
    renderServerConfig(passwords, join(mountedAt, 'tls')),
  );

  const credentials = credentialsOf(directory, stored, mountedAt);
  const envDirectory = join(directory, 'env');
  mkdirSync(envDirectory, { recursive: true, mode: 0o700 });
  for (const name of Object.keys(passwords)) {
    const lines = Object.entries(credentials.env(name)).map(([key, value]) => `${key}=${value}`);
    writePrivate(join(envDirectory, `${name}.env`), lines.join('\n') + '\n');
  }
  return credentials;
}

/** The credentials of an existing directory (nothing is written). */
export function readCredentials(directory: string, mountedAt?: string): Credentials {
  const absolute = resolve(directory);
  const stored = readStored(join(absolute, 'users.json'));
  if (!stored) throw new Error(`${absolute}: no credentials (run scripts/credentials.sh)`);
  return credentialsOf(absolute, stored, mountedAt ?? absolute);
}
