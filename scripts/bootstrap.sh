#!/usr/bin/env bash
# Installs what the portal needs into .venv (only when requirements.txt changed) and compiles translations.
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3.11}
command -v "$python" >/dev/null 2>&1 || python=python3
if ! "$python" -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null; then
  echo "Mentorbro needs Python 3.11 or newer ($python is older or missing)." >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  if ! "$python" -m venv .venv 2>/dev/null; then
    rm -rf .venv
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      echo "Installing Debian's python3-venv…"
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
      "$python" -m venv .venv
    else
      echo "Cannot create a virtual environment: install python3-venv (as root: apt-get install python3-venv)." >&2
      exit 1
    fi
  fi
fi
want=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ "$(cat .venv/.requirements.sha256 2>/dev/null)" != "$want" ]; then
  echo "Installing Python packages from requirements.txt…"
  .venv/bin/python -m pip install --disable-pip-version-check -q -r requirements.txt
  echo "$want" > .venv/.requirements.sha256
fi
.venv/bin/pybabel -q compile --use-fuzzy -d translations     # fuzzy: unchecked, shown with a note
.venv/bin/python scripts/build_static.py     # hashed, compressed static files in static/dist/
