/**
 * The only file that talks to libbpf.so.1 (libbpf 1.1.2 on Debian 12) through koffi.
 *
 * It declares exactly the functions the datapath uses and the four option structs they take,
 * mirrored from /usr/include/bpf/libbpf.h and bpf.h; test/libbpf-layout.spec.ts compiles a C
 * probe against those headers and fails if a size or offset here disagrees.
 *
 * Conventions of libbpf 1.x: functions returning int return a negative errno on failure (and
 * set errno); functions returning a pointer return NULL and set errno. `libbpfError` turns
 * either into an Error naming the function, the errno and what to do next.
 *
 * koffi 3 represents native pointers as BigInt; `NativePointer` is that, never dereferenced
 * here. Buffers and typed arrays passed for `void *` are passed without copying.
 */
import koffi from 'koffi';
import { errnoHint, errnoName } from './errno.js';

export type NativePointer = bigint;

const library = koffi.load('libbpf.so.1');

/*
 * Option structs. Every one starts with `size_t sz` (set to sizeof) and ends with `size_t :0`,
 * which pads the struct to a multiple of 8: koffi's natural alignment yields the same sizes.
 * Anonymous (unnamed) koffi types: named ones are process-global in koffi and would clash when
 * this module is evaluated twice in one process (jest module registries).
 */

/** struct bpf_tc_hook (libbpf.h): 24 bytes. */
export const BpfTcHook = koffi.struct({
  sz: 'size_t',
  ifindex: 'int',
  attach_point: 'int', // enum bpf_tc_attach_point
  parent: 'uint32_t',
});

/** struct bpf_tc_opts (libbpf.h): 32 bytes. */
export const BpfTcOpts = koffi.struct({
  sz: 'size_t',
  prog_fd: 'int',
  flags: 'uint32_t',
  prog_id: 'uint32_t',
  handle: 'uint32_t',
  priority: 'uint32_t',
});

/** struct bpf_test_run_opts (bpf.h): 80 bytes. Pointers are native addresses (BigInt). */
export const BpfTestRunOpts = koffi.struct({
  sz: 'size_t',
  data_in: 'uint64_t',
  data_out: 'uint64_t',
  data_size_in: 'uint32_t',
  data_size_out: 'uint32_t',
  ctx_in: 'uint64_t',
  ctx_out: 'uint64_t',
  ctx_size_in: 'uint32_t',
  ctx_size_out: 'uint32_t',
  retval: 'uint32_t',
  repeat: 'int',
  duration: 'uint32_t',
  flags: 'uint32_t',
  cpu: 'uint32_t',
  batch_size: 'uint32_t',
});

/** struct bpf_map_batch_opts (bpf.h): 24 bytes. */
export const BpfMapBatchOpts = koffi.struct({
  sz: 'size_t',
  elem_flags: 'uint64_t',
  flags: 'uint64_t',
});

export interface BpfTcHookValue {
  sz: number;
  ifindex: number;
  attach_point: number;
  parent: number;
}
export interface BpfTcOptsValue {
  sz: number;
  prog_fd: number;
  flags: number;
  prog_id: number;
  handle: number;
  priority: number;
}
export interface BpfTestRunOptsValue {
  sz: number;
  data_in: NativePointer;
  data_out: NativePointer;
  data_size_in: number;
  data_size_out: number;
  ctx_in: NativePointer;
  ctx_out: NativePointer;
  ctx_size_in: number;
  ctx_size_out: number;
  retval: number;
  repeat: number;
  duration: number;
  flags: number;
  cpu: number;
  batch_size: number;
}
export interface BpfMapBatchOptsValue {
  sz: number;
  elem_flags: number;
  flags: number;
}

/** enum bpf_tc_attach_point */
export const BPF_TC_INGRESS = 1 << 0;
export const BPF_TC_EGRESS = 1 << 1;
/** enum bpf_tc_flags */
export const BPF_TC_F_REPLACE = 1 << 0;
/** Map update flags (linux/bpf.h) */
export const BPF_ANY = 0;
export const BPF_NOEXIST = 1;
export const BPF_EXIST = 2;

type Bytes = Uint8Array | Uint32Array | null;

