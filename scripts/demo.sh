#!/usr/bin/env bash
# Sets everything up and runs the quickstart demo offline (fake model, embedded audit directory), then writes the
# trail as an HTML page and says how to look at it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
audit="examples/quickstart/audit"
# Each demo starts a trail of its own: the trail files append, and one written by an older checkout (another hash
# format) would make this demo's verify fail. The previous trail is kept beside it, not deleted.
if [ -d "$audit" ]; then
  rm -rf "$audit.previous"
  mv "$audit" "$audit.previous"
  echo "[demo] the previous trail moved to $audit.previous/"
fi
pnpm run --silent demo
pnpm exec langchain-otel-audit report --html "$audit/report.html" "$audit" >/dev/null
cat <<EOT

[demo] the trail: $audit/traces.jsonl (spans) and $audit/logs.jsonl (audit records: each run's start and end)
[demo] see it in a browser: file://$(pwd)/$audit/report.html
[demo] next, in this shell: source scripts/env.sh   (puts this repo's Node and pnpm on PATH), then:
  npx langchain-otel-audit serve $audit    # the same page, live, on 127.0.0.1
  npx langchain-otel-audit verify $audit   # check the hash chains
  pnpm demo                                                   # run the quickstart again
EOT
