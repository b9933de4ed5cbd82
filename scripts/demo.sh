#!/usr/bin/env bash
# Sets everything up, fills a demo vault (200 invented workers) and starts the desktop app on it.
# With no display it saves pictures of the app's screens instead and says where they are.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

VAULT="${CLINIC_APP_DEMO_VAULT:-$HOME/clinic-app-demo-vault}"
export CLINIC_APP_PASSPHRASE="${CLINIC_APP_PASSPHRASE:-demo passphrase}"
if [ ! -f "$VAULT/keyslots.json" ]; then
  .venv/bin/clinic-app --vault "$VAULT" demo --clients 200
fi
echo
echo "Demo vault: $VAULT   passphrase: $CLINIC_APP_PASSPHRASE"

if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  shots="$PWD/demo-screenshots"
  echo "No display here, so no window can open. Saving pictures of the screens instead:"
  .venv/bin/clinic-app --vault "$VAULT" --screenshot "$shots"
  echo "To use the app itself, run this on a desktop, or under a virtual screen: xvfb-run -a bash scripts/demo.sh"
  exit 0
fi
unset CLINIC_APP_PASSPHRASE  # the app asks for it on its unlock screen
exec .venv/bin/clinic-app --vault "$VAULT"
