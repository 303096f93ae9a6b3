import { existsSync } from 'node:fs';
import { loadBpfObject, openPinnedMap, type LoadedBpfObject } from '../src/bpf-object.js';
import {
  compileTinyProgram,
  prefixKey,
  testPinDirectory,
  u32,
  type CompiledFixture,
} from './support/kernel-fixture.js';

describe('loadBpfObject (real kernel)', () => {
  let fixture: CompiledFixture;
  let pins: { path: string; remove(): void };
  const opened: LoadedBpfObject[] = [];
  const load = (maxEntries?: Record<string, number>) => {
    const object = loadBpfObject({
      objectPath: fixture.objectPath,
      pinDirectory: pins.path,
      maxEntries,
    });
    opened.push(object);
    return object;
  };

  beforeAll(() => {
    fixture = compileTinyProgram();
  });
  beforeEach(() => {
    pins = testPinDirectory();
  });
  afterEach(() => {
    opened.splice(0).forEach((object) => object.close());
    pins.remove();
  });
  afterAll(() => fixture.remove());

  it('pins every map but the program array by name, lists programs, and hands out a program fd', () => {
    const object = load();
    expect([...object.mapNames].sort()).toEqual([
      'counters',
      'flows',
      'jump_table',
      'prefixes',
      'settings',
    ]);
    for (const name of object.mapNames)
      expect(existsSync(`${pins.path}/${name}`)).toBe(name !== 'jump_table');
    expect(object.programNames).toEqual(['tiny_egress']);
    expect(object.programFd('tiny_egress')).toBeGreaterThan(2);
    expect(object.adoptedMaps).toEqual([]);
  });

  it('reuses pinned maps on the next load: state written through the first is seen by the second', () => {
    const first = load();
    const key = prefixKey(64, [0x20, 0x01, 0x0d, 0xb8]);
    first.map('prefixes').update(key, u32(7));
    first.close();

    const second = load();
    // Not the program array: it belongs to the programs of one load.
    expect([...second.adoptedMaps].sort()).toEqual(['counters', 'flows', 'prefixes', 'settings']);
    expect(second.map('prefixes').lookup(key)).toEqual(u32(7));
    // Same kernel map, not a copy.
    const pinned = openPinnedMap(`${pins.path}/prefixes`);
    expect(second.map('prefixes').id).toBe(pinned.id);
    pinned.close();
  });

  it('applies maxEntries before load, and rejects names the object does not define', () => {
    expect(load({ prefixes: 4096 }).map('prefixes').maxEntries).toBe(4096);
    expect(() => load({ nonexistent: 1 })).toThrow(
      /maxEntries names map "nonexistent", which .* does not define\. Its maps: /,
    );
  });

  it('refuses to adopt a pinned map whose definition changed, and says how to recover', () => {
    load().close();
    expect(() => load({ prefixes: 2048 })).toThrow(
      /bpf_object__load .*failed: EINVAL\. The map pinned at .*\/prefixes no longer matches.*removePinDirectory.*couldn't reuse pinned map/s,
    );
  });

  it('explains a missing object file and a pin directory outside bpffs', () => {
    expect(() =>
      loadBpfObject({ objectPath: '/nonexistent/x.bpf.o', pinDirectory: pins.path }),
    ).toThrow(/bpf_object__open_file \(\/nonexistent\/x.bpf.o\) failed: ENOENT\. .*make -C bpf/);
    expect(() =>
      loadBpfObject({ objectPath: fixture.objectPath, pinDirectory: '/tmp/not-bpffs' }),
    ).toThrow(/not on a bpf filesystem.*mount -t bpf bpf \/sys\/fs\/bpf/);
  });

  it('names the available programs and maps when asked for an unknown one, and refuses use after close', () => {
    const object = load();
    expect(() => object.programFd('srv6_egress')).toThrow(/no program "srv6_egress".*tiny_egress/);
    expect(() => object.map('srv6_policies')).toThrow(/no map "srv6_policies"/);
    object.close();
    object.close(); // idempotent
    expect(() => object.map('prefixes')).toThrow(/closed: load it again/);
  });

  it('openPinnedMap reads a pinned map without the object, and explains a missing pin', () => {
    const object = load();
    object.map('settings').update(u32(3), new Uint8Array([9, 0, 0, 0, 0, 0, 0, 0]));
    object.close();
    const settings = openPinnedMap(`${pins.path}/settings`);
    try {
      expect(settings.name).toBe('settings');
      expect(settings.typeName).toBe('array');
      expect(settings.lookup(u32(3))?.[0]).toBe(9);
    } finally {
      settings.close();
    }
    expect(() => openPinnedMap(`${pins.path}/missing`)).toThrow(
      /bpf_obj_get .*failed: ENOENT\. Nothing is pinned/,
    );
  });
});
