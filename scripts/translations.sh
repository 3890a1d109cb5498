#!/usr/bin/env bash
# Extract every string into translations/messages.pot and merge it into the catalogue of every language the
# portal offers (LANGUAGES in portal/config.py): a language new there gets its catalogue here.
# Translations nobody has checked keep gettext's fuzzy flag and are compiled all the same (--use-fuzzy): the
# page that shows one says so (portal/i18n.py). Danish and English are never fuzzy (tests/test_i18n.py).
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/pybabel extract -w 100 -F babel.cfg -k _l -k lazy_gettext -k N_ --no-location --sort-output \
  -o translations/messages.pot . >/dev/null 2>&1
languages=$(.venv/bin/python -c 'from portal.config import Default; print(" ".join(Default.LANGUAGES))')
for lang in $languages; do
  if [ -f "translations/$lang/LC_MESSAGES/messages.po" ]; then
    .venv/bin/pybabel -q update -w 100 -N --no-fuzzy-matching -i translations/messages.pot -d translations -l "$lang" >/dev/null
  else
    .venv/bin/pybabel -q init -w 100 -i translations/messages.pot -d translations -l "$lang" >/dev/null
  fi
done
.venv/bin/pybabel -q compile --use-fuzzy -d translations
