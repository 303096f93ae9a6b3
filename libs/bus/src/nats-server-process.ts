/**
 * A real nats-server (the Debian package) with JetStream, on a free loopback port and a temporary
 * store directory: for tests, benchmarks and the lab. restart() keeps the port and the store.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface NatsServerProcess {
  readonly url: string;
  readonly port: number;
  readonly storeDirectory: string;
  stop(): Promise<void>;
  restart(): Promise<void>;
  /** stop() and delete the store. */
  destroy(): Promise<void>;
  /** Everything the server printed so far, over restarts (tests look for permission errors). */
  output(): string;
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitUntilAccepting(
  port: number,
  child: ChildProcess,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + 10000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`nats-server exited (${child.exitCode}): ${output().trim()}`);
    }
    if (await accepting(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`nats-server did not listen on ${port} within 10 s: ${output().trim()}`);
}

export async function startNatsServer(
  options: { port?: number; storeDirectory?: string; extraArgs?: string[] } = {},
): Promise<NatsServerProcess> {
  const port = options.port ?? (await freePort());
  const storeDirectory = options.storeDirectory ?? mkdtempSync(join(tmpdir(), 'srv6-nats-'));
  let child: ChildProcess | undefined;
  let printed = '';

  const start = async (): Promise<void> => {
    let output = '';
    const args = [
      '-js',
      '-a',
      '127.0.0.1',
      '-p',
      String(port),
      '-sd',
      storeDirectory,
      ...(options.extraArgs ?? []),
    ];
    const started = spawn('nats-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const collect = (chunk: Buffer): void => {
      output += chunk.toString();
      printed += chunk.toString();
    };
    started.stdout?.on('data', collect);
    started.stderr?.on('data', collect);
    started.once(
      'error',
      (error) => (output += `spawn failed: ${error.message} (apt-get install nats-server)`),
    );
    child = started;
    await waitUntilAccepting(port, started, () => output);
  };

  const stop = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGTERM');
      setTimeout(() => running.kill('SIGKILL'), 5000).unref();
    });
  };

  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDirectory,
    stop,
    restart: async () => {
      await stop();
      await start();
    },
    output: () => printed,
    destroy: async () => {
      await stop();
      rmSync(storeDirectory, { recursive: true, force: true });
    },
  };
}
