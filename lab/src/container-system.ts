/**
 * What the router and host containers of the docker-compose lab share: their command line, the
 * interfaces they have, running the plan's set-up commands.
 */
import { spawnSync } from 'node:child_process';
import { loadTopology } from '@srv6/topology-lab';
import { planLab, type LabPlan } from '@srv6/topology-lab/pure';
import {
  CONTAINER_TOPOLOGY,
  interfacesFromIpJson,
  mapInterfaces,
  type ExpectedInterface,
  type SetupCommand,
} from '@srv6/topology-lab/compose';
import { CommandLine, unknownOption } from './command-line.js';

export interface ContainerOptions {
  readonly help: boolean;
  readonly topology: string;
  /** --node (router-config) or --host (host-config). */
  readonly name?: string;
  readonly waitSeconds: number;
  readonly once: boolean;
  /** Everything after `--`. */
  readonly command: readonly string[];
}

/** Parses `--topology FILE --<nameFlag> NAME [--wait S] [--once] [-- COMMAND…]`. */
export function parseContainerOptions(
  argv: readonly string[],
  nameFlag: '--node' | '--host',
): ContainerOptions {
  let topology = CONTAINER_TOPOLOGY;
  let name: string | undefined;
  let waitSeconds = 30;
  let once = false;
  let help = false;
  let command: string[] = [];
  const line = new CommandLine(argv);
  for (let arg = line.next(); arg !== undefined; arg = line.next()) {
    if (arg === '--help' || arg === '-h') help = true;
    else if (arg === '--topology') topology = line.value(arg);
    else if (arg === nameFlag) name = line.value(arg);
    else if (arg === '--once' && nameFlag === '--node') once = true;
    else if (arg === '--wait') waitSeconds = line.integer(arg, 0, 3600);
    else if (arg === '--' && nameFlag === '--host') command = line.rest();
    else throw unknownOption(arg);
  }
  if (!help && name === undefined) throw new Error(`${nameFlag} NAME is required (see --help)`);
  return { help, topology, name, waitSeconds, once, command };
}

/**
 * The start of both entrypoints: options, --help, the lab plan of the topology file. Undefined
 * when --help was printed.
 */
export function startContainer(
  nameFlag: '--node' | '--host',
  help: string,
): { options: ContainerOptions & { name: string }; plan: LabPlan } | undefined {
  const options = parseContainerOptions(process.argv.slice(2), nameFlag);
  if (options.help) {
    console.log(help);
    return undefined;
  }
  return {
    options: { ...options, name: options.name! },
    plan: planLab(loadTopology(options.topology)),
  };
}

export function run(step: SetupCommand): string {
  const result = spawnSync(step.command, step.args, {
    encoding: 'utf8',
    input: step.input,
  });
  const text = [step.command, ...step.args].join(' ');
  if (result.error) throw new Error(`'${text}' failed: ${result.error.message}`);
  if (result.status !== 0)
    throw new Error(`'${text}' failed (exit ${result.status}): ${result.stderr.trim()}`);
  return result.stdout;
}

/** Plan device → real interface, waiting up to `seconds` for Docker to attach every network. */
export async function waitForInterfaces(
  expected: readonly ExpectedInterface[],
  seconds: number,
): Promise<Map<string, string>> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const observed = interfacesFromIpJson(run({ command: 'ip', args: ['-j', 'address', 'show'] }));
    try {
      return mapInterfaces(expected, observed);
    } catch (error) {
      if (Date.now() >= deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export const log = (program: string, line: string): void =>
  void process.stderr.write(`[${program}] ${line}\n`);
