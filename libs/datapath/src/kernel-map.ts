/**
 * The small interface in front of a kernel BPF map. BpfMap implements it over libbpf;
 * MemoryMap implements it in memory so programming logic is tested without a kernel.
 */
export interface KernelMap {
  readonly name: string;
  update(key: Uint8Array, value: Uint8Array): void;
  /** Returns how many entries were written. */
  updateBatch(keys: readonly Uint8Array[], values: readonly Uint8Array[]): number;
  lookup(key: Uint8Array): Uint8Array | undefined;
  delete(key: Uint8Array): boolean;
  /** Deletes many keys, skipping absent ones; returns how many were deleted. */
  deleteBatch(keys: readonly Uint8Array[]): number;
  entries(): Array<[Uint8Array, Uint8Array]>;
}

/** A per-CPU map: one value per possible CPU. */
export interface PerCpuKernelMap {
  readonly name: string;
  lookupPerCpu(key: Uint8Array): Uint8Array[];
  updatePerCpu(key: Uint8Array, values: readonly Uint8Array[]): void;
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** In-memory KernelMap (and per-CPU map) for unit tests of the programming logic. */
export class MemoryMap implements KernelMap, PerCpuKernelMap {
  readonly writes: string[] = [];
  private readonly store = new Map<string, Uint8Array[]>();

  constructor(
    readonly name: string,
    private readonly cpus = 1,
    private readonly defaultValue?: Uint8Array,
  ) {}

  update(key: Uint8Array, value: Uint8Array): void {
    this.writes.push(hex(key));
    this.store.set(hex(key), [new Uint8Array(value)]);
  }

  updateBatch(keys: readonly Uint8Array[], values: readonly Uint8Array[]): number {
    keys.forEach((key, index) => this.update(key, values[index]!));
    return keys.length;
  }

  lookup(key: Uint8Array): Uint8Array | undefined {
    return this.store.get(hex(key))?.[0] ?? this.defaultValue;
  }

  delete(key: Uint8Array): boolean {
    this.writes.push(`-${hex(key)}`);
    return this.store.delete(hex(key));
  }

  deleteBatch(keys: readonly Uint8Array[]): number {
    return keys.filter((key) => this.delete(key)).length;
  }

  entries(): Array<[Uint8Array, Uint8Array]> {
    return [...this.store].map(([key, values]) => [Buffer.from(key, 'hex'), values[0]!]);
  }

  lookupPerCpu(key: Uint8Array): Uint8Array[] {
    return this.store.get(hex(key)) ?? Array.from({ length: this.cpus }, () => this.defaultValue!);
  }

  updatePerCpu(key: Uint8Array, values: readonly Uint8Array[]): void {
    this.store.set(
      hex(key),
      values.map((value) => new Uint8Array(value)),
    );
  }
}
