#!/usr/bin/env bash
# Install what the tests need and run them: the README's test command, and what CI runs.
#
#   ./scripts/test.sh            all tests
#   ./scripts/test.sh -k lsp     extra arguments go to pytest
#
# Editor tests drive real editors; missing ones are installed from Debian's
# packages (as root, or with sudo). The tests fail, not skip, without them.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=()
command -v nvim >/dev/null 2>&1 || apt_packages+=(neovim)
if [ ${#apt_packages[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    echo "installing ${apt_packages[*]} for the editor tests"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${apt_packages[@]}" >/dev/null
  else
    echo "warning: cannot install ${apt_packages[*]} (no apt-get); the editor tests will fail" >&2
  fi
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'
exec .venv/bin/python -m pytest "$@"
