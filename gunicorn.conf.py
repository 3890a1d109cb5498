"""gunicorn settings for production: `.venv/bin/gunicorn -c gunicorn.conf.py wsgi:app`.

Every setting can be overridden from the environment (below) or with GUNICORN_CMD_ARGS."""
import multiprocessing
import os

# This file is for production: the app then refuses to start without SECRET_KEY and sets secure cookies.
os.environ.setdefault("PORTAL_ENV", "production")

bind = os.environ.get("PORTAL_BIND", "127.0.0.1:8000")
# gunicorn's rule of thumb: two workers per core, plus one. Each worker is a process with a few threads,
# so one slow request (an export, an email) never holds up the others.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
threads = int(os.environ.get("PORTAL_THREADS", 4))
# The app is imported once, before the workers fork: less memory and a failed start (no SECRET_KEY,
# a bad setting) stops gunicorn at once. Safe because creating the app opens no database connection.
preload_app = True
timeout = 30             # a worker silent for longer is killed and replaced
graceful_timeout = 30    # on restart or upgrade, requests in flight get this long to finish
keepalive = 5
max_requests = 2000      # recycle workers now and then, so a slow leak never grows
max_requests_jitter = 200
# The app writes one line per request itself (portal.request: route pattern, status, time, request id;
# no query strings, no secret link tokens), so gunicorn's access log stays off.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("PORTAL_LOG_LEVEL", "info")
limit_request_line = 8190
limit_request_field_size = 8190
# gunicorn's runtime control socket defaults to one path per user ($HOME/.gunicorn/gunicorn.ctl), which
# several instances on one machine would fight over; systemd's signals (reload, stop) are enough.
control_socket_disable = True


def when_ready(server):
    """In the master, once the app is loaded and before any worker starts: templates compiled and
    catalogues loaded once, for every worker to inherit (portal.serving.warm_up)."""
    from portal.serving import warm_up
    warm_up(server.app.wsgi())