/** The libbpf functions the datapath calls, typed. */
export interface Libbpf {
  bpf_object__open_file(path: string, opts: null): NativePointer | null;
  bpf_object__load(object: NativePointer): number;
  bpf_object__close(object: NativePointer): void;
  bpf_object__next_map(object: NativePointer, previous: NativePointer | null): NativePointer | null;
  bpf_object__next_program(
    object: NativePointer,
    previous: NativePointer | null,
  ): NativePointer | null;
  bpf_map__name(map: NativePointer): string;
  bpf_map__fd(map: NativePointer): number;
  bpf_map__is_internal(map: NativePointer): boolean;
  /** enum bpf_map_type */
  bpf_map__type(map: NativePointer): number;
  bpf_map__set_pin_path(map: NativePointer, path: string): number;
  bpf_map__set_max_entries(map: NativePointer, maxEntries: number): number;
  bpf_program__name(program: NativePointer): string;
  bpf_program__fd(program: NativePointer): number;
  bpf_obj_get(path: string): number;
  bpf_obj_get_info_by_fd(fd: number, info: Uint8Array, infoLength: Uint32Array): number;
  bpf_map_update_elem(fd: number, key: Uint8Array, value: Uint8Array, flags: number): number;
  bpf_map_lookup_elem(fd: number, key: Uint8Array, value: Uint8Array): number;
  bpf_map_delete_elem(fd: number, key: Uint8Array): number;
  bpf_map_get_next_key(fd: number, key: Bytes, nextKey: Uint8Array): number;
  bpf_map_update_batch(
    fd: number,
    keys: Uint8Array,
    values: Uint8Array,
    count: Uint32Array,
    opts: BpfMapBatchOptsValue,
  ): number;
  bpf_map_delete_batch(
    fd: number,
    keys: Uint8Array,
    count: Uint32Array,
    opts: BpfMapBatchOptsValue,
  ): number;
  bpf_prog_test_run_opts(programFd: number, opts: BpfTestRunOptsValue): number;
  bpf_tc_hook_create(hook: BpfTcHookValue): number;
  bpf_tc_hook_destroy(hook: BpfTcHookValue): number;
  bpf_tc_attach(hook: BpfTcHookValue, opts: BpfTcOptsValue): number;
  bpf_tc_detach(hook: BpfTcHookValue, opts: BpfTcOptsValue): number;
  bpf_tc_query(hook: BpfTcHookValue, opts: BpfTcOptsValue): number;
  libbpf_num_possible_cpus(): number;
  libbpf_set_print(printFunction: NativePointer | null): NativePointer | null;
}

const opaque = 'void *';
const hookPointer = koffi.pointer(BpfTcHook);
const tcOptsInOut = koffi.inout(koffi.pointer(BpfTcOpts));

export const libbpf: Libbpf = {
  bpf_object__open_file: library.func('bpf_object__open_file', opaque, ['str', opaque]),
  bpf_object__load: library.func('bpf_object__load', 'int', [opaque]),
  bpf_object__close: library.func('bpf_object__close', 'void', [opaque]),
  bpf_object__next_map: library.func('bpf_object__next_map', opaque, [opaque, opaque]),
  bpf_object__next_program: library.func('bpf_object__next_program', opaque, [opaque, opaque]),
  bpf_map__name: library.func('bpf_map__name', 'str', [opaque]),
  bpf_map__fd: library.func('bpf_map__fd', 'int', [opaque]),
  bpf_map__is_internal: library.func('bpf_map__is_internal', 'bool', [opaque]),
  bpf_map__type: library.func('bpf_map__type', 'int', [opaque]),
  bpf_map__set_pin_path: library.func('bpf_map__set_pin_path', 'int', [opaque, 'str']),
  bpf_map__set_max_entries: library.func('bpf_map__set_max_entries', 'int', [opaque, 'uint32_t']),
  bpf_program__name: library.func('bpf_program__name', 'str', [opaque]),
  bpf_program__fd: library.func('bpf_program__fd', 'int', [opaque]),
  bpf_obj_get: library.func('bpf_obj_get', 'int', ['str']),
  bpf_obj_get_info_by_fd: library.func('bpf_obj_get_info_by_fd', 'int', ['int', opaque, opaque]),
  bpf_map_update_elem: library.func('bpf_map_update_elem', 'int', [
    'int',
    opaque,
    opaque,
    'uint64_t',
  ]),
  bpf_map_lookup_elem: library.func('bpf_map_lookup_elem', 'int', ['int', opaque, opaque]),
  bpf_map_delete_elem: library.func('bpf_map_delete_elem', 'int', ['int', opaque]),
  bpf_map_get_next_key: library.func('bpf_map_get_next_key', 'int', ['int', opaque, opaque]),
  bpf_map_update_batch: library.func('bpf_map_update_batch', 'int', [
    'int',
    opaque,
    opaque,
    opaque,
    koffi.pointer(BpfMapBatchOpts),
  ]),
  bpf_map_delete_batch: library.func('bpf_map_delete_batch', 'int', [
    'int',
    opaque,
    opaque,
    koffi.pointer(BpfMapBatchOpts),
  ]),
  bpf_prog_test_run_opts: library.func('bpf_prog_test_run_opts', 'int', [
    'int',
    koffi.inout(koffi.pointer(BpfTestRunOpts)),
  ]),
  bpf_tc_hook_create: library.func('bpf_tc_hook_create', 'int', [hookPointer]),
  bpf_tc_hook_destroy: library.func('bpf_tc_hook_destroy', 'int', [hookPointer]),
  bpf_tc_attach: library.func('bpf_tc_attach', 'int', [hookPointer, tcOptsInOut]),
  bpf_tc_detach: library.func('bpf_tc_detach', 'int', [hookPointer, koffi.pointer(BpfTcOpts)]),
  bpf_tc_query: library.func('bpf_tc_query', 'int', [hookPointer, tcOptsInOut]),
  libbpf_num_possible_cpus: library.func('libbpf_num_possible_cpus', 'int', []),
  libbpf_set_print: library.func('libbpf_set_print', opaque, [opaque]),
};

