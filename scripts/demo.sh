#!/usr/bin/env bash
# Try containersec on the examples: a clean Dockerfile and one with typical problems.
# Creates .venv when missing, installs the project into it and lints examples/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ ! -x .venv/bin/python ]]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check .

echo "\$ containersec lint examples/"
status=0
.venv/bin/containersec lint examples/ || status=$?
echo
case $status in
    0) echo "exit code 0: no findings at or above the failure threshold" ;;
    1) echo "exit code 1: findings at or above the failure threshold (expected: examples/bad has problems)" ;;
    *) echo "exit code $status: an input or usage error (see above)" >&2; exit "$status" ;;
esac
