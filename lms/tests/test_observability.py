"""Production logs one JSON object a line, and reports errors to Sentry only when a DSN is set: here
to a local endpoint that takes Sentry's envelopes over HTTP, as sentry.io would."""

import gzip
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
# Sets Django up on the production settings, logs an error as a failing task would, and waits for
# any report to be sent.
SCRIPT = """
import logging, django
django.setup()
import sentry_sdk
logging.getLogger("certificates.tasks").error("The PDF of certificate %s failed", 42, extra={"certificate": 42})
print("sentry", sentry_sdk.get_client().is_active())
sentry_sdk.flush(timeout=10)
"""


@pytest.fixture
def sentry_endpoint():
    """Envelopes POSTed to /api/<project>/envelope/, decoded: one list of JSON items each."""
    received = []

    class Envelopes(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            encoding = self.headers.get("Content-Encoding")
            if encoding == "gzip":
                body = gzip.decompress(body)
            elif encoding == "br":  # when Brotli is installed (WeasyPrint's font tools bring it)
                import brotli

                body = brotli.decompress(body)
            received.append((self.path, [json.loads(line) for line in body.splitlines() if line.startswith(b"{")]))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Envelopes)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://publickey@127.0.0.1:{server.server_port}/7", received
    server.shutdown()


def run_production(tmp_path, **environment) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", SCRIPT],
        cwd=BASE_DIR,
        env={
            **{name: value for name, value in os.environ.items() if not name.startswith(("SENTRY_", "DJANGO_LOG"))},
            "DJANGO_SETTINGS_MODULE": "lms.settings.production",
            "DJANGO_SECRET_KEY": "observability-test-" + "x" * 40,
            "DJANGO_ALLOWED_HOSTS": "ce.example.com",
            "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
            "DJANGO_EMAIL_HOST": "smtp.example.com",
            "DJANGO_DEFAULT_FROM_EMAIL": "ce@example.com",
            "DJANGO_BASE_URL": "https://ce.example.com",
            **environment,
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )


def test_an_error_log_is_one_json_line_and_a_report_to_the_configured_sentry(tmp_path, sentry_endpoint):
    dsn, received = sentry_endpoint

    result = run_production(tmp_path, SENTRY_DSN=dsn, SENTRY_ENVIRONMENT="staging")

    [line] = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert line["levelname"] == "ERROR" and line["name"] == "certificates.tasks"
    assert line["message"] == "The PDF of certificate 42 failed" and line["certificate"] == 42
    assert "sentry True" in result.stdout
    events = [item for path, items in received if path == "/api/7/envelope/" for item in items if "level" in item]
    assert [(event["level"], event["logentry"]["message"], event["environment"]) for event in events] == [
        ("error", "The PDF of certificate %s failed", "staging")
    ]
    assert "user" not in events[0] and "request" not in events[0]


def test_without_a_dsn_nothing_is_reported(tmp_path, sentry_endpoint):
    _, received = sentry_endpoint

    result = run_production(tmp_path)

    assert "sentry False" in result.stdout and received == []
    assert json.loads(result.stderr.strip().splitlines()[-1])["levelname"] == "ERROR"
