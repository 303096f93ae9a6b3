/**
 * The entry point of a bench: command line, --help, a precondition (root), the run with
 * everything it creates undone at the end (also on error or a signal), the result on stdout.
 * Exit codes: 0 done, 1 failed (or the program's verdict), 2 bad command line, 128 + n signal.
 */
import { Cleanup } from './cleanup.js';
import { UsageError } from './command-line.js';
import { progress } from './progress.js';

export interface BenchProgram<Options extends { readonly json: boolean }, Result> {
  /** For messages: `bench-datapath: …`. */
  readonly name: string;
  readonly usage: string;
  /** undefined: --help was asked for. Throws UsageError. */
  parse(argv: readonly string[]): Options | undefined;
  /** Why the run cannot start (e.g. it needs root), or undefined. */
  refuse?(options: Options): string | undefined;
  /** Work done instead of a run (an exit code), or undefined to run. */
  instead?(options: Options): number | undefined;
  run(options: Options, cleanup: Cleanup): Promise<Result>;
  table(result: Result): string;
  json(result: Result): unknown;
  /** The exit code of a finished run (default 0): 1 when the result itself is a failure. */
  verdict?(result: Result): number;
}

export async function runBench<Options extends { readonly json: boolean }, Result>(
  program: BenchProgram<Options, Result>,
): Promise<number> {
  let options: Options | undefined;
  try {
    options = program.parse(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${program.name}: ${error.message}\n\n${program.usage}`);
    return 2;
  }
  if (!options) {
    process.stdout.write(program.usage);
    return 0;
  }
  const refusal = program.refuse?.(options);
  if (refusal !== undefined) {
    process.stderr.write(`${program.name}: ${refusal}\n`);
    return 1;
  }
  const done = program.instead?.(options);
  if (done !== undefined) return done;

  const cleanup = new Cleanup();
  cleanup.installSignalHandlers();
  try {
    const result = await program.run(options, cleanup);
    progress('cleaning up');
    await cleanup.run();
    process.stdout.write(
      options.json ? `${JSON.stringify(program.json(result), null, 2)}\n` : program.table(result),
    );
    return program.verdict?.(result) ?? 0;
  } catch (error) {
    // A signal also interrupts what it hits (a test run answers EINTR): let its handler run.
    await new Promise((resolve) => setImmediate(resolve));
    if (cleanup.interrupted) return 130;
    progress(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  } finally {
    await cleanup.run();
  }
}
