#!/usr/bin/env bash
# Install everything the tests need, then run the whole suite (lint, types, tests).
# Needs only Python 3.10+ and Node 20 (npm) on PATH; reaches PyPI and the npm registry (and,
# where apt is available, Debian's archive for chromium).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON="${PYTHON:-python3}"
"$PYTHON" - <<'PY'
import sys
if sys.version_info < (3, 10):
    sys.exit(f"acs-triage needs Python 3.10 or newer, found {sys.version.split()[0]}")
PY
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
npm ci --no-audit --no-fund --loglevel=error
# Chromium for the HTML report's browser tests (tests/browser.py): Debian's package, where
# apt is available (as root, or with password-less sudo). Without a browser those tests
# skip and say why, except under CI=true, where they fail: set CHROMIUM to use another.
if [ -z "${CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    SUDO=""
    if [ "$(id -u)" != 0 ]; then
        if sudo -n true 2>/dev/null; then SUDO="sudo -n"; else SUDO="none"; fi
    fi
    if [ "$SUDO" = none ]; then
        echo "scripts/test.sh: chromium is not installed and apt-get needs root; the browser tests will skip (fail under CI=true)" >&2
    else
        echo "scripts/test.sh: installing chromium (apt-get) for the HTML report's browser tests" >&2
        export DEBIAN_FRONTEND=noninteractive
        $SUDO apt-get install -y -qq chromium >/dev/null \
            || { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium >/dev/null; } \
            || echo "scripts/test.sh: could not install chromium; the browser tests will skip (fail under CI=true)" >&2
    fi
fi
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
.venv/bin/lint-imports --no-cache
.venv/bin/python -m pytest "$@"
