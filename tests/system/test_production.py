"""Production serving: gunicorn's config, SECRET_KEY and a mail server required, and the client's address
and scheme via a proxy."""
import importlib.util
import multiprocessing
import os
import subprocess
import sys

import pytest
from flask import request

from tests.system.servers import ROOT


def gunicorn_settings(monkeypatch, **env):
    """gunicorn.conf.py as gunicorn reads it, in an environment restored afterwards."""
    for name in ("WEB_CONCURRENCY", "PORTAL_THREADS", "PORTAL_BIND", "PORTAL_ENV"):
        monkeypatch.setenv(name, "")          # remembered, so the file's setdefault is undone too
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_gunicorn_config_sizes_workers_from_the_cores_and_leaves_the_request_log_to_the_app(monkeypatch):
    settings = gunicorn_settings(monkeypatch)
    assert settings.workers == multiprocessing.cpu_count() * 2 + 1
    assert settings.accesslog is None and settings.timeout and settings.graceful_timeout
    assert settings.preload_app is True and os.environ["PORTAL_ENV"] == "production"
    assert gunicorn_settings(monkeypatch, WEB_CONCURRENCY="3").workers == 3


def test_the_master_compiles_every_template_before_workers_fork_so_none_compiles_on_a_request(
        monkeypatch, app, login_as):
    """gunicorn's `when_ready` hook (in the master, before any worker starts) warms the app up: a new
    worker, one every `max_requests`, inherits the compiled templates instead of compiling on its first
    requests."""
    class Server:
        class app:
            @staticmethod
            def wsgi():
                return app
    gunicorn_settings(monkeypatch).when_ready(Server)
    names = set(app.jinja_env.list_templates(extensions=("html", "txt")))
    assert names <= {template.name for template in app.jinja_env.cache.values()}

    def compile_again(*args, **kwargs):
        raise AssertionError("a template was compiled on a request")
    monkeypatch.setattr(app.jinja_env, "compile", compile_again)
    staff = login_as("staff")
    for path in ("/", "/apply/about-you", "/review/", "/privacy?lang=en"):
        assert staff.get(path).status_code == 200


@pytest.mark.system
def test_gunicorn_with_the_production_config_refuses_to_start_without_secret_key(tmp_path):
    env = {key: value for key, value in os.environ.items()
           if key not in ("SECRET_KEY", "PORTAL_SECRET_KEY", "PORTAL_ENV")}
    env.update(PORTAL_DATABASE_URL=f"sqlite:///{tmp_path / 'prod.db'}", PORTAL_BIND="127.0.0.1:0")
    result = subprocess.run([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr


@pytest.mark.system
def test_gunicorn_with_the_production_config_refuses_to_start_without_a_mail_server(tmp_path):
    env = {key: value for key, value in os.environ.items() if key not in ("PORTAL_MAIL_SERVER", "PORTAL_ENV")}
    env.update(SECRET_KEY="production-test-key", PORTAL_DATABASE_URL=f"sqlite:///{tmp_path / 'prod.db'}",
               PORTAL_BIND="127.0.0.1:0")
    result = subprocess.run([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "MAIL_SERVER must be set in production" in result.stderr


def _echo(app):
    @app.get("/echo-client")
    def echo_client():
        return {"address": request.remote_addr, "scheme": request.scheme, "secure": request.is_secure}
    echo_client.access = "public"
    return app.test_client()


FORWARDED = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}


def test_behind_a_proxy_the_client_address_and_https_come_from_its_headers(make_app):
    client = _echo(make_app(PROXY_COUNT=1))
    seen = client.get("/echo-client", headers=FORWARDED, environ_base={"REMOTE_ADDR": "10.0.0.2"}).get_json()
    assert seen == {"address": "203.0.113.7", "scheme": "https", "secure": True}


def test_without_a_proxy_forwarded_headers_are_not_trusted(make_app):
    client = _echo(make_app())
    seen = client.get("/echo-client", headers=FORWARDED, environ_base={"REMOTE_ADDR": "10.0.0.2"}).get_json()
    assert seen == {"address": "10.0.0.2", "scheme": "http", "secure": False}
