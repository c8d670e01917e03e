#!/usr/bin/env bash
# Sets everything up, then typechecks, runs every test and runs every example. Exit code 0 only if all pass.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
echo "[test] typecheck"
pnpm run --silent typecheck
echo "[test] unit + integration + registration tests"
report="$(mktemp -d)/vitest.json"
status=0
pnpm exec vitest run --reporter=default --reporter=json --outputFile.json="$report" || status=$?
echo "[test] examples"
node scripts/run-examples.mjs || status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""));
' "$report" || true
exit "$status"
