/**
 * Keeps a service process alive until SIGTERM or SIGINT, then closes it and exits 0 (or 1 if
 * closing failed). Prints one JSON line when ready and one when stopped, for supervisors and
 * tests. Framework-free: anything with close() will do (a Nest application context does).
 */
export interface Closable {
  close(): Promise<void>;
}

/** `readyFields` are added to the ready line (e.g. the HTTP port actually bound). */
export function runUntilSignal(
  service: string,
  app: Closable,
  readyFields: Record<string, unknown> = {},
): void {
  const log = (event: string, extra: Record<string, unknown> = {}): void => {
    process.stdout.write(JSON.stringify({ service, event, pid: process.pid, ...extra }) + '\n');
  };
  // Nothing else may hold the event loop open before the service has connections of its own.
  const alive = setInterval(() => undefined, 1 << 30);
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    app.close().then(
      () => {
        clearInterval(alive);
        log('stopped', { signal });
        process.exit(0);
      },
      (error: unknown) => {
        process.stderr.write(`${service}: error while stopping: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  log('ready', readyFields);
}
