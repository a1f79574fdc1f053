#!/usr/bin/env bash
# Install acs-triage into .venv (first run only) and triage the bundled sample data.
# Extra arguments go to `acs-triage triage`, e.g. --format markdown.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/acs-triage ]; then
  [ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e . >&2
fi
exec .venv/bin/acs-triage triage --sample "$@"
