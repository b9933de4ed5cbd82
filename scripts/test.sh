#!/usr/bin/env bash
# Sets everything up, then runs lint, type checks and the whole test suite.
# Extra arguments go to pytest (e.g. scripts/test.sh --long for the long reliability tests,
# scripts/test.sh --package to also build the Linux bundle and smoke-test the built program,
# scripts/test.sh tests/core/test_vault.py -x for one file, -n 0 for a single process).
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
# Two worker processes (pytest-xdist; CLINIC_TESTS_WORKERS changes it, -n 0 turns it off): much of
# the run waits on subprocesses (the CLI, LibreOffice, PostgreSQL). Each test file stays in one
# worker, so a module's shared store is built once; each worker starts its own PostgreSQL cluster.
QT_QPA_PLATFORM=offscreen CLINIC_TESTS_STORES="${CLINIC_TESTS_STORES:-vault,server}" \
  .venv/bin/python -m pytest -n "${CLINIC_TESTS_WORKERS:-2}" --dist loadfile "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "test: pytest collected no tests; that is a failure here." >&2
  exit 1
fi
exit "$status"
