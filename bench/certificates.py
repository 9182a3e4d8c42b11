"""Certificate PDF rendering, credential signing and verification, and verification API latency:
one code against a bulk of 100.

    .venv/bin/python bench/certificates.py [--repeat 20]

Baselines in the same run: a single-code lookup for the bulk request, `/healthz` for the
framework's floor, and a bare Ed25519 signature for the credential's proof (the rest is JSON-LD
canonicalisation). Query counts must be the same for 1 and 100 codes.
"""

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import django_setup  # noqa: F401 (sets Django up before the imports below)
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, Site

from certificates.credential_verification import credential_check, local_did_resolver, local_status_list
from certificates.credentials import status_list_sign
from certificates.integrity import proof_add, proof_verify
from certificates.keys import signing_key, signing_key_create
from certificates.models import Certificate
from certificates.pdf import certificate_pdf
from certificates.tests.factories import issued_certificate
from courses.tests.factories import CourseIndexPageFactory
from lms.models import ProviderSettings
from lms.tests.factories import HomePageFactory


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
    ProviderSettings.objects.update_or_create(
        site=Site.objects.get(is_default_site=True),
        defaults={"email": "ce@example.com", "signatory_name": "Dana Whitfield, LMT"},
    )
    catalogue = CourseIndexPageFactory(parent=home)
    key_path = Path(tempfile.mkdtemp(prefix="ce-bench-key-")) / "signing-key.pem"
    signing_key_create(path=key_path)
    settings.CERTIFICATE_SIGNING_KEY_FILE = str(key_path)
    certificate = Certificate.objects.get(pk=issued_certificate(catalogue).pk)  # signed after commit
    codes = [certificate.printed_code] * 100
    client = Client()
    private_key, _ = signing_key()
    public_key = private_key.public_key()
    unsigned = {key: value for key, value in json.loads(certificate.credential).items() if key != "proof"}
    signed = json.loads(certificate.credential)
    hash_data = bytes(64)

    def sign():
        proof_add(
            unsigned, private_key=private_key, verification_method="did:web:bench#key", created="2026-01-01T00:00:00Z"
        )

    def credential():
        assert client.get(f"/certificates/{certificate.printed_code}/credential.json").status_code == 200

    def status_list():
        assert client.get(f"/credentials/status/{certificate.status_list_id}").status_code == 200

    def check():
        assert credential_check(
            certificate.credential, resolve_did=local_did_resolver, fetch_status_list=local_status_list
        ).valid

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
        ("Ed25519 alone", median_ms(lambda: private_key.sign(hash_data), args.repeat), None),
        ("credential: sign", median_ms(sign, args.repeat), None),
        ("credential: verify", median_ms(lambda: proof_verify(signed, public_key), args.repeat), None),
        ("  + key, status", median_ms(check, args.repeat), queries_of(check)),
        ("status list: sign", median_ms(lambda: status_list_sign(certificate.status_list_id), args.repeat), None),
        ("GET credential", median_ms(credential, args.repeat), queries_of(credential)),
        ("GET status list", median_ms(status_list, args.repeat), queries_of(status_list)),
    ]
    print(f"{connection.vendor}, median of {args.repeat} (PDF: of {max(args.repeat // 4, 3)})")
    for name, milliseconds, queries in rows:
        counted = "" if queries is None else f"   {queries} queries"
        print(f"{name:<20} {milliseconds:>8.2f} ms{counted}")


if __name__ == "__main__":
    main()
