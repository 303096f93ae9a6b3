/**
 * One BPF map, seen through its fd: raw key/value bytes in and out. Codecs (map-codec.ts) turn
 * them into structs; this file only checks sizes and talks to the kernel.
 *
 * Hot paths (update, lookup, batches) reuse their buffers: callers' keys and values are passed
 * to the kernel without copying, batch buffers grow once and stay.
 */
import { closeSync, readFileSync } from 'node:fs';
import { possibleCpuCount } from './cpus.js';
import {
  BPF_ANY,
  BPF_EXIST,
  BPF_NOEXIST,
  type BpfMapBatchOptsValue,
  BpfMapBatchOpts,
  libbpf,
  libbpfError,
} from './libbpf.js';
import koffi from 'koffi';

export type MapUpdateFlag = 'any' | 'noexist' | 'exist';

/** How batch operations reach the kernel for this map: decided on first use. */
export type BatchMode = 'untried' | 'kernel' | 'loop';

const UPDATE_FLAGS: Record<MapUpdateFlag, number> = {
  any: BPF_ANY,
  noexist: BPF_NOEXIST,
  exist: BPF_EXIST,
};

/** enum bpf_map_type (linux/bpf.h), the ones worth naming in messages. */
const MAP_TYPE_NAMES: Record<number, string> = {
  1: 'hash',
  2: 'array',
  3: 'prog_array',
  4: 'perf_event_array',
  5: 'percpu_hash',
  6: 'percpu_array',
  9: 'lru_hash',
  10: 'lru_percpu_hash',
  11: 'lpm_trie',
  12: 'array_of_maps',
  13: 'hash_of_maps',
  27: 'ringbuf',
};
const PER_CPU_TYPES = new Set([5, 6, 10]);
const ARRAY_TYPES = new Set([2, 6]);

/* struct bpf_map_info (linux/bpf.h): the first 40 bytes are all we read. */
const MAP_INFO_SIZE = 88;
const OBJECT_NAME_LENGTH = 16;

/** Batches larger than this are split, bounding the contiguous buffers (values can be ~300 B). */
const MAX_BATCH_CHUNK = 8192;

/* errno values the batch fallback and delete logic look at. */
const ENOENT = 2;
const EOPNOTSUPP = 95;
const ENOTSUPP = 524;

export interface BpfMapInfo {
  name: string;
  /** enum bpf_map_type */
  type: number;
  typeName: string;
  id: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  flags: number;
}

/** Reads type, sizes and name of the map behind `fd` from the kernel. */
export function readMapInfo(fd: number, description: string): BpfMapInfo {
  const info = new Uint8Array(MAP_INFO_SIZE);
  const length = new Uint32Array([MAP_INFO_SIZE]);
  const result = libbpf.bpf_obj_get_info_by_fd(fd, info, length);
  if (result < 0) throw libbpfError('bpf_obj_get_info_by_fd', result, { detail: description });
  const view = new DataView(info.buffer);
  const nameBytes = info.subarray(24, 24 + OBJECT_NAME_LENGTH);
  const nameEnd = nameBytes.indexOf(0);
  const type = view.getUint32(0, true);
  return {
    type,
    typeName: MAP_TYPE_NAMES[type] ?? `type ${type}`,
    id: view.getUint32(4, true),
    keySize: view.getUint32(8, true),
    valueSize: view.getUint32(12, true),
    maxEntries: view.getUint32(16, true),
    flags: view.getUint32(20, true),
    name: new TextDecoder().decode(
      nameBytes.subarray(0, nameEnd < 0 ? OBJECT_NAME_LENGTH : nameEnd),
    ),
  };
}

