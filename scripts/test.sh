#!/usr/bin/env bash
# Sets everything up, then runs lint, type checks and the whole test suite.
# Extra arguments go to pytest (e.g. scripts/test.sh --long for the long reliability tests,
# scripts/test.sh --package to also build the Linux bundle and smoke-test the built program).
set -euo pipefail
cd "$(dirname "$0")/.."
for arg in "$@"; do
  if [ "$arg" = "--package" ]; then export CLINIC_SETUP_PACKAGING=1; fi
done
bash scripts/setup.sh

echo "== ruff"
.venv/bin/ruff check clinic_app ui tests bench packaging
echo "== mypy (strict for clinic_app)"
.venv/bin/mypy
echo "== pytest"
set +e
# Every test of a store runs on a vault and on a throwaway clinic server (PostgreSQL cluster in a
# temporary folder); CLINIC_TESTS_STORES=vault runs the vault only.
QT_QPA_PLATFORM=offscreen CLINIC_TESTS_STORES="${CLINIC_TESTS_STORES:-vault,server}" \
  .venv/bin/python -m pytest "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "test: pytest collected no tests; that is a failure here." >&2
  exit 1
fi
exit "$status"
