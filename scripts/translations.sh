#!/usr/bin/env bash
# Extract every string into translations/messages.pot and merge it into the Danish and English catalogues.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/pybabel extract -w 100 -F babel.cfg -k _l -k lazy_gettext -k N_ --no-location --sort-output \
  -o translations/messages.pot . >/dev/null 2>&1
for lang in da en; do
  if [ -f "translations/$lang/LC_MESSAGES/messages.po" ]; then
    .venv/bin/pybabel update -w 100 -N --no-fuzzy-matching -i translations/messages.pot -d translations -l "$lang" >/dev/null
  else
    .venv/bin/pybabel init -i translations/messages.pot -d translations -l "$lang" >/dev/null
  fi
done
.venv/bin/pybabel compile -d translations >/dev/null
