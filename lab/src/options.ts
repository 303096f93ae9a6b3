/** Command line of `npm run lab`. */
export interface LabOptions {
  readonly help: boolean;
  readonly topology: string;
  readonly intents: string;
  readonly keep: boolean;
  /** `INTENT:LINK`, or undefined for the default choice. */
  readonly reconverge?: string;
  readonly skipReconverge: boolean;
}

export const HELP = `usage: npm run lab [-- OPTIONS]

Builds a lab of real Linux SRv6 routers from a topology file (one network namespace per node,
seg6local End / End.X / End.DT6, links rate-limited from bandwidthMbps, static routes from
igpMetric shortest paths), starts nats-server, intent-svc, two path-svc and one host-agent per
host (tc eBPF program on each host's uplink), applies the example intents, sends real traffic
for each with and without its intent and prints where it went (per-router counters) and what it
measured. Then takes a link of an active path down and measures the reconvergence.
Everything is removed on exit and on Ctrl-C. Needs root.

options:
  --topology FILE        topology (default examples/topology.yaml)
  --intents DIR|FILE     intents to apply: a directory of *.yaml or one file (default examples/)
  --reconverge I:LINK    intent whose traffic to watch and the link to take down
                         (default low-jitter:r5-r6 when both exist, else the first programmed
                         UDP intent and the last link of its path)
  --no-reconverge        skip the link failure
  --keep                 leave the lab running and print how to reach it (npm run lab:down
                         removes it)
  -h, --help             this text`;

export function parseOptions(argv: readonly string[]): LabOptions {
  let topology = 'examples/topology.yaml';
  let intents = 'examples';
  let reconverge: string | undefined;
  let keep = false;
  let skipReconverge = false;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined || next.startsWith('--'))
        throw new Error(`${arg} needs a value (see --help)`);
      return next;
    };
    if (arg === '--help' || arg === '-h') help = true;
    else if (arg === '--topology') topology = value();
    else if (arg === '--intents') intents = value();
    else if (arg === '--reconverge') reconverge = value();
    else if (arg === '--no-reconverge') skipReconverge = true;
    else if (arg === '--keep') keep = true;
    else throw new Error(`unknown option ${arg} (see --help)`);
  }
  if (reconverge !== undefined && !/^[^:]+:[^:]+$/.test(reconverge))
    throw new Error(`--reconverge '${reconverge}': write INTENT:LINK, e.g. low-jitter:r5-r6`);
  return { help, topology, intents, keep, reconverge, skipReconverge };
}
