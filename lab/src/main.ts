/**
 * `npm run lab`: the main job. See options.ts for what it does and its flags; docs/lab.md for
 * the design. Everything it creates is removed on exit and on Ctrl-C, unless --keep.
 */
import { destroyLab, loadIntents, loadTopology, startLab, type LabState } from '@srv6/topology-lab';
import { progress, runLab } from './lab-run.js';
import { HELP, parseOptions } from './options.js';
import { preflight } from './preflight.js';

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (options.help) {
    console.log(HELP);
    return;
  }
  const tools = preflight();
  const topology = loadTopology(options.topology);
  const intents = loadIntents(options.intents, topology);
  progress(`using ${tools.join(', ')}; kernel seg6local, tc clsact + BPF, nftables, tbf`);
  progress(
    `topology ${options.topology}: ${topology.spec.nodes.length} routers, ${topology.spec.links.length} links, ${(topology.spec.hosts ?? []).length} hosts; ${intents.length} intents from ${options.intents}`,
  );

  let state: LabState | undefined;
  let tearing: Promise<void> | undefined;
  const teardown = (): Promise<void> => {
    if (!state) return Promise.resolve();
    const owned = state;
    tearing ??= (async () => {
      progress(`tearing down ${owned.prefix}: processes, namespaces, pinned maps`);
      await destroyLab(owned);
    })();
    return tearing;
  };
  const onSignal = (signal: string): void => {
    progress(`${signal}: tearing down`);
    void teardown().finally(() => process.exit(130));
  };
  process.once('SIGINT', () => onSignal('SIGINT'));
  process.once('SIGTERM', () => onSignal('SIGTERM'));

  let kept = false;
  try {
    const run = await startLab(topology, (owned) => (state = owned), { tag: 's6lab', progress });
    await runLab(options, run, topology, intents);
    if (options.keep) {
      kept = true;
      printKept(
        run.state,
        run.lab.plan.hosts.map((h) => h.name),
        run.lab.ns.bind(run.lab),
      );
    }
  } finally {
    if (!kept) await teardown();
  }
}

function printKept(state: LabState, hosts: string[], ns: (node: string) => string): void {
  console.log(`\nThe lab is kept (${state.prefix}). Reach it with:`);
  const bus = state.clientBus;
  if (bus) {
    console.log(
      `  export NATS_USER=${bus.user} NATS_PASS=${bus.pass} NATS_CA=${bus.caFile}   # the client user, TLS`,
    );
  }
  console.log(`  npx srv6 get intents --server ${state.natsUrl}`);
  console.log(`  npx srv6 describe intent low-latency --server ${state.natsUrl}`);
  console.log(`  curl ${state.httpUrl}/v1/intents`);
  if (state.httpToken) {
    console.log(
      `  curl -X DELETE -H 'Authorization: Bearer ${state.httpToken}' ${state.httpUrl}/v1/intents/NAME   # HTTP writes need the token`,
    );
  }
  for (const host of hosts) console.log(`  ip netns exec ${ns(host)} bash      # ${host}`);
  for (const [name, url] of Object.entries(state.metricsUrls ?? {}))
    console.log(`  curl ${url}      # ${name} metrics (Prometheus)`);
  console.log(`  logs: ${state.runDirectory}/logs`);
  console.log(
    `Remove it with: npm run lab:down   (or: npm run lab:down -- --prefix ${state.prefix})`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`lab: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
