/**
 * srv6: the command line of srv6-intents. Offline path computation, and apply / get / describe /
 * delete against the running services over NATS. Errors exit 1 with a message saying what to do.
 */
import { Command, Option } from 'commander';
import { DEFAULT_NATS_URL } from '@srv6/bus';
import { applyFile } from './commands/apply.js';
import { describeIntent } from './commands/describe.js';
import { deleteIntent, getIntents, showTopology } from './commands/intents.js';
import { pathCompute } from './commands/path-compute.js';
import { CliError, parseFormat } from './output.js';

const program = new Command('srv6')
  .description('Application intents enforced by host-side SRv6 encapsulation')
  .showHelpAfterError('(add --help for usage)')
  .addOption(
    new Option('--server <url>', 'NATS server of the services')
      .default(DEFAULT_NATS_URL)
      .env('NATS_URL'),
  )
  .addOption(new Option('-o, --output <format>', 'json, yaml or table').default('table'));

const options = (): { server: string; output: ReturnType<typeof parseFormat> } => {
  const { server, output } = program.opts<{ server: string; output: string }>();
  return { server, output: parseFormat(output) };
};
const print = (text: string): void => void process.stdout.write(`${text}\n`);

const path = program.command('path').description('path computation');
path
  .command('compute')
  .description('compute paths and segment lists offline (no services needed)')
  .requiredOption('--topology <file>', 'topology YAML or JSON')
  .requiredOption('--intent <file>', 'intent YAML or JSON')
  .option('--host <name>', 'only this host of the intent')
  .option('--json', 'print the SPEC JSON (same as --output json)')
  .action((flags: { topology: string; intent: string; host?: string; json?: boolean }) => {
    print(
      pathCompute(flags.topology, flags.intent, flags.host, flags.json ? 'json' : options().output),
    );
  });

program
  .command('apply')
  .description('apply an intent (or a topology) from a file; - reads standard input')
  .requiredOption('-f, --file <file>', 'YAML or JSON document')
  .action(async (flags: { file: string }) => print(await applyFile(options().server, flags.file)));

program
  .command('get')
  .description('list resources')
  .argument('<resource>', 'intents')
  .action(async (resource: string) => {
    if (resource !== 'intents')
      throw new CliError(`get: unknown resource '${resource}' (try: intents)`);
    print(await getIntents(options().server, options().output));
  });

program
  .command('describe')
  .description('an intent with its path, segments, per-host state and counters')
  .argument('<resource>', 'intent')
  .argument('<name>')
  .action(async (resource: string, name: string) => {
    if (resource !== 'intent')
      throw new CliError(`describe: unknown resource '${resource}' (try: intent NAME)`);
    print(await describeIntent(options().server, name, options().output));
  });

program
  .command('delete')
  .description('delete an intent')
  .argument('<resource>', 'intent')
  .argument('<name>')
  .action(async (resource: string, name: string) => {
    if (resource !== 'intent')
      throw new CliError(`delete: unknown resource '${resource}' (try: intent NAME)`);
    print(await deleteIntent(options().server, name));
  });

const topology = program.command('topology').description('the network topology');
topology
  .command('apply')
  .description('apply a topology from a file')
  .requiredOption('-f, --file <file>', 'YAML or JSON document')
  .action(async (flags: { file: string }) =>
    print(await applyFile(options().server, flags.file, 'Topology')),
  );
topology
  .command('show')
  .description('show the stored topology')
  .action(async () => print(await showTopology(options().server, options().output)));

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`srv6: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(error instanceof CliError ? 1 : 2);
});
