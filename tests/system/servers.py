"""Real server processes for system tests: gunicorn with the production config, and a small HTTP client."""
import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from tests.smtp import free_port

ROOT = Path(__file__).resolve().parent.parent.parent


def wait_until_healthy(process, url, timeout, label, log):
    """Wait until a server process answers /healthz with 200; fail with its log if it exits or stays silent."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{label} exited: {log()}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{label} did not answer within {timeout}s: {log()}")


class Instance:
    """One app instance: `gunicorn -c gunicorn.conf.py wsgi:app` on a free loopback port."""

    def __init__(self, name: str, **settings):
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "PORTAL_BIND": f"127.0.0.1:{self.port}", "WEB_CONCURRENCY": "1",
                    "PORTAL_THREADS": "4", "PORTAL_BASE_URL": self.url, **settings}
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT, env=self.env,
            stdout=subprocess.DEVNULL, stderr=open(Path(self.env["PORTAL_LOG_DIR"]) / f"{self.name}.log", "wb"))
        return self

    def wait_until_ready(self, timeout=30):
        wait_until_healthy(self.process, self.url, timeout, f"instance {self.name}", self.log)
        return self

    def log(self) -> str:
        return (Path(self.env["PORTAL_LOG_DIR"]) / f"{self.name}.log").read_text(errors="replace")[-4000:]

    def run_cli(self, *args) -> subprocess.CompletedProcess:
        """`flask --app wsgi …` with this instance's settings, as cron on its machine would run it."""
        return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=60)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A cookie jar and the CSRF token of the last page: enough of a browser to fill in forms over HTTP."""

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect)
        self.csrf_token = None

    def request(self, url, data=None):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            response = self.opener.open(urllib.request.Request(url, data=body), timeout=20)
        except urllib.error.HTTPError as error:       # 3xx (not followed) and 4xx/5xx
            response = error
        with response:
            text = response.read().decode("utf-8", "replace")
            status, location = response.status, response.headers.get("Location")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', text) or \
            re.search(r'name="csrf_token"[^>]*value="([^"]+)"', text)
        if token:
            self.csrf_token = token.group(1)
        return status, text, location

    def get(self, url):
        return self.request(url)

    def post(self, url, data):
        """Post a form as a browser would: after opening it, with its CSRF token."""
        self.get(url)
        return self.request(url, {**data, "csrf_token": self.csrf_token})
