/**
 * Everything the benchmark creates registers how to remove it here. run() undoes it all in
 * reverse order, once, whether the benchmark finished, failed or was interrupted (SIGINT,
 * SIGTERM, SIGHUP). A step that fails is reported and the others still run.
 */
import { progress } from './progress.js';

type Step = { readonly what: string; readonly undo: () => void | Promise<void> };

export class Cleanup {
  private readonly steps: Step[] = [];
  private running: Promise<void> | undefined;
  private interruptedBy: string | undefined;

  /** Registers an undo step; after cleanup has started, runs it at once. */
  add(what: string, undo: () => void | Promise<void>): void {
    if (this.running) {
      void this.runStep({ what, undo });
      return;
    }
    this.steps.push({ what, undo });
  }

  /** The signal that interrupted the run, if any. */
  get interrupted(): string | undefined {
    return this.interruptedBy;
  }

  /**
   * Lets the event loop deliver a pending signal, then throws if one arrived: long loops call
   * this between steps (synchronous work in between cannot be interrupted).
   */
  async checkpoint(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    if (this.interruptedBy) throw new Error(`interrupted by ${this.interruptedBy}`);
  }

  run(): Promise<void> {
    this.running ??= (async () => {
      for (const step of this.steps.splice(0).reverse()) await this.runStep(step);
    })();
    return this.running;
  }

  /** On SIGINT/SIGTERM/SIGHUP: clean up, then exit 128 + signal number. */
  installSignalHandlers(): void {
    const codes: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };
    for (const [signal, number] of Object.entries(codes)) {
      process.once(signal, () => {
        this.interruptedBy = signal;
        progress(`${signal}: cleaning up`);
        void this.run().finally(() => process.exit(128 + number));
      });
    }
  }

  private async runStep(step: Step): Promise<void> {
    try {
      await step.undo();
    } catch (error) {
      progress(`cleanup: ${step.what} failed: ${(error as Error).message}`);
    }
  }
}
