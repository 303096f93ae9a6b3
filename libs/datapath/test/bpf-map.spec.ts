import { loadBpfObject, type LoadedBpfObject } from '../src/bpf-object.js';
import { possibleCpuCount } from '../src/cpus.js';
import {
  compileTinyProgram,
  prefixKey,
  testPinDirectory,
  u32,
  u64,
  type CompiledFixture,
} from './support/kernel-fixture.js';

const sorted = (keys: Uint8Array[]) => keys.map((key) => Buffer.from(key).toString('hex')).sort();
const address = (index: number) => [0x20, 0x01, 0x0d, 0xb8, (index >> 8) & 0xff, index & 0xff];

describe('BpfMap (real kernel)', () => {
  let fixture: CompiledFixture;
  let pins: { path: string; remove(): void };
  let object: LoadedBpfObject;

  beforeAll(() => {
    fixture = compileTinyProgram();
  });
  beforeEach(() => {
    pins = testPinDirectory();
    object = loadBpfObject({ objectPath: fixture.objectPath, pinDirectory: pins.path });
  });
  afterEach(() => {
    object.close();
    pins.remove();
  });
  afterAll(() => fixture.remove());

  describe('LPM trie', () => {
    it('reports what the kernel says about the map', () => {
      const prefixes = object.map('prefixes');
      expect(prefixes).toMatchObject({
        name: 'prefixes',
        typeName: 'lpm_trie',
        keySize: 20,
        valueSize: 4,
        maxEntries: 1024,
        perCpu: false,
      });
    });

    it('round-trips update, lookup, keys, entries and delete', () => {
      const prefixes = object.map('prefixes');
      const wide = prefixKey(32, address(0));
      const narrow = prefixKey(64, address(1));
      prefixes.update(wide, u32(1));
      prefixes.update(narrow, u32(2));
      prefixes.update(narrow, u32(3)); // 'any' replaces

      expect(prefixes.lookup(wide)).toEqual(u32(1));
      expect(prefixes.lookup(narrow)).toEqual(u32(3));
      // Lookup is the kernel's longest-prefix match, not an exact-key lookup.
      expect(prefixes.lookup(prefixKey(128, [...address(1), 0, 0, 0xff]))).toEqual(u32(3));
      expect(prefixes.lookup(prefixKey(48, address(1)))).toEqual(u32(1));
      expect(prefixes.lookup(prefixKey(128, [0x20, 0x02]))).toBeUndefined();
      expect(sorted(prefixes.keys())).toEqual(sorted([wide, narrow]));
      expect(
        prefixes.entries().map(([key, value]) => [Buffer.from(key).toString('hex'), value[0]]),
      ).toHaveLength(2);

      expect(prefixes.delete(narrow)).toBe(true);
      expect(prefixes.delete(narrow)).toBe(false);
      expect(sorted(prefixes.keys())).toEqual(sorted([wide]));
    });

    it('returns copies, not views of a reused buffer', () => {
      const prefixes = object.map('prefixes');
      prefixes.update(prefixKey(64, address(0)), u32(1));
      prefixes.update(prefixKey(64, address(1)), u32(2));
      const first = prefixes.lookup(prefixKey(64, address(0)));
      expect(prefixes.lookup(prefixKey(64, address(1)))).toEqual(u32(2));
      expect(first).toEqual(u32(1));
    });

    it('honours noexist and exist', () => {
      const prefixes = object.map('prefixes');
      const key = prefixKey(64, address(2));
      expect(() => prefixes.update(key, u32(1), 'exist')).toThrow(
        /bpf_map_update_elem .*failed: ENOENT\..*'exist'/,
      );
      prefixes.update(key, u32(1), 'noexist');
      expect(() => prefixes.update(key, u32(2), 'noexist')).toThrow(/failed: EEXIST\./);
      prefixes.update(key, u32(2), 'exist');
      expect(prefixes.lookup(key)).toEqual(u32(2));
    });

    it('writes and deletes in batches through the kernel, skipping absent keys on delete', () => {
      const prefixes = object.map('prefixes');
      const keys = Array.from({ length: 1000 }, (_, i) => prefixKey(64, address(i)));
      const values = keys.map((_, i) => u32(i));
      expect(prefixes.updateBatch(keys, values)).toBe(1000);
      expect(prefixes.batchMode.update).toBe('kernel');
      expect(prefixes.keys()).toHaveLength(1000);
      expect(prefixes.lookup(keys[999]!)).toEqual(u32(999));

      const toDelete = [keys[0]!, prefixKey(64, address(5000)), keys[1]!, keys[2]!];
      expect(prefixes.deleteBatch(toDelete)).toBe(3);
      expect(prefixes.keys()).toHaveLength(997);
      expect(prefixes.lookup(keys[1]!)).toBeUndefined();
    });

    it('says the map is full and where a batch stopped', () => {
      const prefixes = object.map('prefixes');
      const keys = Array.from({ length: 1025 }, (_, i) => prefixKey(128, [...address(i), 1]));
      expect(() =>
        prefixes.updateBatch(
          keys,
          keys.map(() => u32(0)),
        ),
      ).toThrow(
        /bpf_map_update_batch \(map prefixes .*1024 of 1025 written, failed at index 1024\) failed: ENOSPC\. The map is full \(max_entries 1024\)/,
      );
    });

    it('checks key and value sizes before calling the kernel, naming the map and both lengths', () => {
      const prefixes = object.map('prefixes');
      expect(() => prefixes.update(new Uint8Array(19), u32(1))).toThrow(
        /map prefixes .*: key is 19 bytes, the map's key size is 20 bytes/,
      );
      expect(() => prefixes.update(prefixKey(8, [0x20]), new Uint8Array(8))).toThrow(
        /map prefixes .*: value is 8 bytes, the map's value size is 4 bytes/,
      );
      expect(() => prefixes.lookup(new Uint8Array(4))).toThrow(/key is 4 bytes/);
      const good = prefixKey(8, [0x20]);
      expect(() => prefixes.updateBatch([good, good], [u32(1), new Uint8Array(3)])).toThrow(
        /value is 3 bytes/,
      );
      expect(prefixes.keys()).toHaveLength(0); // nothing half-written
    });
  });

  describe('array', () => {
    it('round-trips update and lookup; keys are every index', () => {
      const settings = object.map('settings');
      settings.update(u32(5), u64(42));
      expect(settings.lookup(u32(5))).toEqual(u64(42));
      expect(settings.lookup(u32(6))).toEqual(u64(0));
      expect(settings.keys()).toHaveLength(64);
    });

    it('batch-updates, and refuses to delete with a hint', () => {
      const settings = object.map('settings');
      const keys = [u32(0), u32(1), u32(63)];
      expect(settings.updateBatch(keys, [u64(1), u64(2), u64(3)])).toBe(3);
      expect(settings.lookup(u32(63))).toEqual(u64(3));
      expect(() => settings.delete(u32(0))).toThrow(
        /bpf_map_delete_elem .*failed: EINVAL\. Array entries cannot be deleted/,
      );
      expect(() => settings.deleteBatch(keys)).toThrow(/array entries cannot be deleted/);
      expect(() => settings.update(u32(64), u64(1))).toThrow(
        /failed: E2BIG\. Array index out of range \(max_entries 64\)/,
      );
    });
  });

  describe('hash', () => {
    it('batch-updates and batch-deletes through the kernel; says when it is full', () => {
      const flows = object.map('flows');
      const keys = Array.from({ length: 256 }, (_, i) => u32(i));
      expect(flows.updateBatch(keys, keys)).toBe(256);
      expect(flows.deleteBatch(keys.slice(0, 50))).toBe(50);
      expect(flows.batchMode).toEqual({ update: 'kernel', delete: 'kernel' });
      expect(flows.keys()).toHaveLength(206);
      flows.updateBatch(keys.slice(0, 50), keys.slice(0, 50));
      expect(() => flows.update(u32(1000), u32(0))).toThrow(
        /failed: E2BIG\. The map is full \(max_entries 256\)/,
      );
    });
  });

  describe('deleteBatch with absent keys', () => {
    it('skips them in one pass: 200 present among 20,000 keys, across batch chunks', () => {
      const flows = object.map('flows');
      const keys = Array.from({ length: 20_000 }, (_, i) => u32(i));
      const present = Array.from({ length: 200 }, (_, i) => i * 97 + 5); // up to 19,308
      flows.updateBatch(
        present.map((i) => keys[i]!),
        present.map((i) => u32(i)),
      );
      flows.update(u32(1_000_000), u32(1)); // not in the batch: stays
      const started = performance.now();
      expect(flows.deleteBatch(keys)).toBe(200);
      const elapsedMs = performance.now() - started;
      expect(flows.keys().map((key) => Buffer.from(key).readUInt32LE(0))).toEqual([1_000_000]);
      expect(flows.batchMode.delete).toBe('kernel');
      // One syscall per absent key (the kernel stops at each), nothing re-packed: milliseconds.
      // Re-packing the rest of the chunk after each absent key took ~3 s for this.
      expect(elapsedMs).toBeLessThan(1000);
    });
  });

  describe('program array (no kernel batch operations)', () => {
    it('falls back to one update per entry and says so', () => {
      const jumpTable = object.map('jump_table');
      const programFd = u32(object.programFd('tiny_egress'));
      expect(jumpTable.updateBatch([u32(0), u32(3)], [programFd, programFd])).toBe(2);
      expect(jumpTable.batchMode.update).toBe('loop');
      expect(jumpTable.batchFallbackReason).toMatch(
        /map jump_table .*refused bpf_map_update_batch \(ENOTSUPP\); using one syscall per entry/,
      );
      expect(jumpTable.deleteBatch([u32(0), u32(1), u32(3)])).toBe(2);
      expect(jumpTable.batchMode.delete).toBe('loop');
    });
  });

  describe('per-CPU array', () => {
    it('reads one value per possible CPU and writes them back', () => {
      const counters = object.map('counters');
      const cpus = possibleCpuCount();
      expect(counters).toMatchObject({
        perCpu: true,
        valueSize: 12,
        perCpuStride: 16,
        cpuCount: cpus,
      });

      const values = Array.from({ length: cpus }, (_, cpu) => new Uint8Array(12).fill(cpu + 1));
      counters.updatePerCpu(u32(1), values);
      const read = counters.lookupPerCpu(u32(1));
      expect(read).toHaveLength(cpus);
      expect(read).toEqual(values);

      counters.updatePerCpu(u32(1), new Uint8Array(12)); // reset on every CPU
      expect(counters.lookupPerCpu(u32(1))).toEqual(values.map(() => new Uint8Array(12)));
    });

    it('points single-value calls to their per-CPU counterparts', () => {
      const counters = object.map('counters');
      expect(() => counters.lookup(u32(0))).toThrow(
        /is per-CPU: lookup\(\) does not apply, use lookupPerCpu/,
      );
      expect(() => counters.update(u32(0), new Uint8Array(12))).toThrow(/use updatePerCpu/);
      expect(() => counters.updatePerCpu(u32(0), [new Uint8Array(12)].slice(0, 0))).toThrow(
        /need one per possible CPU/,
      );
    });
  });
});
