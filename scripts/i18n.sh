#!/usr/bin/env bash
# Refreshes the translation template from the code, merges it into every catalog, and compiles them.
# Run after changing user-visible text; commit the .pot, .po and .mo files it writes.
set -euo pipefail
cd "$(dirname "$0")/.."
LOCALE=resources/locale
.venv/bin/pybabel extract -F babel.cfg -k _ -k N_ --no-location --sort-output \
  --project clinic-app -o "$LOCALE/clinic_app.pot" clinic_app ui >/dev/null
for po in "$LOCALE"/*/LC_MESSAGES/clinic_app.po; do
  lang=$(basename "$(dirname "$(dirname "$po")")")
  .venv/bin/pybabel update -i "$LOCALE/clinic_app.pot" -d "$LOCALE" -D clinic_app -l "$lang" --no-fuzzy-matching --ignore-obsolete >/dev/null
done
.venv/bin/pybabel compile -d "$LOCALE" -D clinic_app --statistics
.venv/bin/python scripts/qt_gaps.py
