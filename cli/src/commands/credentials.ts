/**
 * `srv6 credentials`: creates or completes a credentials directory (NATS users with their
 * permissions, TLS, the HTTP token; libs/bus ensureCredentials). Idempotent. Prints where
 * everything is, never a secret.
 */
import { agentUser, ensureCredentials, SERVICE_USERS } from '@srv6/bus';
import { validateTopology } from '@srv6/schema';
import { readDocument, refuse } from '../documents.js';
import { CliError } from '../output.js';

export interface CredentialsFlags {
  readonly dir: string;
  readonly topology?: string;
  readonly hosts?: string;
  readonly serverName?: string[];
  readonly mountedAt?: string;
}

function hostsOf(flags: CredentialsFlags): string[] {
  const hosts = new Set<string>();
  if (flags.topology !== undefined) {
    const topology = validateTopology(readDocument(flags.topology));
    if (!topology.ok) refuse(`topology ${flags.topology}`, topology.errors);
    for (const host of topology.value.spec.hosts ?? []) hosts.add(host.name);
  }
  for (const host of (flags.hosts ?? '').split(',').filter(Boolean)) hosts.add(host.trim());
  return [...hosts].sort();
}

export function generateCredentials(flags: CredentialsFlags): string {
  const hosts = hostsOf(flags);
  let credentials;
  try {
    credentials = ensureCredentials({
      directory: flags.dir,
      hosts,
      ...(flags.serverName?.length ? { serverNames: flags.serverName } : {}),
      ...(flags.mountedAt ? { mountedAt: flags.mountedAt } : {}),
    });
  } catch (error) {
    throw new CliError(`credentials in ${flags.dir}: ${(error as Error).message}`);
  }
  const users = [...SERVICE_USERS, ...hosts.map(agentUser)];
  return [
    `credentials in ${credentials.directory} (existing passwords, token and CA kept)`,
    `  nats-server -js -c ${credentials.serverConfig}`,
    `  CA for clients (NATS_CA): ${credentials.caFile}`,
    `  users: ${users.join(', ')}`,
    `  per-user environment: ${credentials.directory}/env/<user>.env (NATS_USER, NATS_PASS, NATS_CA; HTTP_TOKEN for intent-svc)`,
  ].join('\n');
}
