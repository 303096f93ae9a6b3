# The project image of docker-compose.yml (tag srv6-intents:local): intent-svc, path-svc, the
# host-agent with its BPF program, and the lab's router and host entrypoints
# (lab/dist/router-config.js, lab/dist/host-config.js). Build: docker compose build

# Only what npm ci reads (manifests, the lock, bin scripts npm links): copied from here, the
# npm ci layer below stays cached until one of them changes, whatever workspaces exist.
FROM node:20-bookworm AS manifests
WORKDIR /src
COPY . .
RUN find . -type f ! -name package.json ! -name package-lock.json ! -path '*/bin/*' -delete

FROM node:20-bookworm

# Debian 12 packages, as scripts/setup.sh installs them (no nats-server: nats has its own image).
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        clang llvm libbpf-dev libbpf1 bpftool make \
        iproute2 nftables iputils-ping iperf3 tcpdump netcat-openbsd ethtool \
    && rm -rf /var/lib/apt/lists/*

# docker-compose.yml runs every command from here (node services/…, node lab/dist/…).
WORKDIR /opt/srv6-intents

COPY --from=manifests /src/ ./
RUN npm ci --no-audit --no-fund --loglevel=error

# TypeScript (tsc -b) and the BPF objects (make -C bpf); .dockerignore keeps host builds out.
COPY . .
RUN npm run build

CMD ["node", "cli/bin/srv6.mjs", "--help"]
