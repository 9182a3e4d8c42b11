"""Certificate PDF rendering, and verification API latency: one code against a bulk of 100.

    .venv/bin/python bench/certificates.py [--repeat 20]

Baselines in the same run: a single-code lookup for the bulk request, and `/healthz` for the
framework's floor. Query counts must be the same for 1 and 100 codes.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='ce-bench-')}/bench.sqlite3"

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from wagtail.models import Page, Site  # noqa: E402

from certificates.pdf import certificate_pdf  # noqa: E402
from certificates.tests.factories import issued_certificate  # noqa: E402
from courses.tests.factories import CourseIndexPageFactory  # noqa: E402
from lms.tests.factories import HomePageFactory  # noqa: E402


def median_ms(function, repeat):
    timings = []
    for _ in range(repeat):
        cache.clear()  # the rate limit is not what is measured
        start = time.perf_counter()
        function()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings) * 1000


def queries_of(function):
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # no issuance email on the console
    call_command("migrate", verbosity=0)
    home = HomePageFactory(parent=Page.get_first_root_node(), slug="home-bench")
    Site.objects.update(root_page=home)
    catalogue = CourseIndexPageFactory(parent=home)
    certificate = issued_certificate(catalogue)
    codes = [certificate.printed_code] * 100
    client = Client()

    def single():
        assert client.get(f"/api/v1/certificates/{certificate.code}/").status_code == 200

    def bulk():
        response = client.post("/api/v1/certificates/verify/", {"codes": codes}, content_type="application/json")
        assert response.status_code == 200

    rows = [
        ("healthz (floor)", median_ms(lambda: client.get("/healthz"), args.repeat), None),
        ("API, one code", median_ms(single, args.repeat), queries_of(single)),
        ("API, bulk of 100", median_ms(bulk, args.repeat), queries_of(bulk)),
        ("PDF rendering", median_ms(lambda: certificate_pdf(certificate), max(args.repeat // 4, 3)), None),
    ]
    print(f"{connection.vendor}, median of {args.repeat} (PDF: of {max(args.repeat // 4, 3)})")
    for name, milliseconds, queries in rows:
        counted = "" if queries is None else f"   {queries} queries"
        print(f"{name:<18} {milliseconds:>8.1f} ms{counted}")


if __name__ == "__main__":
    main()
