#!/usr/bin/env bash
# Build the VS Code extension, vscode-extension/fastapi-perf.vsix, from a clone.
# Needs Node 20+ and a Python 3.10+ with pip (the README's first command makes
# one in .venv); the first run downloads npm packages and the pinned wheels.
#
#   ./scripts/build-vsix.sh          then: code --install-extension vscode-extension/fastapi-perf.vsix
#
# 1. vscode-extension/node_modules   npm ci (vscode-languageclient, esbuild, vsce, tsc)
# 2. vscode-extension/bundled/wheels a wheel of this package and the pinned
#                                    wheels of its pure-Python dependencies
#                                    (requirements-bundled.txt, checked by sha256)
# 3. fastapi-perf.vsix               tsc type check, one esbuild bundle, vsce package
#
# Each step keeps a stamp (a hash of its inputs) and is skipped while they are
# unchanged, so scripts/setup.d/vscode.sh can run this on every test run.
set -euo pipefail
cd "$(dirname "$0")/.."
EXT=vscode-extension
WHEELS=$EXT/bundled/wheels

hash_of() { # files or folders -> one hash of their contents (caches and build output excluded)
  find "$@" -type f -not -path '*/__pycache__/*' -not -path '*/node_modules/*' -not -path '*.egg-info/*' -print0 2>/dev/null \
    | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1
}
fresh() { # stamp-file hash -> true when the stamp says this step is done
  [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]
}

if [ -n "${PYTHON:-}" ]; then PY=$PYTHON
elif [ -x .venv/bin/python ]; then PY=.venv/bin/python
else PY=python3
fi
if ! "$PY" -m pip --version >/dev/null 2>&1; then
  echo "build-vsix: $PY has no pip; make a virtualenv first: python3 -m venv .venv" >&2
  exit 1
fi
# vsce 3.9 and code-server 4.100 need Node 20 (Debian 12's own nodejs is 18).
if ! command -v npm >/dev/null || [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)" -lt 20 ]; then
  echo "build-vsix: needs Node 20 or newer with npm (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

# Left by the layout before wheels (thousands of loose files that vsce would walk).
rm -rf $EXT/bundled/libs $EXT/bundled/.stamp $EXT/bundled.tmp

# 1. The extension's npm packages.
h="$(hash_of $EXT/package-lock.json)-$(node --version)"
if ! fresh $EXT/node_modules/.fastapi-perf-stamp "$h"; then
  echo "build-vsix: npm ci in $EXT"
  (cd $EXT && npm ci --no-audit --no-fund --loglevel=error)
  echo "$h" > $EXT/node_modules/.fastapi-perf-stamp
fi

# 2. The server as wheels: this package, built from a copy (pip builds a local
# project in place, which would leave build/ and an egg-info in the tree), and
# the pinned dependencies, pure Python only (the .vsix runs on any platform).
h=$(hash_of server pyproject.toml README.md $EXT/requirements-bundled.txt)
if ! fresh $WHEELS/.stamp "$h"; then
  echo "build-vsix: wheels for the bundled server in $WHEELS"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  tar cf - --exclude=__pycache__ --exclude='*.egg-info' pyproject.toml README.md server | tar xf - -C "$work"
  mkdir "$work/wheels"
  pip_quiet=(-qq --disable-pip-version-check)
  "$PY" -m pip wheel "${pip_quiet[@]}" --no-deps --wheel-dir "$work/wheels" "$work"
  "$PY" -m pip download "${pip_quiet[@]}" --no-deps --require-hashes --only-binary=:all: \
    --platform any --implementation py --python-version 3.10 --abi none \
    --dest "$work/wheels" -r $EXT/requirements-bundled.txt
  for wheel in "$work"/wheels/*.whl; do
    case "$wheel" in
      *-none-any.whl) ;;
      *) echo "build-vsix: $(basename "$wheel") is not a pure-Python wheel" >&2; exit 1 ;;
    esac
  done
  echo "$h" > "$work/wheels/.stamp"
  rm -rf $WHEELS && mv "$work/wheels" $WHEELS
fi

# 3. The bundle and the .vsix.
h=$(hash_of $EXT/src $EXT/package.json $EXT/package-lock.json $EXT/.vscodeignore $EXT/README.md $EXT/LICENSE \
      $EXT/bundled/unpack.py $WHEELS/.stamp)
if ! fresh $EXT/dist/.stamp "$h" || [ ! -f $EXT/fastapi-perf.vsix ]; then
  echo "build-vsix: packaging $EXT/fastapi-perf.vsix"
  (cd $EXT && npx tsc --noEmit -p . && npm run --silent package >/dev/null)
  echo "$h" > $EXT/dist/.stamp
fi
count='import sys, zipfile; print(len(zipfile.ZipFile(sys.argv[1]).namelist()))'
echo "build-vsix: $EXT/fastapi-perf.vsix ($("$PY" -c "$count" $EXT/fastapi-perf.vsix) files)"
