#!/usr/bin/env bash
# Install what the tests need and run them: the README's test command, and what CI runs.
#
#   ./scripts/test.sh            all tests, one pytest worker per core (pytest-xdist)
#   ./scripts/test.sh -k lsp     extra arguments go to pytest (-n 0: one process)
#
# 1. Debian packages listed in scripts/system-packages.txt (editors driven by
#    the tests) are installed when their command is missing (as root, or with
#    sudo). The tests fail, not skip, without them.
# 2. Every scripts/setup.d/*.sh runs next (e.g. npm packages for the VS Code
#    extension's tests); each must be idempotent and fast when nothing changed.
# 3. A virtualenv in .venv gets this package with its test extras, and
#    .venv/wheelhouse the wheels that the install tests (tests/test_install.py,
#    tests/test_precommit.py) install offline, in place of PyPI.
# 4. pytest runs, a file's tests together in one worker (--dist loadfile: some
#    modules share state between their tests, e.g. test_protocol_edits.py).
set -euo pipefail
cd "$(dirname "$0")/.."

# A package is present when its command is on PATH or, for a package without
# a command (second column starting with /), when that path (a glob) exists.
present() {
  case "$1" in
    /*) compgen -G "$1" >/dev/null ;;
    *) command -v "$1" >/dev/null 2>&1 ;;
  esac
}
missing=()
while read -r package command; do
  case "$package" in ""|\#*) continue ;; esac
  present "$command" || missing+=("$package")
done < scripts/system-packages.txt
if [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    echo "installing ${missing[*]} for the editor tests"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "warning: cannot install ${missing[*]} (no apt-get); the editor tests will fail" >&2
  fi
fi

stamp() { # inputs... -> one hash of them and of the virtualenv's Python
  { cat "$@"; .venv/bin/python -VV; } | sha256sum | cut -d' ' -f1
}
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
h=$(stamp pyproject.toml)
if [ "$(cat .venv/.fastapi-perf-stamp 2>/dev/null)" != "$h" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e '.[test]'
  echo "$h" > .venv/.fastapi-perf-stamp
fi
# The dependencies of this package, its build backend and the installers the docs name.
if [ "$(cat .venv/wheelhouse/.stamp 2>/dev/null)" != "$h" ]; then
  echo "downloading the wheels of the install tests into .venv/wheelhouse"
  rm -rf .venv/wheelhouse.tmp
  .venv/bin/python -m pip download --quiet --dest .venv/wheelhouse.tmp . 'setuptools>=69' wheel pip build
  echo "$h" > .venv/wheelhouse.tmp/.stamp
  rm -rf .venv/wheelhouse && mv .venv/wheelhouse.tmp .venv/wheelhouse
fi

for hook in scripts/setup.d/*.sh; do
  [ -e "$hook" ] || continue
  echo "running $hook"
  bash "$hook"
done

echo "setup took ${SECONDS} s"
exec .venv/bin/python -m pytest --numprocesses=auto --dist=loadfile "$@"
