import { execFileSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { loadBpfObject, type LoadedBpfObject } from '../src/bpf-object.js';
import { interfaceIndex } from '../src/libc.js';
import { withNetns } from '../src/netns.js';
import { attachTcEgress, destroyClsact, detachTcEgress, queryTcEgress } from '../src/tc-hook.js';
import {
  compileTinyProgram,
  createTestNamespace,
  testPinDirectory,
  type CompiledFixture,
  type TestNamespace,
} from './support/kernel-fixture.js';

const currentNetns = () => readlinkSync('/proc/thread-self/ns/net');

describe('withNetns (real kernel)', () => {
  let namespace: TestNamespace;
  beforeAll(() => {
    namespace = createTestNamespace();
  });
  afterAll(() => namespace.remove());

  it('runs fn inside the namespace and returns to the original one, also when fn throws', () => {
    const original = currentNetns();
    const inside = withNetns(namespace.name, () => ({
      netns: currentNetns(),
      ifindex: interfaceIndex('veth0'),
    }));
    expect(inside.netns).not.toBe(original);
    expect(inside.ifindex).toBeGreaterThan(1);
    expect(currentNetns()).toBe(original);

    expect(() =>
      withNetns(namespace.name, () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(currentNetns()).toBe(original);
  });

  it('refuses asynchronous work, after returning to the original namespace', () => {
    const original = currentNetns();
    expect(() => withNetns(namespace.name, () => Promise.resolve(1))).toThrow(
      /only synchronous work/,
    );
    expect(currentNetns()).toBe(original);
  });

  it('explains a missing namespace and a missing interface', () => {
    expect(() => withNetns('srv6t-does-not-exist', () => 0)).toThrow(
      /ip netns add srv6t-does-not-exist/,
    );
    expect(() => withNetns('../x', () => 0)).toThrow(/not a namespace name/);
    // veth0 exists only inside the namespace.
    expect(() => interfaceIndex('srv6t-nonexistent0')).toThrow(
      /if_nametoindex\(srv6t-nonexistent0\) failed: ENODEV\. No interface/,
    );
  });
});

describe('tc egress attach (real kernel, veth in a fresh netns)', () => {
  let fixture: CompiledFixture;
  let pins: { path: string; remove(): void };
  let namespace: TestNamespace;
  let object: LoadedBpfObject;

  beforeAll(() => {
    fixture = compileTinyProgram();
    pins = testPinDirectory();
    namespace = createTestNamespace();
    object = loadBpfObject({ objectPath: fixture.objectPath, pinDirectory: pins.path });
  });
  afterAll(() => {
    object?.close();
    namespace?.remove();
    pins?.remove();
    fixture?.remove();
  });

  const tcFilters = () =>
    execFileSync(
      'ip',
      [
        'netns',
        'exec',
        namespace.name,
        'tc',
        'filter',
        'show',
        'dev',
        namespace.interfaceName,
        'egress',
      ],
      {
        encoding: 'utf8',
      },
    );

  it('attaches idempotently, queries, detaches idempotently, and removes clsact', () => {
    withNetns(namespace.name, () => {
      const ifindex = interfaceIndex(namespace.interfaceName);
      const programFd = object.programFd('tiny_egress');
      expect(queryTcEgress({ ifindex })).toBeUndefined(); // no clsact yet

      const first = attachTcEgress({ ifindex, programFd });
      expect(first).toMatchObject({ ifindex, handle: 1, priority: 1 });
      expect(first.programId).toBeGreaterThan(0);
      const second = attachTcEgress({ ifindex, programFd }); // clsact exists, filter replaced
      expect(second.programId).toBe(first.programId);
      expect(queryTcEgress({ ifindex })).toBe(first.programId);
      expect(queryTcEgress({ ifindex, priority: 2 })).toBeUndefined();

      const shown = tcFilters();
      expect(shown).toMatch(/bpf .*tiny_egress.* direct-action/);
      expect(shown.match(/handle 0x1 /g)).toHaveLength(1); // replaced, not added twice

      expect(detachTcEgress({ ifindex })).toBe(true);
      expect(detachTcEgress({ ifindex })).toBe(false);
      expect(queryTcEgress({ ifindex })).toBeUndefined();
      expect(tcFilters()).toBe('');

      attachTcEgress({ ifindex, programFd, handle: 7, priority: 3 });
      expect(queryTcEgress({ ifindex, handle: 7, priority: 3 })).toBe(first.programId);
      expect(destroyClsact(ifindex)).toBe(true);
      expect(destroyClsact(ifindex)).toBe(false);
      expect(queryTcEgress({ ifindex, handle: 7, priority: 3 })).toBeUndefined();
      expect(detachTcEgress({ ifindex })).toBe(false); // no clsact at all
    });
  });

  it('keeps the filter attached after the object is closed, and swaps programs atomically on reload', () => {
    withNetns(namespace.name, () => {
      const ifindex = interfaceIndex(namespace.interfaceName);
      const first = attachTcEgress({ ifindex, programFd: object.programFd('tiny_egress') });
      const reloaded = loadBpfObject({ objectPath: fixture.objectPath, pinDirectory: pins.path });
      try {
        const swapped = attachTcEgress({ ifindex, programFd: reloaded.programFd('tiny_egress') });
        expect(swapped.programId).not.toBe(first.programId);
        expect(queryTcEgress({ ifindex })).toBe(swapped.programId);
      } finally {
        reloaded.close();
      }
      expect(queryTcEgress({ ifindex })).toBeGreaterThan(0); // still attached without any fd open here
      destroyClsact(ifindex);
    });
  });

  it('explains a wrong interface or program fd', () => {
    expect(() =>
      attachTcEgress({ ifindex: 999_999, programFd: object.programFd('tiny_egress') }),
    ).toThrow(
      /bpf_tc_hook_create \(clsact on ifindex 999999\) failed: ENODEV\. No interface with ifindex 999999 in this network namespace/,
    );
    withNetns(namespace.name, () => {
      const ifindex = interfaceIndex(namespace.interfaceName);
      expect(() => attachTcEgress({ ifindex, programFd: 999 })).toThrow(
        /bpf_tc_attach .*failed: EBADFD?\. Program fd 999/,
      );
      destroyClsact(ifindex);
    });
  });
});
