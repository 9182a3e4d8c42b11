"""The production settings for real, past one machine's defaults: gunicorn, PostgreSQL, Redis, a
`db_worker` and the S3 endpoint, each its own process as deployed. A practitioner signs in, completes a
course; the worker signs the credential and lays out the PDF into the bucket; the PDF they download
carries a credential that verifies against what the site publishes, and the API says it is valid.

It runs where the suite runs on PostgreSQL (.ci/run's second pass) with Redis at 127.0.0.1:6379
(TEST_REDIS_URL, database 14 by default, emptied before and after)."""

import contextlib
import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
import requests
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.management import call_command
from django.db import connection
from pypdf import PdfReader

from certificates.keys import signing_key_create
from certificates.models import Certificate
from certificates.tests.factories import nearly_complete_enrollment

from .conftest import S3_CREDENTIALS
from .services import unavailable

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROOT = Path(settings.BASE_DIR)
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
PASSWORD = "a long passphrase for the production stack"
WAIT_SECONDS = 90


@pytest.fixture
def postgres_and_redis():
    if connection.vendor != "postgresql":
        pytest.skip("production runs on PostgreSQL: .ci/run's PostgreSQL pass runs this")
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.flushdb()
    except redis.ConnectionError:
        unavailable(f"no Redis at {REDIS_URL}")
    yield
    client.flushdb()


# What a developer's shell may hold for another deployment, and must not reach this one.
DEPLOYMENT_VARIABLES = ("DJANGO_", "DATABASE_", "REDIS_", "S3_", "AWS_", "FRONTEND_CACHE_", "SENTRY_", "CERTIFICATE_")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def production(postgres_and_redis, s3_bucket, s3_endpoint, tmp_path):
    """The environment lms/settings/production.py reads, for this machine's loopback and the test database."""
    database = connection.settings_dict
    key_file = tmp_path / "signing-key.pem"
    signing_key_create(path=key_file)
    port = free_port()
    environment = {
        **{name: value for name, value in os.environ.items() if not name.startswith(DEPLOYMENT_VARIABLES)},
        **S3_CREDENTIALS,
        "DJANGO_SETTINGS_MODULE": "lms.settings.production",
        "DJANGO_SECRET_KEY": os.urandom(32).hex(),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": (
            f"postgres://{quote(database['USER'])}:{quote(database['PASSWORD'])}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        ),
        "REDIS_URL": REDIS_URL,
        "S3_BUCKET": s3_bucket[1],
        "S3_ENDPOINT_URL": s3_endpoint,
        "S3_REGION": "us-east-1",
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
        "DJANGO_BASE_URL": f"https://127.0.0.1:{port}",
        "CERTIFICATE_ISSUER_HOST": "ce.example.com",
        "CERTIFICATE_SIGNING_KEY_FILE": str(key_file),
        # Nothing listens on port 9: the worker's certificate email fails at once, as with no mail server.
        "DJANGO_EMAIL_HOST": "127.0.0.1",
        "DJANGO_EMAIL_PORT": "9",
        "DJANGO_DEFAULT_FROM_EMAIL": "ce@example.com",
        "DJANGO_LOG_FORMAT": "text",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "collectstatic", "--noinput", "--verbosity", "0"], env=environment, check=True)  # noqa: S603
    logs = tmp_path / "logs"
    logs.mkdir()
    gunicorn = [
        str(ROOT / ".venv/bin/gunicorn"),
        "lms.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
    ]
    worker = [*manage, "db_worker", "--queue-name", "*", "--no-startup-delay", "--no-reload", "--interval", "0.2"]
    with contextlib.ExitStack() as stack:
        processes = [
            stack.enter_context(running(logs / "gunicorn.log", environment, gunicorn)),
            stack.enter_context(running(logs / "worker.log", environment, worker)),
        ]
        site = stack.enter_context(Site(f"http://127.0.0.1:{port}", public=f"https://127.0.0.1:{port}"))
        site.wait_until_up(processes, logs)
        yield site, logs
    connection.close()  # the flush after the test must find the database as it left it


