#!/usr/bin/env bash
# Set up the VS Code extension and what its tests need. Idempotent: every step
# keeps a stamp (a hash of its inputs) and is skipped while the inputs are
# unchanged, so a second run takes about a second.
#
#   1. vscode-extension/node_modules      npm ci (vscode-languageclient, esbuild, vsce, tsc)
#   2. vscode-extension/bundled/libs      the server and its pure-Python dependencies,
#                                         pip install --target --no-deps (pinned wheels)
#   3. vscode-extension/dist, out/test    type check (tsc), esbuild bundles, fastapi-perf.vsix (vsce)
#   4. tests/editors/vscode/node_modules  code-server 4.100.3 + playwright-core (npm ci)
#
# code-server needs three fixes on this kind of machine (see the research notes
# on clients): its postinstall wants npm_config_unsafe_perm when run as root;
# @vscode/ripgrep downloads rg from GitHub, so its cache is seeded with Debian's
# rg; node-pty's postinstall runs npx, which must not prompt.
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

# 1. The extension's npm packages.
h="$(hash_of $EXT/package-lock.json)-$node_hash"
if ! fresh $EXT/node_modules/.fastapi-perf-stamp "$h"; then
  echo "vscode: npm ci in $EXT"
  (cd $EXT && npm ci --no-audit --no-fund --loglevel=error)
  echo "$h" > $EXT/node_modules/.fastapi-perf-stamp
fi

# 2. The bundled server: fastapi-perf itself and the pinned wheels its imports need.
if [ -n "${PYTHON:-}" ]; then PY=$PYTHON
elif [ -x .venv/bin/python ]; then PY=.venv/bin/python
else PY=python3
fi
h=$(hash_of server pyproject.toml $EXT/requirements-bundled.txt)
if ! fresh $EXT/bundled/.stamp "$h"; then
  echo "vscode: bundling the server into $EXT/bundled/libs"
  rm -rf $EXT/bundled.tmp && mkdir -p $EXT/bundled.tmp/src
  # Build from a copy: pip builds a local project in place, which would leave
  # build/ and an egg-info in the shared tree.
  tar cf - --exclude=__pycache__ --exclude='*.egg-info' pyproject.toml README.md server \
    | tar xf - -C $EXT/bundled.tmp/src
  "$PY" -m pip install -qq --disable-pip-version-check --root-user-action=ignore --no-compile --no-deps \
    --python-version 3.10 --target $EXT/bundled.tmp/libs -r $EXT/requirements-bundled.txt ./$EXT/bundled.tmp/src
  rm -rf $EXT/bundled.tmp/libs/bin $EXT/bundled.tmp/src
  echo "$h" > $EXT/bundled.tmp/.stamp
  rm -rf $EXT/bundled && mv $EXT/bundled.tmp $EXT/bundled
fi

# 3. Bundles and the .vsix.
h=$(hash_of $EXT/src $EXT/test $EXT/package.json $EXT/package-lock.json $EXT/.vscodeignore \
      $EXT/README.md $EXT/LICENSE $EXT/bundled/.stamp)
if ! fresh $EXT/out/.stamp "$h" || [ ! -f $EXT/fastapi-perf.vsix ]; then
  echo "vscode: building the extension and packaging $EXT/fastapi-perf.vsix"
  (cd $EXT && npx tsc --noEmit -p . && npm run --silent build -- --log-level=warning && npm run --silent build:test -- --log-level=warning \
     && npx vsce package --no-dependencies --allow-missing-repository -o fastapi-perf.vsix >/dev/null)
  echo "$h" > $EXT/out/.stamp
fi

# 4. code-server and playwright-core for the end-to-end test.
h="$(hash_of $E2E/package-lock.json)-$node_hash"
if ! fresh $E2E/node_modules/.fastapi-perf-stamp "$h" || [ ! -x $E2E/node_modules/.bin/code-server ]; then
  echo "vscode: installing code-server in $E2E (about 2 minutes)"
  rg_cache="$(node -p 'require("os").tmpdir()')/vscode-ripgrep-cache-1.15.11"
  rg_archive="$rg_cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
  if [ ! -f "$rg_archive" ]; then
    command -v rg >/dev/null || { echo "vscode: rg is missing (apt-get install ripgrep)" >&2; exit 1; }
    mkdir -p "$rg_cache" && tar czf "$rg_archive" -C "$(dirname "$(command -v rg)")" rg
  fi
  log=$(mktemp)
  if ! (cd $E2E && npm_config_unsafe_perm=true npm_config_yes=true \
          npm ci --no-audit --no-fund --loglevel=error --foreground-scripts) >"$log" 2>&1; then
    tail -40 "$log" >&2; rm -f "$log"; exit 1
  fi
  rm -f "$log"
  echo "$h" > $E2E/node_modules/.fastapi-perf-stamp
fi
