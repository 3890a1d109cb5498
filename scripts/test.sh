#!/usr/bin/env bash
# Installs what the tests need (Debian's Chromium, Java and PostgreSQL, when root; the Nu HTML Checker from npm)
# and runs the whole suite:
# once on SQLite, then the tests that touch a database again on a throwaway PostgreSQL server.
# TEST_POSTGRES=0 leaves out the PostgreSQL pass (quicker while working; CI runs both).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's chromium for the browser tests…"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "The browser tests need /usr/bin/chromium. As root run: apt-get install chromium" >&2
    exit 1
  fi
fi
# The W3C Nu HTML Checker (vnu-jar, pinned in package.json/package-lock.json) checks every page the browser
# tests visit, at the end of the run (tests/browser/page_checks.py). It runs on Java.
if ! command -v java >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's Java runtime for the Nu HTML Checker…"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null
  else
    echo "The HTML check needs Java. As root run: apt-get install default-jre-headless" >&2
    exit 1
  fi
fi
if [ ! -f node_modules/vnu-jar/build/dist/vnu.jar ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  if ! command -v npm >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null
    else
      echo "The HTML check needs npm to fetch the checker. As root run: apt-get install npm" >&2
      exit 1
    fi
  fi
  echo "Installing the Nu HTML Checker (npm ci)…"
  # --ignore-scripts: its install script would download a Java of its own; Debian's is used instead.
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
fi
# The PostgreSQL pass starts throwaway servers from Debian's server binaries (never a shared database).
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's postgresql for the PostgreSQL pass…"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    # The package starts a cluster of its own; the tests never use it, so it need not run.
    if command -v pg_lsclusters >/dev/null; then
      pg_lsclusters --no-header | while read -r version cluster _; do
        pg_ctlcluster "$version" "$cluster" stop >/dev/null 2>&1 || true
      done
    fi
  else
    echo "!!! PostgreSQL's server binaries are missing and this is not root: the PostgreSQL tests are SKIPPED." >&2
    echo "!!! As root run: apt-get install postgresql" >&2
    if [ "${CI:-}" = true ]; then exit 1; fi
  fi
fi
workers=${TEST_WORKERS:-2}
# pytest exits 5 when it collected no tests: that is a failure here too.
status=0
.venv/bin/python -m pytest -p no:cacheprovider -n "$workers" "$@" || status=$?
if [ "${TEST_POSTGRES:-1}" != 0 ]; then
  echo "── Again on PostgreSQL: the tests that touch a database, and those that need PostgreSQL ──"
  pg_status=0
  .venv/bin/python -m pytest -p no:cacheprovider -n "$workers" --postgres "$@" || pg_status=$?
  # 5 here only means the tests chosen touch no database.
  if [ "$pg_status" != 0 ] && [ "$pg_status" != 5 ] && [ "$status" = 0 ]; then status=$pg_status; fi
fi
exit "$status"