@contextlib.contextmanager
def running(log: Path, environment: dict, command: list):
    """A process of its own session, stopped with everything it started (gunicorn's workers) at the end."""
    with log.open("w") as output:
        process = subprocess.Popen(  # noqa: S603 (our own command line)
            command, cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            yield process
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


class Site:
    """The app servers as a browser reaches them through the TLS proxy: X-Forwarded-Proto and -For set,
    its secure cookies sent back (the proxy's leg is HTTPS; this one, on the loopback, is not)."""

    def __init__(self, address: str, *, public: str):
        self.address, self.public = address, public
        self.http = requests.Session()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.http.close()

    def request(self, method: str, path: str, *, referer: str = "", **options) -> requests.Response:
        headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
        if referer:
            headers["Referer"] = self.public + referer
        response = self.http.request(
            method, self.address + path, headers=headers, allow_redirects=False, timeout=30, **options
        )
        for cookie in self.http.cookies:
            cookie.secure = False
        return response

    def form_post(self, page: str, action: str, data: dict) -> requests.Response:
        """What submitting a form on `page` sends: its CSRF token, and the page as the referrer."""
        shown = self.request("GET", page)
        assert shown.status_code == 200, (page, shown.status_code)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', shown.text).group(1)
        return self.request("POST", action, referer=page, data={"csrfmiddlewaretoken": token, **data})

    def wait_until_up(self, processes, logs: Path):
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            if any(process.poll() is not None for process in processes):
                pytest.fail("A process stopped:\n" + read_logs(logs))
            try:
                if self.request("GET", "/healthz").status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.3)
        pytest.fail("gunicorn did not answer /healthz:\n" + read_logs(logs))


def read_logs(logs: Path) -> str:
    return "\n".join(f"--- {log.name}\n{log.read_text()[-4000:]}" for log in sorted(logs.iterdir()))


def eventually(check, what: str, logs: Path):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(0.3)
    pytest.fail(f"{what} never happened:\n" + read_logs(logs))


def test_a_certificate_goes_from_completion_to_a_verified_pdf_through_the_production_stack(
    catalogue, production, s3_bucket, tmp_path
):
    site, logs = production
    s3, bucket = s3_bucket
    enrollment, last_lesson = nearly_complete_enrollment(catalogue)
    practitioner = enrollment.user
    # Hashed as production hashes it: the tests' own hasher is a fast one production does not read.
    hasher = PBKDF2PasswordHasher()
    practitioner.password = hasher.encode(PASSWORD, hasher.salt())
    practitioner.save(update_fields=["password"])

    signed_in = site.form_post(
        "/accounts/login/", "/accounts/login/", {"login": practitioner.email, "password": PASSWORD}
    )
    assert signed_in.status_code == 302, signed_in.text[:2000]
    completed = site.form_post(last_lesson.url, f"/learn/lessons/{last_lesson.pk}/complete/", {})
    assert completed.status_code == 302

    certificate = eventually(lambda: Certificate.objects.filter(enrollment=enrollment).first(), "completion", logs)
    # The worker, not the request: the credential is signed, then the PDF that carries it is put in the bucket.
    pdf_key = eventually(
        lambda: (
            Certificate.objects.filter(pk=certificate.pk, pdf_carries_credential=True)
            .values_list("pdf", flat=True)
            .first()
        ),
        "the worker's PDF",
        logs,
    )
    stored = s3.get_object(Bucket=bucket, Key=f"private/{pdf_key}")["Body"].read()

    mine = site.request("GET", "/learn/certificates/")
    assert mine.status_code == 200 and certificate.printed_code in mine.text
    download = site.request("GET", f"/learn/certificates/{certificate.code}.pdf")
    assert download.status_code == 200 and download.headers["Content-Type"] == "application/pdf"
    assert download.content == stored

    [carried] = PdfReader(io.BytesIO(download.content)).attachments[f"certificate-{certificate.printed_code}.json"]
    credential = json.loads(carried)
    did_document = site.request("GET", "/.well-known/did.json")
    status_list = site.request("GET", credential["credentialStatus"]["statusListCredential"].removeprefix(site.public))
    assert did_document.status_code == 200 and status_list.status_code == 200
    files = {"credential": carried, "did": did_document.content, "status": status_list.content}
    for name, content in files.items():
        (tmp_path / f"{name}.json").write_bytes(content)
    out = io.StringIO()
    call_command(
        "verify_credential",
        tmp_path / "credential.json",
        did_document=tmp_path / "did.json",
        status_list=tmp_path / "status.json",
        stdout=out,
    )  # raises CommandError if it does not verify, and warns if its status could not be checked
    assert out.getvalue().rstrip().endswith("credential.json verifies."), out.getvalue()

    answer = site.request("GET", f"/api/v1/certificates/{certificate.printed_code}/")
    assert answer.status_code == 200 and answer.json()["status"] == "valid"
    assert answer.json()["holder"]["name"] == practitioner.legal_name
