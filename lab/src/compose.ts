/**
 * `npm run lab:compose`: writes docker-compose.yml, the docker-compose lab of a topology file
 * (libs/topology-lab/src/compose). The committed file is this command's output for
 * examples/topology.yaml; test/compose.spec.ts keeps them equal.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  composeYaml,
  credentialsCommand,
  DEFAULT_CREDENTIALS_DIRECTORY,
  type ComposeOptions,
} from '@srv6/topology-lab/compose';
import { loadTopology } from '@srv6/topology-lab';
import { CommandLine, unknownOption } from './command-line.js';

const HELP = `usage: npm run lab:compose [-- OPTIONS]

Writes the docker-compose lab of a topology file: nats, intent-svc, path-svc (scale it with
docker compose up --scale path-svc=3), one router container per node (configured from the same
topology file by lab/dist/router-config.js) and one host container per host running the
host-agent, on one Docker network per link and per host link with the addresses of the lab plan
(the same as npm run lab's namespaces). See docs/docker.md.

Security and metrics are on: every container logs in to NATS (TLS) with its own user from
the credentials directory next to the output (credentials/, git-ignored), which
scripts/credentials.sh makes; lab:compose prints that command. Then:
  docker compose build && docker compose up --scale path-svc=3

options:
  --topology FILE    topology (default examples/topology.yaml); the compose file bind-mounts it
                     into the router and host containers by its path relative to the output
  --output FILE      where to write (default docker-compose.yml); - = standard output
  --http-port PORT   host port of intent-svc's HTTP API (default 8080)
  --check            write nothing; exit 1 when FILE differs from what would be written
  -h, --help         this text`;

interface ComposeCliOptions {
  readonly help: boolean;
  readonly topology: string;
  readonly output: string;
  readonly httpPort: number;
  readonly check: boolean;
}

function parse(argv: readonly string[]): ComposeCliOptions {
  let topology = 'examples/topology.yaml';
  let output = 'docker-compose.yml';
  let httpPort = 8080;
  let check = false;
  let help = false;
  const line = new CommandLine(argv);
  for (let arg = line.next(); arg !== undefined; arg = line.next()) {
    if (arg === '--help' || arg === '-h') help = true;
    else if (arg === '--topology') topology = line.value(arg);
    else if (arg === '--output') output = line.value(arg);
    else if (arg === '--check') check = true;
    else if (arg === '--http-port') httpPort = line.integer(arg, 1, 65535);
    else throw unknownOption(arg);
  }
  return { help, topology, output, httpPort, check };
}

const REPOSITORY = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** A path as the compose file names it: relative to the compose file's folder. */
function fromCompose(path: string, output: string): string {
  const folder = output === '-' ? process.cwd() : dirname(resolve(output));
  const name = relative(folder, resolve(path)).split(sep).join('/');
  if (name === '') return '.';
  return name.startsWith('.') ? name : `./${name}`;
}

function main(): void {
  const options = parse(process.argv.slice(2));
  if (options.help) {
    console.log(HELP);
    return;
  }
  const topology = loadTopology(options.topology);
  const composeOptions: ComposeOptions = {
    topologyFile: fromCompose(options.topology, options.output),
    buildContext: fromCompose(REPOSITORY, options.output),
    httpPort: options.httpPort,
  };
  const text = composeYaml(topology, composeOptions);
  if (options.check) {
    let current = '';
    try {
      current = readFileSync(options.output, 'utf8');
    } catch {
      // missing: differs
    }
    if (current !== text) {
      process.stderr.write(
        `lab:compose: ${options.output} is not the output for ${options.topology}; run npm run lab:compose\n`,
      );
      process.exit(1);
    }
    console.log(`${options.output} is up to date with ${options.topology}`);
    return;
  }
  if (options.output === '-') {
    process.stdout.write(text);
    return;
  }
  writeFileSync(options.output, text);
  const nodes = topology.spec.nodes.length;
  const hosts = (topology.spec.hosts ?? []).length;
  console.log(
    `wrote ${options.output}: nats, intent-svc, path-svc, cli, ${nodes} routers, ${hosts} hosts, ${topology.spec.links.length + hosts + 1} networks (from ${options.topology})`,
  );
  const credentials = resolve(dirname(options.output), DEFAULT_CREDENTIALS_DIRECTORY);
  console.log(
    `${existsSync(credentials) ? 'credentials present' : 'credentials missing'} in ${credentials}; to make or complete them, from ${dirname(resolve(options.output))}:\n  ${credentialsCommand(composeOptions)}`,
  );
}

try {
  main();
} catch (error: unknown) {
  process.stderr.write(`lab:compose: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
