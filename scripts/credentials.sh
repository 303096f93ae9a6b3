#!/usr/bin/env bash
# Credentials of a deployment (docs/security.md), idempotent: NATS users with their permissions
# (one per service, one per topology host, one for clients), TLS (a CA and nats-server's
# certificate, openssl) and intent-svc's HTTP token, in one directory (default /etc/srv6-intents).
# A second run keeps every password, the token and the CA; new hosts get new users.
#
#   scripts/credentials.sh [--dir DIR] [--topology FILE] [--hosts a,b] [--server-name NAME]...
#                          [--mounted-at PATH]
#
# Relative paths are the caller's (the script does not change directory).
# Then: nats-server -js -c DIR/nats-server.conf, and each process with DIR/env/<user>.env.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
[ -f "$root/cli/dist/main.js" ] && [ -f "$root/libs/bus/dist/credentials.js" ] ||
  (cd "$root" && npx tsc -b cli)
exec node "$root/cli/bin/srv6.mjs" credentials "$@"
