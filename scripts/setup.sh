#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian 12 machine, run as root: system packages, bpffs, npm ci,
# TypeScript and BPF builds. Every step is skipped when already done. --quiet: fewer lines.
set -euo pipefail
cd "$(dirname "$0")/.."

quiet=0
for arg in "$@"; do
  case "$arg" in
    --quiet) quiet=1 ;;
    -h|--help)
      echo "usage: scripts/setup.sh [--quiet]"
      echo "Installs system packages (apt), mounts bpffs, runs npm ci and builds TypeScript and BPF."
      exit 0 ;;
    *) echo "setup: unknown argument '$arg' (try --help)" >&2; exit 2 ;;
  esac
done
step() { [ "$quiet" = 1 ] || echo "[setup] $*"; }

if [ "$(id -u)" != 0 ]; then
  echo "setup: must run as root (BPF, network namespaces and apt need it): sudo npm run …" >&2
  exit 1
fi

node_major=$(node -p 'process.versions.node.split(".").map(Number).slice(0,2).join(".")')
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' || {
  echo "setup: Node.js >= 20.19 is required (found $node_major); NestJS 12 and require(esm) need it." >&2
  exit 1
}

packages=(clang llvm libbpf-dev libbpf1 bpftool iproute2 iperf3 tcpdump iputils-ping python3
  nats-server netcat-openbsd ethtool nftables make docker-compose openssl)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  step "installing ${missing[*]} (apt-get, ~30 s)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  step "system packages present"
fi

if ! grep -q ' /sys/fs/bpf bpf ' /proc/mounts; then
  step "mounting bpffs on /sys/fs/bpf"
  mount -t bpf bpf /sys/fs/bpf
fi

lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
stamp=node_modules/.srv6-lock-hash
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_hash" ]; then
  step "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > "$stamp"
else
  step "node_modules up to date"
fi

step "building TypeScript (tsc -b) and BPF (make -C bpf)"
npx tsc -b tsconfig.json
make -s -C bpf

# NATS users and permissions, TLS and the HTTP token for running the services outside the lab
# (the lab makes its own per run); kept when present (docs/security.md).
step "credentials in /etc/srv6-intents"
bash scripts/credentials.sh --dir /etc/srv6-intents --topology examples/topology.yaml >/dev/null
# The same for docker-compose.yml (docs/docker.md): ./credentials (git-ignored), paths as the
# containers see it.
step "credentials for docker-compose.yml in ./credentials"
bash scripts/credentials.sh --dir ./credentials --topology examples/topology.yaml \
  --mounted-at /etc/srv6-intents >/dev/null
step "ready"
