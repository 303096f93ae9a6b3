/** `npm run lab:down`: removes every kept lab (and the remains of a lab whose command died). */
import { destroyLab, listLabStates } from '@srv6/topology-lab';

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(`usage: npm run lab:down [-- --prefix PREFIX]

Removes every lab left running by npm run lab -- --keep (or by a lab command that was killed):
its processes, network namespaces, pinned BPF objects and files. Needs root.
  --prefix PREFIX   only the lab whose namespaces are named PREFIX-* (printed by --keep)`);
    return;
  }
  const at = process.argv.indexOf('--prefix');
  const only = at === -1 ? undefined : process.argv[at + 1];
  const states = listLabStates().filter((state) => only === undefined || state.prefix === only);
  if (states.length === 0) {
    console.log('no lab to remove');
    return;
  }
  for (const state of states) {
    const removed = await destroyLab(state);
    console.log(`removed lab ${state.prefix} (${state.topology}): ${removed.length} items`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`lab:down: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
