#!/usr/bin/env bash
# The test command (README, .ci/run): set-up, type check + build, lint, then every jest suite,
# including the kernel ones (root, netns, BPF). Ends with a plain "N passed, N failed" line.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --quiet
npx tsc -p tsconfig.jest.json --noEmit   # type-check tests too (jest only transpiles)
npx eslint .
npx prettier --check . >/dev/null || { npx prettier --check . ; exit 1; }

report=$(mktemp /tmp/srv6-jest-XXXXXX.json)
trap 'rm -f "$report"' EXIT
set +e
# --forceExit: a handle leaked by a failing test (a timer, a socket) must not keep CI waiting
# until its time limit; the results are written by then. Suites clean up in afterAll anyway.
node --experimental-vm-modules node_modules/jest/bin/jest.js --json --outputFile="$report" --forceExit "$@"
status=$?
set -e
node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const skipped = r.numPendingTests + r.numTodoTests;
console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
' "$report" || true
exit $status
