/**
 * Running synchronous work inside a named network namespace (`ip netns add NAME`).
 *
 * Why: tc attach and if_nametoindex act on the namespace of the calling thread (libbpf opens
 * its netlink socket there), so attaching to an interface inside a namespace means being in it
 * for the duration of the call. Map and program fds are not tied to a namespace: load and
 * program maps from anywhere, only enter the namespace for tc and interface lookups.
 *
 * Why synchronous only: setns moves just the calling thread (Node's main thread). Anything
 * asynchronous — a promise continuation, a libuv pool thread, a timer — would run after we
 * switched back, or on a thread that never switched. So `fn` must do its work before returning.
 */
import { closeSync, openSync } from 'node:fs';
import { CLONE_NEWNET, setns } from './libc.js';

const NETNS_DIRECTORY = '/run/netns';

/** Runs `fn` inside network namespace `name`, always returning to the original namespace. */
export function withNetns<T>(name: string, fn: () => T): T {
  if (name === '' || name.includes('/') || name === '.' || name === '..') {
    throw new Error(
      `withNetns: "${name}" is not a namespace name (as \`ip netns list\` shows them).`,
    );
  }
  const original = openSync('/proc/thread-self/ns/net', 'r');
  let target: number;
  try {
    target = openSync(`${NETNS_DIRECTORY}/${name}`, 'r');
  } catch (error) {
    closeSync(original);
    throw new Error(
      `withNetns: cannot open ${NETNS_DIRECTORY}/${name}: create it with \`ip netns add ${name}\` (or check the name).`,
      {
        cause: error,
      },
    );
  }

  try {
    setns(target, CLONE_NEWNET);
    try {
      const result = fn();
      if (isThenable(result)) {
        throw new Error(
          'withNetns: fn returned a promise; only synchronous work runs inside the namespace. Do the awaited part outside, or make it synchronous.',
        );
      }
      return result;
    } finally {
      restore(original, name);
    }
  } finally {
    closeSync(target);
    closeSync(original);
  }
}

function restore(original: number, name: string): void {
  try {
    setns(original, CLONE_NEWNET);
  } catch (error) {
    // The main thread would keep operating in the wrong namespace: nothing safe to continue with.
    throw new Error(
      `withNetns: could not return from namespace ${name} to the original one; the process is in the wrong network namespace and must exit.`,
      {
        cause: error,
      },
    );
  }
}

function isThenable(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
