/** What the lab needs before it builds anything, each with the way to get it. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_OBJECT_PATH } from '@srv6/datapath';
import { commandExists } from '@srv6/netlab';
import { REPOSITORY_ROOT } from '@srv6/topology-lab';

const TOOLS: Array<[string, string]> = [
  ['ip', 'iproute2'],
  ['tc', 'iproute2'],
  ['nft', 'nftables'],
  ['iperf3', 'iperf3'],
  ['tcpdump', 'tcpdump'],
  ['nats-server', 'nats-server'],
];

export function preflight(): string[] {
  if (process.getuid?.() !== 0)
    throw new Error('the lab needs root (network namespaces, BPF, tc): run it as root (sudo -i)');
  const missing = TOOLS.filter(([command]) => !commandExists(command));
  if (missing.length > 0) {
    const packages = [...new Set(missing.map(([, pkg]) => pkg))].join(' ');
    throw new Error(
      `missing ${missing.map(([c]) => c).join(', ')}: npm run setup installs them (apt-get install ${packages})`,
    );
  }
  const built = [
    DEFAULT_OBJECT_PATH,
    ...['intent-svc', 'path-svc', 'host-agent'].map((s) =>
      join(REPOSITORY_ROOT, 'services', s, 'dist', 'main.js'),
    ),
  ];
  const absent = built.filter((file) => !existsSync(file));
  if (absent.length > 0) throw new Error(`not built: ${absent.join(', ')}: run npm run build`);
  return TOOLS.map(([command, pkg]) => `${command} (${pkg})`);
}
