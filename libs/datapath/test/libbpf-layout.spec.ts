import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import koffi from 'koffi';
import { BpfMapBatchOpts, BpfTcHook, BpfTcOpts, BpfTestRunOpts } from '../src/libbpf.js';
import { errnoName } from '../src/errno.js';

/* The koffi mirrors of libbpf's option structs must match the C headers the library was built
 * with (/usr/include/bpf, libbpf-dev 1.1.2): a C probe prints sizeof/offsetof of each field. */
const STRUCTS = {
  bpf_tc_hook: { type: BpfTcHook, fields: ['sz', 'ifindex', 'attach_point', 'parent'] },
  bpf_tc_opts: {
    type: BpfTcOpts,
    fields: ['sz', 'prog_fd', 'flags', 'prog_id', 'handle', 'priority'],
  },
  bpf_test_run_opts: {
    type: BpfTestRunOpts,
    fields: [
      'sz',
      'data_in',
      'data_out',
      'data_size_in',
      'data_size_out',
      'ctx_in',
      'ctx_out',
      'ctx_size_in',
      'ctx_size_out',
      'retval',
      'repeat',
      'duration',
      'flags',
      'cpu',
      'batch_size',
    ],
  },
  bpf_map_batch_opts: { type: BpfMapBatchOpts, fields: ['sz', 'elem_flags', 'flags'] },
} as const;

type Layout = Record<string, { size: number; offsets: Record<string, number> }>;

function cLayout(): Layout {
  const directory = mkdtempSync(join(tmpdir(), 'srv6-layout-'));
  try {
    const lines = Object.entries(STRUCTS).map(([name, { fields }]) => {
      const offsets = fields.map((field) => `"\\"${field}\\": %zu"`).join(' ", " ');
      const values = fields.map((field) => `offsetof(struct ${name}, ${field})`).join(', ');
      return `printf("\\"${name}\\": {\\"size\\": %zu, \\"offsets\\": {" ${offsets} "}},", sizeof(struct ${name}), ${values});`;
    });
    const source = `#include <stddef.h>\n#include <stdio.h>\n#include <bpf/bpf.h>\n#include <bpf/libbpf.h>\nint main(void) { printf("{"); ${lines.join('\n')} printf("\\"end\\": {}}"); return 0; }\n`;
    writeFileSync(join(directory, 'probe.c'), source);
    execFileSync('clang', ['-o', join(directory, 'probe'), join(directory, 'probe.c')]);
    const layout = JSON.parse(
      execFileSync(join(directory, 'probe'), { encoding: 'utf8' }),
    ) as Layout;
    delete layout.end;
    return layout;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

describe('libbpf struct layouts', () => {
  it('match /usr/include/bpf (sizeof and every offsetof)', () => {
    const expected = cLayout();
    const actual: Layout = Object.fromEntries(
      Object.entries(STRUCTS).map(([name, { type, fields }]) => [
        name,
        {
          size: koffi.sizeof(type),
          offsets: Object.fromEntries(fields.map((field) => [field, koffi.offsetof(type, field)])),
        },
      ]),
    );
    expect(actual).toEqual(expected);
    expect(expected.bpf_test_run_opts?.size).toBe(80);
  });
});

describe('errnoName', () => {
  it('names libc errnos and the kernel-only ones the bpf syscall returns', () => {
    expect(errnoName(1)).toBe('EPERM');
    expect(errnoName(524)).toBe('ENOTSUPP');
    expect(errnoName(77)).toBe('EBADFD');
    expect(errnoName(100000)).toBe('errno 100000');
  });
});
