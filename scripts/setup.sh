#!/usr/bin/env bash
# Sets up everything the app and its tests need on a fresh Debian/Ubuntu machine:
# the system libraries Qt loads, a virtual environment in .venv, and the pinned Python packages.
# Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# Libraries Qt needs offscreen and on an X11 desktop, fonts to draw text, Xvfb for a virtual screen;
# LibreOffice and poppler for the document tests.
DEBIAN_PACKAGES=(
  libegl1 libgl1 libglib2.0-0 libfontconfig1 libfreetype6 libdbus-1-3 libxkbcommon0 libx11-6
  libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-randr0
  libxcb-render-util0 libxcb-shape0 libxcb-xfixes0 libxcb-xinerama0 fonts-dejavu-core xvfb xauth
  # A real office suite for the document tests: LibreOffice turns .docx into PDF, poppler reads it.
  libreoffice-writer-nogui poppler-utils
  # The clinic server's tests start a throwaway PostgreSQL cluster (initdb, pg_ctl; unaccent, pg_trgm).
  postgresql postgresql-contrib
)
EXTRAS="dev"
# CLINIC_SETUP_PACKAGING=1 (set by `scripts/test.sh --package`): also what building the installer
# needs: PyInstaller (the `package` extra), binutils (objdump, strip), the desktop-file checkers.
if [ "${CLINIC_SETUP_PACKAGING:-}" = "1" ]; then
  DEBIAN_PACKAGES+=(binutils desktop-file-utils appstream)
  EXTRAS="dev,package"
fi

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "setup: need root (or sudo) to install: ${*: -1}" >&2; return 1; fi
}

# apt waits up to 10 minutes for a lock another install holds (an unattended upgrade, another
# setup running beside this one), and the whole step is tried again a few times after that.
apt_get() {
  local attempt
  for attempt in 1 2 3; do
    if as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 "$@"; then
      return 0
    fi
    echo "setup: apt-get $1 failed (attempt $attempt of 3; another install may hold the lock); retrying in 20 s" >&2
    sleep 20
  done
  echo "setup: apt-get $1 kept failing; run 'sudo apt-get $*' by hand, then this script again." >&2
  return 1
}

if command -v dpkg >/dev/null && command -v apt-get >/dev/null; then
  missing=()
  for pkg in "${DEBIAN_PACKAGES[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if ! python3 -c 'import ensurepip' >/dev/null 2>&1; then missing+=(python3-venv); fi
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing Debian packages: ${missing[*]}"
    apt_get update -qq
    apt_get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
else
  echo "setup: not a Debian-like system; install Qt's libraries (EGL, GL, fontconfig, xkbcommon, xcb-cursor) yourself." >&2
fi

python3 - <<'PY'
import sys
if sys.version_info < (3, 11):
    sys.exit(f"setup: Python 3.11 or newer is needed (this is {sys.version.split()[0]}).")
PY

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
# constraints.txt pins every dependency to the versions tested here.
.venv/bin/python -m pip install --quiet -c constraints.txt -e ".[$EXTRAS]"
echo "setup: ready (.venv/bin/clinic-app)"
