#!/usr/bin/env bash
# Install what the tests need and run them: the README's test command, and what CI runs.
#
#   ./scripts/test.sh            all tests
#   ./scripts/test.sh -k lsp     extra arguments go to pytest
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'
exec .venv/bin/python -m pytest "$@"