/** An error returned by a libbpf function, with what to do about it. */
export class LibbpfError extends Error {
  constructor(
    readonly functionName: string,
    readonly errno: number,
    readonly errnoName: string,
    readonly hint: string,
    detail: string,
    readonly libbpfLog: readonly string[] = [],
  ) {
    const log = libbpfLog.length > 0 ? `\nlibbpf said:\n  ${libbpfLog.join('\n  ')}` : '';
    super(`${functionName}${detail ? ` (${detail})` : ''} failed: ${errnoName}. ${hint}${log}`);
    this.name = 'LibbpfError';
  }
}

export interface LibbpfErrorContext {
  /** What the call was about, e.g. "map srv6_prefixes" or "/sys/fs/bpf/x". */
  detail?: string;
  /** Replaces the generic hint for these errno names. */
  hints?: Partial<Record<string, string>>;
  /** libbpf's messages about the failure (from `takeLibbpfLog()`), appended to the message. */
  log?: readonly string[];
}

/**
 * Builds the error for a failed call. `result` is the negative return value of an int-returning
 * function, or omitted for pointer-returning ones (errno is then read from the thread).
 */
export function libbpfError(
  functionName: string,
  result: number | undefined,
  context: LibbpfErrorContext = {},
): LibbpfError {
  const errno = result !== undefined && result < 0 ? -result : koffi.errno();
  const name = errnoName(errno);
  const hint = context.hints?.[name] ?? errnoHint(functionName, name);
  return new LibbpfError(functionName, errno, name, hint, context.detail ?? '', context.log ?? []);
}

/*
 * libbpf's own messages (why a pinned map could not be reused, the verifier log, ...). They are
 * kept, not printed: the last ones are attached to load errors, and a sink can forward them.
 */
const LIBBPF_WARN = 0;
const LIBBPF_INFO = 1;
const LOG_LINES_KEPT = 200;
const MESSAGE_BUFFER_SIZE = 4096;

export type LibbpfLogLevel = 'warn' | 'info' | 'debug';
export type LibbpfLogSink = (level: LibbpfLogLevel, message: string) => void;

const recentLog: string[] = [];
let logSink: LibbpfLogSink | undefined;

const libc = koffi.load('libc.so.6');
const vsnprintf: (buffer: Uint8Array, size: number, format: string, args: NativePointer) => number =
  libc.func('vsnprintf', 'int', [opaque, 'size_t', 'str', opaque]);
const messageBuffer = new Uint8Array(MESSAGE_BUFFER_SIZE);
const decoder = new TextDecoder();

/* x86-64 and arm64: a va_list parameter is passed as a pointer, so the callback sees a pointer
 * it can hand to vsnprintf. */
const printCallbackType = koffi.pointer(koffi.proto('int', ['int', 'str', opaque]));
const printCallback = koffi.register(
  (level: number, format: string, args: NativePointer): number => {
    const written = vsnprintf(messageBuffer, MESSAGE_BUFFER_SIZE, format, args);
    const length = Math.max(0, Math.min(written, MESSAGE_BUFFER_SIZE - 1));
    const message = decoder.decode(messageBuffer.subarray(0, length)).trimEnd();
    const levelName: LibbpfLogLevel =
      level === LIBBPF_WARN ? 'warn' : level === LIBBPF_INFO ? 'info' : 'debug';
    if (levelName !== 'debug') {
      for (const line of message.split('\n')) recentLog.push(line);
      if (recentLog.length > LOG_LINES_KEPT) recentLog.splice(0, recentLog.length - LOG_LINES_KEPT);
    }
    logSink?.(levelName, message);
    return length;
  },
  printCallbackType,
);
libbpf.libbpf_set_print(printCallback);

/** Forward libbpf's messages (all levels) to a logger; `undefined` stops forwarding. */
export function setLibbpfLogSink(sink: LibbpfLogSink | undefined): void {
  logSink = sink;
}

/** Forget the kept messages, so a following `takeLibbpfLog()` returns only new ones. */
export function clearLibbpfLog(): void {
  recentLog.length = 0;
}

/** The warn/info messages kept since the last clear (at most 200 lines), and clears them. */
export function takeLibbpfLog(): string[] {
  return recentLog.splice(0, recentLog.length);
}
