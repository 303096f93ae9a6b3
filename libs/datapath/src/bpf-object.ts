/**
 * Loading the compiled BPF object with its maps pinned by name under one directory.
 *
 * Pinning is what lets a restarted agent adopt the kernel state: libbpf's load looks at
 * `${pinDirectory}/${mapName}` first, and if a compatible map (same type, key/value size,
 * max_entries, flags) is pinned there it reuses it instead of creating an empty one. An
 * incompatible pinned map fails the load (see the hint) rather than being replaced silently.
 */
import { closeSync, existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { BpfMap, isMapFd } from './bpf-map.js';
import { bpffsMountPointOf, DEFAULT_BPFFS_MOUNT_POINT } from './bpffs.js';
import {
  clearLibbpfLog,
  libbpf,
  libbpfError,
  takeLibbpfLog,
  type NativePointer,
} from './libbpf.js';

/** enum bpf_map_type (uapi/linux/bpf.h) */
const BPF_MAP_TYPE_PROG_ARRAY = 3;

export interface LoadBpfObjectOptions {
  /** The compiled object, e.g. bpf/build/srv6_encap.bpf.o. */
  objectPath: string;
  /** A directory on bpffs; each map is pinned at `${pinDirectory}/${mapName}`. */
  pinDirectory: string;
  /** max_entries overrides by map name, applied before load (capacity is a load-time choice). */
  maxEntries?: Record<string, number>;
}

export interface LoadedBpfObject {
  readonly objectPath: string;
  readonly pinDirectory: string;
  readonly mapNames: readonly string[];
  readonly programNames: readonly string[];
  /** Maps that were already pinned and were reused (the state a previous load left). */
  readonly adoptedMaps: readonly string[];
  programFd(name: string): number;
  map(name: string): BpfMap;
  /** Closes the object's fds; pinned maps and attached programs stay in the kernel. Idempotent. */
  close(): void;
}

/**
 * Opens, configures and loads a BPF object: pin paths for every map (libbpf's internal
 * .data/.rodata/.bss maps excluded: they hold per-load settings, and a reused .rodata would
 * ignore new settings), max_entries overrides, then bpf_object__load.
 */
export function loadBpfObject(options: LoadBpfObjectOptions): LoadedBpfObject {
  const objectPath = resolve(options.objectPath);
  const pinDirectory = resolve(options.pinDirectory);
  if (bpffsMountPointOf(pinDirectory) === undefined) {
    throw new Error(
      `loadBpfObject: pin directory ${pinDirectory} is not on a bpf filesystem. Mount it first: ensureBpffsMounted() or \`mount -t bpf bpf ${DEFAULT_BPFFS_MOUNT_POINT}\`.`,
    );
  }

  clearLibbpfLog();
  const object = libbpf.bpf_object__open_file(objectPath, null);
  if (object === null) {
    throw libbpfError('bpf_object__open_file', undefined, {
      detail: objectPath,
      log: takeLibbpfLog(),
      hints: {
        ENOENT: 'The object file does not exist: build it (make -C bpf).',
        EINVAL: 'Not a loadable BPF ELF object: rebuild it with clang -target bpf.',
      },
    });
  }

  try {
    const maps = listMaps(object);
    const programs = listPrograms(object);
    // A program array belongs to the programs of one load (libbpf fills it from the object):
    // pinned, it would keep a program alive after its object is gone, and an adopted one would
    // hand a new program's packets to an old one.
    const pinnedMaps = maps.filter(
      (map) =>
        !libbpf.bpf_map__is_internal(map.pointer) &&
        libbpf.bpf_map__type(map.pointer) !== BPF_MAP_TYPE_PROG_ARRAY,
    );

    for (const [name, maxEntries] of Object.entries(options.maxEntries ?? {})) {
      const map = pinnedMaps.find((candidate) => candidate.name === name);
      if (map === undefined) {
        throw new Error(
          `loadBpfObject: maxEntries names map "${name}", which ${objectPath} does not define. Its maps: ${pinnedMaps.map((m) => m.name).join(', ')}.`,
        );
      }
      const result = libbpf.bpf_map__set_max_entries(map.pointer, maxEntries);
      if (result < 0)
        throw libbpfError('bpf_map__set_max_entries', result, {
          detail: `map ${name}, ${maxEntries}`,
        });
    }

    mkdirSync(pinDirectory, { recursive: true });
    const adoptedMaps: string[] = [];
    for (const map of pinnedMaps) {
      const pinPath = `${pinDirectory}/${map.name}`;
      if (existsSync(pinPath)) adoptedMaps.push(map.name);
      const result = libbpf.bpf_map__set_pin_path(map.pointer, pinPath);
      if (result < 0) throw libbpfError('bpf_map__set_pin_path', result, { detail: pinPath });
    }

    clearLibbpfLog();
    const result = libbpf.bpf_object__load(object);
    if (result < 0) throw loadError(result, objectPath, pinDirectory);

    return new BpfObjectHandle(object, objectPath, pinDirectory, maps, programs, adoptedMaps);
  } catch (error) {
    libbpf.bpf_object__close(object);
    throw error;
  }
}

/**
 * Opens a map pinned by a loader (bpf_obj_get), for readers that do not load the object
 * (a stats exporter, a CLI). The returned map owns its fd: close() it.
 */
export function openPinnedMap(path: string): BpfMap {
  const fd = libbpf.bpf_obj_get(path);
  if (fd < 0) {
    throw libbpfError('bpf_obj_get', fd, {
      detail: path,
      hints: {
        ENOENT: `Nothing is pinned at ${path}: load the object first (the host agent does), and check the pin directory and map name.`,
        EPERM: 'Run as root: pinned objects are readable by root only.',
        EACCES: 'Run as root: pinned objects are readable by root only.',
      },
    });
  }
  if (!isMapFd(fd)) {
    closeSync(fd);
    throw new Error(
      `openPinnedMap: ${path} is a pinned BPF object but not a map (a program or link?).`,
    );
  }
  try {
    return new BpfMap(fd, true, path.split('/').pop());
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

function loadError(result: number, objectPath: string, pinDirectory: string): Error {
  const log = takeLibbpfLog();
  const mismatch = log
    .map((line) => /couldn't reuse pinned map at '([^']+)'/.exec(line)?.[1])
    .find((path) => path !== undefined);
  const hints: Record<string, string> = mismatch
    ? {
        EINVAL: `The map pinned at ${mismatch} no longer matches the object (type, key/value size, max_entries or flags differ): load with the maxEntries it was created with, or remove it with removePinDirectory("${pinDirectory}") and load again (its state is lost).`,
      }
    : { EINVAL: 'The kernel refused a map or program of the object: read the libbpf log below.' };
  return libbpfError('bpf_object__load', result, { detail: objectPath, log, hints });
}

interface NamedPointer {
  name: string;
  pointer: NativePointer;
}

function listMaps(object: NativePointer): NamedPointer[] {
  const maps: NamedPointer[] = [];
  for (
    let map = libbpf.bpf_object__next_map(object, null);
    map !== null;
    map = libbpf.bpf_object__next_map(object, map)
  ) {
    maps.push({ name: libbpf.bpf_map__name(map), pointer: map });
  }
  return maps;
}

function listPrograms(object: NativePointer): NamedPointer[] {
  const programs: NamedPointer[] = [];
  for (
    let program = libbpf.bpf_object__next_program(object, null);
    program !== null;
    program = libbpf.bpf_object__next_program(object, program)
  ) {
    programs.push({ name: libbpf.bpf_program__name(program), pointer: program });
  }
  return programs;
}

class BpfObjectHandle implements LoadedBpfObject {
  readonly mapNames: readonly string[];
  readonly programNames: readonly string[];
  private readonly mapCache = new Map<string, BpfMap>();
  private closed = false;

  constructor(
    private readonly object: NativePointer,
    readonly objectPath: string,
    readonly pinDirectory: string,
    private readonly maps: readonly NamedPointer[],
    private readonly programs: readonly NamedPointer[],
    readonly adoptedMaps: readonly string[],
  ) {
    this.mapNames = maps.map((map) => map.name);
    this.programNames = programs.map((program) => program.name);
  }

  programFd(name: string): number {
    this.requireOpen();
    const program = this.programs.find((candidate) => candidate.name === name);
    if (program === undefined) {
      throw new Error(
        `${this.objectPath} has no program "${name}" (function name, not section). Programs: ${this.programNames.join(', ')}.`,
      );
    }
    return libbpf.bpf_program__fd(program.pointer);
  }

  map(name: string): BpfMap {
    this.requireOpen();
    const cached = this.mapCache.get(name);
    if (cached !== undefined) return cached;
    const map = this.maps.find((candidate) => candidate.name === name);
    if (map === undefined) {
      throw new Error(
        `${this.objectPath} has no map "${name}". Maps: ${this.mapNames.join(', ')}.`,
      );
    }
    const bpfMap = new BpfMap(libbpf.bpf_map__fd(map.pointer), false, name);
    this.mapCache.set(name, bpfMap);
    return bpfMap;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.mapCache.clear();
    libbpf.bpf_object__close(this.object);
  }

  private requireOpen(): void {
    if (this.closed)
      throw new Error(
        `The BPF object ${this.objectPath} is closed: load it again (pinned maps are kept).`,
      );
  }
}
