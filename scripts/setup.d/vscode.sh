#!/usr/bin/env bash
# Set up the VS Code extension and what its tests need. Idempotent: every step
# keeps a stamp (a hash of its inputs) and is skipped while the inputs are
# unchanged, so a second run takes about a second.
#
#   1. vscode-extension/fastapi-perf.vsix  scripts/build-vsix.sh (npm ci, the server's wheels, esbuild, vsce)
#   2. vscode-extension/out/test           the unit tests of the launcher, bundled by esbuild
#   3. tests/editors/vscode/node_modules   code-server 4.100.3 + playwright-core (npm ci)
#
# code-server needs three fixes on this kind of machine (see the research notes
# on clients): its postinstall wants npm_config_unsafe_perm when run as root;
# @vscode/ripgrep downloads rg from GitHub, so its cache is seeded with Debian's
# rg; node-pty's postinstall runs npx, which must not prompt. Most of its install
# is compiling native modules: JOBS=max lets node-gyp use every core, and npm
# runs the install scripts side by side (57 s -> 42 s on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/../.."
EXT=vscode-extension
E2E=tests/editors/vscode

hash_of() { # files or folders -> one hash of their contents (caches and build output excluded)
  find "$@" -type f -not -path '*/__pycache__/*' -not -path '*/node_modules/*' -not -path '*.egg-info/*' -print0 2>/dev/null \
    | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1
}
fresh() { # stamp-file hash -> true when the stamp says this step is done
  [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]
}

node_hash=$(node --version)

# 1. The extension, packaged as users install it.
bash scripts/build-vsix.sh

# 2. The launcher's unit tests (tests/editors/test_vscode_launch.py runs them in Node).
h=$(hash_of $EXT/src $EXT/test $EXT/package-lock.json)
if ! fresh $EXT/out/.stamp "$h"; then
  echo "vscode: bundling the launcher's unit tests into $EXT/out/test"
  (cd $EXT && npm run --silent build:test -- --log-level=warning)
  echo "$h" > $EXT/out/.stamp
fi

# 3. code-server and playwright-core for the end-to-end test.
h="$(hash_of $E2E/package-lock.json)-$node_hash"
if ! fresh $E2E/node_modules/.fastapi-perf-stamp "$h" || [ ! -x $E2E/node_modules/.bin/code-server ]; then
  echo "vscode: installing code-server in $E2E (about a minute)"
  rg_cache="$(node -p 'require("os").tmpdir()')/vscode-ripgrep-cache-1.15.11"
  rg_archive="$rg_cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
  if [ ! -f "$rg_archive" ]; then
    command -v rg >/dev/null || { echo "vscode: rg is missing (apt-get install ripgrep)" >&2; exit 1; }
    mkdir -p "$rg_cache" && tar czf "$rg_archive" -C "$(dirname "$(command -v rg)")" rg
  fi
  log=$(mktemp)
  if ! (cd $E2E && JOBS=max npm_config_unsafe_perm=true npm_config_yes=true \
          npm ci --no-audit --no-fund --loglevel=error) >"$log" 2>&1; then
    tail -40 "$log" >&2; rm -f "$log"; exit 1
  fi
  rm -f "$log"
  echo "$h" > $E2E/node_modules/.fastapi-perf-stamp
fi