/** True if the fd is a BPF map (its fdinfo has a map_type line). */
export function isMapFd(fd: number): boolean {
  try {
    return /^map_type:/m.test(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'));
  } catch {
    return false;
  }
}

export class BpfMap {
  /** The name libbpf knows (full ELF name); the kernel keeps at most 15 characters. */
  readonly name: string;
  readonly type: number;
  readonly typeName: string;
  readonly id: number;
  readonly keySize: number;
  readonly valueSize: number;
  readonly maxEntries: number;
  readonly perCpu: boolean;
  /** Per-CPU maps: bytes per CPU in a lookup buffer (value size rounded up to 8). */
  readonly perCpuStride: number;
  readonly cpuCount: number;
  /** Whether updateBatch/deleteBatch used the kernel's batch call or fell back to a loop. */
  readonly batchMode: { update: BatchMode; delete: BatchMode } = {
    update: 'untried',
    delete: 'untried',
  };
  /** Why the last fallback to a loop happened, for logs and benchmarks. */
  batchFallbackReason: string | undefined;

  private readonly description: string;
  private readonly valueBuffer: Uint8Array;
  private readonly batchCount = new Uint32Array(1);
  private readonly batchOptions: BpfMapBatchOptsValue = {
    sz: koffi.sizeof(BpfMapBatchOpts),
    elem_flags: 0,
    flags: 0,
  };
  private batchKeys = new Uint8Array(0);
  private batchValues = new Uint8Array(0);
  private closed = false;

  /**
   * @param fd an open map fd
   * @param ownsFd close() closes the fd (maps from openPinnedMap); maps of a loaded object are
   *   closed with the object instead.
   */
  constructor(
    readonly fd: number,
    private readonly ownsFd: boolean,
    name?: string,
  ) {
    const info = readMapInfo(fd, name ? `map ${name}` : `fd ${fd}`);
    this.name = name ?? info.name;
    this.type = info.type;
    this.typeName = info.typeName;
    this.id = info.id;
    this.keySize = info.keySize;
    this.valueSize = info.valueSize;
    this.maxEntries = info.maxEntries;
    this.perCpu = PER_CPU_TYPES.has(info.type);
    this.cpuCount = this.perCpu ? possibleCpuCount() : 1;
    this.perCpuStride = this.perCpu ? Math.ceil(info.valueSize / 8) * 8 : info.valueSize;
    this.valueBuffer = new Uint8Array(
      this.perCpu ? this.perCpuStride * this.cpuCount : info.valueSize,
    );
    this.description = `map ${this.name} (${this.typeName}, key ${this.keySize} B, value ${this.valueSize} B, max_entries ${this.maxEntries})`;
  }

  /** Inserts or replaces one entry. */
  update(key: Uint8Array, value: Uint8Array, flag: MapUpdateFlag = 'any'): void {
    this.checkKey(key);
    this.requireNotPerCpu('update', 'updatePerCpu');
    this.checkValue(value);
    const result = libbpf.bpf_map_update_elem(this.fd, key, value, UPDATE_FLAGS[flag]);
    if (result < 0) throw this.updateError('bpf_map_update_elem', result);
  }

  /**
   * Per-CPU maps: writes one value per possible CPU, or the same value to every CPU (e.g. zeros
   * to reset a counter).
   */
  updatePerCpu(
    key: Uint8Array,
    values: Uint8Array | readonly Uint8Array[],
    flag: MapUpdateFlag = 'any',
  ): void {
    this.checkKey(key);
    if (!this.perCpu) throw new Error(`${this.description} is not per-CPU: use update().`);
    const perCpuValues =
      values instanceof Uint8Array ? new Array<Uint8Array>(this.cpuCount).fill(values) : values;
    if (perCpuValues.length !== this.cpuCount) {
      throw new Error(
        `${this.description}: updatePerCpu got ${perCpuValues.length} values, need one per possible CPU (${this.cpuCount}).`,
      );
    }
    const buffer = this.valueBuffer;
    buffer.fill(0);
    perCpuValues.forEach((value, cpu) => {
      this.checkValue(value);
      buffer.set(value, cpu * this.perCpuStride);
    });
    const result = libbpf.bpf_map_update_elem(this.fd, key, buffer, UPDATE_FLAGS[flag]);
    if (result < 0) throw this.updateError('bpf_map_update_elem', result);
  }

  /**
   * A copy of the value, or undefined if the key is absent. For an LPM trie this is the
   * kernel's longest-prefix match, not an exact lookup: the key's prefixlen says how many bits
   * of its address to match, and the value of the longest stored prefix covering them returns.
   */
  lookup(key: Uint8Array): Uint8Array | undefined {
    this.checkKey(key);
    this.requireNotPerCpu('lookup', 'lookupPerCpu');
    const result = libbpf.bpf_map_lookup_elem(this.fd, key, this.valueBuffer);
    if (result === -ENOENT) return undefined;
    if (result < 0) throw libbpfError('bpf_map_lookup_elem', result, { detail: this.description });
    return this.valueBuffer.slice();
  }

  /**
   * Per-CPU maps: one value (valueSize bytes) per possible CPU. An absent key of a per-CPU hash
   * reads as zeros on every CPU (counters not yet touched); an array index past max_entries throws.
   */
  lookupPerCpu(key: Uint8Array): Uint8Array[] {
    this.checkKey(key);
    if (!this.perCpu) throw new Error(`${this.description} is not per-CPU: use lookup().`);
    const result = libbpf.bpf_map_lookup_elem(this.fd, key, this.valueBuffer);
    if (result === -ENOENT && !ARRAY_TYPES.has(this.type)) {
      return Array.from({ length: this.cpuCount }, () => new Uint8Array(this.valueSize));
    }
    if (result < 0) {
      throw libbpfError('bpf_map_lookup_elem', result, {
        detail: this.description,
        hints: { ENOENT: `Array index out of range (max_entries ${this.maxEntries}).` },
      });
    }
    const values: Uint8Array[] = [];
    for (let cpu = 0; cpu < this.cpuCount; cpu++) {
      const start = cpu * this.perCpuStride;
      values.push(this.valueBuffer.slice(start, start + this.valueSize));
    }
    return values;
  }

  /** Removes one entry; false if it was absent. Array maps cannot delete: write a value instead. */
  delete(key: Uint8Array): boolean {
    this.checkKey(key);
    const result = libbpf.bpf_map_delete_elem(this.fd, key);
    if (result === -ENOENT) return false;
    if (result < 0) throw this.deleteError('bpf_map_delete_elem', result);
    return true;
  }

  /**
   * Every key (bpf_map_get_next_key walk), copied. Stops after max_entries keys, so a map that
   * changes during the walk cannot loop forever (the hash walk restarts when its cursor vanishes).
   */
  keys(): Uint8Array[] {
    const keys: Uint8Array[] = [];
    let previous: Uint8Array | null = null;
    for (let i = 0; i < this.maxEntries; i++) {
      const next = new Uint8Array(this.keySize);
      const result = libbpf.bpf_map_get_next_key(this.fd, previous, next);
      if (result === -ENOENT) break;
      if (result < 0)
        throw libbpfError('bpf_map_get_next_key', result, { detail: this.description });
      keys.push(next);
      previous = next;
    }
    return keys;
  }

  /** Every [key, value] (not per-CPU maps). Entries deleted during the walk are skipped. */
  entries(): Array<[Uint8Array, Uint8Array]> {
    this.requireNotPerCpu('entries', 'keys() and lookupPerCpu');
    const entries: Array<[Uint8Array, Uint8Array]> = [];
    for (const key of this.keys()) {
      const value = this.lookup(key);
      if (value !== undefined) entries.push([key, value]);
    }
    return entries;
  }

  /**
   * Writes many entries with bpf_map_update_batch (one syscall per 8192), or, if the kernel
   * does not implement batches for this map type, one update per entry (see batchMode).
   * Sizes are checked before anything is written. Returns the number of entries written.
   */
  updateBatch(
    keys: readonly Uint8Array[],
    values: readonly Uint8Array[],
    flag: MapUpdateFlag = 'any',
  ): number {
    this.requireNotPerCpu('updateBatch', 'updatePerCpu');
    if (keys.length !== values.length) {
      throw new Error(
        `${this.description}: updateBatch got ${keys.length} keys but ${values.length} values.`,
      );
    }
    keys.forEach((key) => this.checkKey(key));
    values.forEach((value) => this.checkValue(value));
    if (this.batchMode.update === 'loop') return this.updateLoop(keys, values, 0, flag);

    this.batchOptions.elem_flags = UPDATE_FLAGS[flag];
    for (let start = 0; start < keys.length; start += MAX_BATCH_CHUNK) {
      const end = Math.min(keys.length, start + MAX_BATCH_CHUNK);
      const keyBytes = this.packKeys(keys, start, end);
      const valueBytes = this.packValues(values, start, end);
      this.batchCount[0] = end - start;
      const result = libbpf.bpf_map_update_batch(
        this.fd,
        keyBytes,
        valueBytes,
        this.batchCount,
        this.batchOptions,
      );
      if (result < 0) {
        // Unsupported is decided before any element is touched (count is left as it was).
        if (this.batchMode.update === 'untried' && isUnsupported(result)) {
          this.fallBackToLoop('update', result);
          return this.updateLoop(keys, values, 0, flag);
        }
        const failedAt = start + (this.batchCount[0] ?? 0);
        throw this.updateError(
          'bpf_map_update_batch',
          result,
          `${failedAt} of ${keys.length} written, failed at index ${failedAt}`,
        );
      }
      this.batchMode.update = 'kernel';
    }
    return keys.length;
  }

  /**
   * Deletes many keys (bpf_map_delete_batch, or a loop if unsupported). Absent keys are skipped.
   * Returns the number of entries actually deleted.
   */
  deleteBatch(keys: readonly Uint8Array[]): number {
    keys.forEach((key) => this.checkKey(key));
    if (ARRAY_TYPES.has(this.type)) {
      throw new Error(
        `${this.description}: array entries cannot be deleted; write an empty value instead.`,
      );
    }
    if (this.batchMode.delete === 'loop') return this.deleteLoop(keys, 0);

    let deleted = 0;
    for (let start = 0; start < keys.length; start += MAX_BATCH_CHUNK) {
      const end = Math.min(keys.length, start + MAX_BATCH_CHUNK);
      // Packed once per chunk: after an absent key the next call starts further into the same
      // buffer (re-packing the rest after every absent key made this quadratic).
      const packed = this.packKeys(keys, start, end);
      let index = start;
      while (index < end) {
        this.batchCount[0] = end - index;
        const result = libbpf.bpf_map_delete_batch(
          this.fd,
          packed.subarray((index - start) * this.keySize),
          this.batchCount,
          this.batchOptions,
        );
        const done = this.batchCount[0] ?? 0;
        if (result === 0) {
          this.batchMode.delete = 'kernel';
          deleted += done;
          index = end;
        } else if (result === -ENOENT) {
          // The kernel stops at the first absent key: count what went, skip that key, go on.
          this.batchMode.delete = 'kernel';
          deleted += done;
          index += done + 1;
        } else if (this.batchMode.delete === 'untried' && isUnsupported(result)) {
          this.fallBackToLoop('delete', result);
          return this.deleteLoop(keys, index);
        } else {
          throw this.deleteError(
            'bpf_map_delete_batch',
            result,
            `${deleted} deleted, failed at index ${index + done}`,
          );
        }
      }
    }
    return deleted;
  }

  /** Closes the fd if this map owns it (openPinnedMap); idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsFd) closeSync(this.fd);
  }

  private updateLoop(
    keys: readonly Uint8Array[],
    values: readonly Uint8Array[],
    from: number,
    flag: MapUpdateFlag,
  ): number {
    const flags = UPDATE_FLAGS[flag];
    for (let i = from; i < keys.length; i++) {
      const result = libbpf.bpf_map_update_elem(this.fd, keys[i]!, values[i]!, flags);
      if (result < 0)
        throw this.updateError(
          'bpf_map_update_elem',
          result,
          `batch fallback loop, failed at index ${i}`,
        );
    }
    return keys.length - from;
  }

  private deleteLoop(keys: readonly Uint8Array[], from: number): number {
    let deleted = 0;
    for (let i = from; i < keys.length; i++) {
      if (this.delete(keys[i]!)) deleted++;
    }
    return deleted;
  }

  private fallBackToLoop(operation: 'update' | 'delete', result: number): void {
    const error = libbpfError(`bpf_map_${operation}_batch`, result);
    this.batchMode[operation] = 'loop';
    this.batchFallbackReason = `${this.description}: the kernel refused bpf_map_${operation}_batch (${error.errnoName}); using one syscall per entry.`;
  }

  private packKeys(keys: readonly Uint8Array[], start: number, end: number): Uint8Array {
    const needed = (end - start) * this.keySize;
    if (this.batchKeys.length < needed) this.batchKeys = new Uint8Array(needed);
    for (let i = start; i < end; i++) this.batchKeys.set(keys[i]!, (i - start) * this.keySize);
    return this.batchKeys;
  }

  private packValues(values: readonly Uint8Array[], start: number, end: number): Uint8Array {
    const needed = (end - start) * this.valueSize;
    if (this.batchValues.length < needed) this.batchValues = new Uint8Array(needed);
    for (let i = start; i < end; i++)
      this.batchValues.set(values[i]!, (i - start) * this.valueSize);
    return this.batchValues;
  }

  private checkKey(key: Uint8Array): void {
    if (key.length !== this.keySize) {
      throw new Error(
        `${this.description}: key is ${key.length} bytes, the map's key size is ${this.keySize} bytes.`,
      );
    }
  }

  private checkValue(value: Uint8Array): void {
    if (value.length !== this.valueSize) {
      throw new Error(
        `${this.description}: value is ${value.length} bytes, the map's value size is ${this.valueSize} bytes.`,
      );
    }
  }

  private requireNotPerCpu(operation: string, instead: string): void {
    if (this.perCpu)
      throw new Error(
        `${this.description} is per-CPU: ${operation}() does not apply, use ${instead}.`,
      );
  }

  private updateError(functionName: string, result: number, where?: string) {
    const full = `The map is full (max_entries ${this.maxEntries}): load with a larger maxEntries for ${this.name}, or delete entries first.`;
    const isArray = ARRAY_TYPES.has(this.type);
    return libbpfError(functionName, result, {
      detail: where ? `${this.description}; ${where}` : this.description,
      hints: {
        // Arrays answer E2BIG for an index >= max_entries; hashes E2BIG and LPM tries ENOSPC when full.
        E2BIG: isArray ? `Array index out of range (max_entries ${this.maxEntries}).` : full,
        ENOSPC: full,
        ENOENT: "The key does not exist and the 'exist' flag was used.",
        EEXIST: isArray
          ? "Array entries always exist: 'noexist' cannot succeed on an array."
          : "The key already exists and the 'noexist' flag was used.",
        EINVAL: isArray
          ? 'The kernel refused the entry (bad flags for an array?).'
          : 'The kernel refused the entry (for an LPM trie: prefixlen larger than the address bits?).',
      },
    });
  }

  private deleteError(functionName: string, result: number, where?: string) {
    return libbpfError(functionName, result, {
      detail: where ? `${this.description}; ${where}` : this.description,
      hints: {
        EINVAL: ARRAY_TYPES.has(this.type)
          ? 'Array entries cannot be deleted: write an empty value instead.'
          : 'The kernel refused the key.',
      },
    });
  }
}

/* The kernel answers ENOTSUPP when a map type has no batch operation (bpf_map_do_batch).
 * Kernels before 5.6 have no batch commands at all and answer EINVAL; they are not targeted. */
function isUnsupported(result: number): boolean {
  return result === -ENOTSUPP || result === -EOPNOTSUPP;
}
