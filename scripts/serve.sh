#!/usr/bin/env bash
# Installs what is needed, creates or migrates the database, loads demo data once, and serves the portal.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export FLASK_APP=wsgi
# No mail server in development: print each email in full (its links included) here, so demo links can be
# followed. Never in production, which refuses to start without PORTAL_MAIL_SERVER.
export PORTAL_MAIL_PRINT_BODIES="${PORTAL_MAIL_PRINT_BODIES:-true}"
.venv/bin/flask init-db
.venv/bin/flask seed-demo
.venv/bin/flask send-mail >/dev/null || true
echo "Serving Mentorbro on http://127.0.0.1:${PORT:-5000} (Ctrl+C stops it)"
exec .venv/bin/flask run --host 127.0.0.1 --port "${PORT:-5000}"
