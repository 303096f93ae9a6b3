/**
 * srv6: the command line of srv6-intents. Offline path computation, and apply / get / describe /
 * delete against the running services over NATS. Errors exit 1 with a message saying what to do.
 */
import { Command, Option } from 'commander';
import { DEFAULT_NATS_URL } from '@srv6/bus';
import type { CredentialsFlags } from './commands/credentials.js';
import type { BusTarget } from './bus-client.js';
import { CliError, parseFormat } from './output.js';

/** Commands load their modules when they run: a command pays only for what it uses. */
const apply = () => import('./commands/apply.js');
const intents = () => import('./commands/intents.js');

const program = new Command('srv6')
  .description('Application intents enforced by host-side SRv6 encapsulation')
  .showHelpAfterError('(add --help for usage)')
  .addOption(
    new Option('--server <url>', 'NATS server of the services')
      .default(DEFAULT_NATS_URL)
      .env('NATS_URL'),
  )
  .addOption(new Option('--user <name>', 'NATS user (docs/security.md)').env('NATS_USER'))
  .addOption(new Option('--password <secret>', 'NATS password').env('NATS_PASS'))
  .addOption(
    new Option('--ca <file>', 'CA of the NATS server certificate: connect with TLS').env('NATS_CA'),
  )
  .addOption(new Option('-o, --output <format>', 'json, yaml or table').default('table'));

interface GlobalOptions {
  server: string;
  user?: string;
  password?: string;
  ca?: string;
  output: string;
}

const options = (): { bus: BusTarget; output: ReturnType<typeof parseFormat> } => {
  const { server, user, password, ca, output } = program.opts<GlobalOptions>();
  return {
    bus: { server, user, pass: password, caFile: ca },
    output: parseFormat(output),
  };
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
  .action(async (flags: { topology: string; intent: string; host?: string; json?: boolean }) => {
    const { pathCompute } = await import('./commands/path-compute.js');
    print(
      pathCompute(flags.topology, flags.intent, flags.host, flags.json ? 'json' : options().output),
    );
  });

program
  .command('apply')
  .description('apply an intent (or a topology) from a file; - reads standard input')
  .requiredOption('-f, --file <file>', 'YAML or JSON document')
  .action(async (flags: { file: string }) =>
    print(await (await apply()).applyFile(options().bus, flags.file)),
  );

program
  .command('get')
  .description('list resources')
  .argument('<resource>', 'intents')
  .action(async (resource: string) => {
    if (resource !== 'intents')
      throw new CliError(`get: unknown resource '${resource}' (try: intents)`);
    print(await (await intents()).getIntents(options().bus, options().output));
  });

program
  .command('describe')
  .description('an intent with its path, segments, per-host state and counters')
  .argument('<resource>', 'intent')
  .argument('<name>')
  .action(async (resource: string, name: string) => {
    if (resource !== 'intent')
      throw new CliError(`describe: unknown resource '${resource}' (try: intent NAME)`);
    const { describeIntent } = await import('./commands/describe.js');
    print(await describeIntent(options().bus, name, options().output));
  });

program
  .command('delete')
  .description('delete an intent')
  .argument('<resource>', 'intent')
  .argument('<name>')
  .action(async (resource: string, name: string) => {
    if (resource !== 'intent')
      throw new CliError(`delete: unknown resource '${resource}' (try: intent NAME)`);
    print(await (await intents()).deleteIntent(options().bus, name));
  });

const topology = program.command('topology').description('the network topology');
topology
  .command('apply')
  .description('apply a topology from a file')
  .requiredOption('-f, --file <file>', 'YAML or JSON document')
  .action(async (flags: { file: string }) =>
    print(await (await apply()).applyFile(options().bus, flags.file, 'Topology')),
  );
topology
  .command('show')
  .description('show the stored topology')
  .action(async () => print(await (await intents()).showTopology(options().bus, options().output)));

program
  .command('credentials')
  .description(
    'create or complete a credentials directory: NATS users and permissions, TLS, HTTP token (idempotent)',
  )
  .option('--dir <directory>', 'where (created 0755, secrets 0600)', '/etc/srv6-intents')
  .option('--topology <file>', 'one NATS user per host of this topology')
  .option('--hosts <names>', 'more host users, comma-separated')
  .option(
    '--server-name <name>',
    'a name or address clients use for nats-server (repeat; default localhost, 127.0.0.1, ::1, nats)',
    (value: string, previous: string[] = []) => [...previous, value],
  )
  .option('--mounted-at <path>', 'the path processes see the directory at (a container mount)')
  .action(async (flags: CredentialsFlags) => {
    const { generateCredentials } = await import('./commands/credentials.js');
    print(generateCredentials(flags));
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`srv6: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(error instanceof CliError ? 1 : 2);
});
