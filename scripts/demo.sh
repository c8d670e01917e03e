#!/usr/bin/env bash
# Sets everything up and runs the quickstart demo offline (fake model, embedded audit directory).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
pnpm run --silent demo
