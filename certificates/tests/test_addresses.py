"""Links that work where the site runs: every address a certificate gives away (its email, its PDF and
QR code, the share link, the API's credential_url and the signed credential's own id) starts with
BASE_URL, whatever host a request came in on."""

import io
import json

import pytest
import segno
from bs4 import BeautifulSoup
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from certificates.pdf import certificate_html

from .factories import issued_certificate

pytestmark = pytest.mark.django_db

SITE = "https://ce.example.org"


@pytest.fixture
def issued_at_the_configured_address(catalogue, signing_key_file, settings, django_capture_on_commit_callbacks):
    settings.BASE_URL = SITE
    with django_capture_on_commit_callbacks(execute=True):
        certificate = issued_certificate(catalogue)
    certificate.refresh_from_db()
    return certificate


def test_the_certificate_email_links_to_the_configured_address(issued_at_the_configured_address):
    certificate = issued_at_the_configured_address

    [email] = [message for message in mail.outbox if message.subject.startswith("Your certificate")]

    assert f"{SITE}/verify/{certificate.printed_code}/" in email.body
    assert f"{SITE}{reverse('certificates:mine')}" in email.body
    assert "localhost" not in email.body


def test_the_pdf_prints_and_encodes_the_configured_verification_address(issued_at_the_configured_address):
    certificate = issued_at_the_configured_address
    verify_url = f"{SITE}/verify/{certificate.printed_code}/"

    reader = PdfReader(io.BytesIO(certificate.pdf.open("rb").read()))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    qr = BeautifulSoup(certificate_html(certificate), "html.parser").find("img", src=lambda src: "svg" in src)["src"]

    assert f"Verify at {verify_url}" in text
    assert qr == segno.make(verify_url, error="m").svg_data_uri(scale=4, border=0, dark="#1d2b36")


def test_the_apis_credential_url_is_the_credentials_own_id_whatever_host_was_asked(
    client, issued_at_the_configured_address
):
    certificate = issued_at_the_configured_address
    credential = json.loads(certificate.credential)
    own_address = f"{SITE}/certificates/{certificate.printed_code}/credential.json"

    answers = [
        client.get(reverse("certificates:api_certificate", args=[certificate.printed_code]), HTTP_HOST=host).json()
        for host in ["testserver", "localhost"]
    ]
    bulk = client.post(
        reverse("certificates:api_bulk_verify"), {"codes": [certificate.printed_code]}, content_type="application/json"
    ).json()

    assert credential["id"] == own_address
    assert [answer["credential_url"] for answer in answers] == [own_address, own_address]
    assert bulk["results"][0]["credential_url"] == own_address
    assert credential["issuer"]["url"] == SITE + "/"
    assert credential["credentialStatus"]["statusListCredential"].startswith(SITE + "/")
    assert credential["credentialSubject"]["achievement"]["id"] == SITE + certificate.enrollment.course.url


def test_the_share_link_and_the_verify_pages_credential_link_give_the_configured_address(
    client, issued_at_the_configured_address
):
    certificate = issued_at_the_configured_address
    client.force_login(certificate.enrollment.user)

    mine = BeautifulSoup(client.get(reverse("certificates:mine")).content, "html.parser")
    verify = BeautifulSoup(
        client.get(reverse("certificates:verify", args=[certificate.printed_code])).content, "html.parser"
    )

    share = f"{SITE}/verify/{certificate.printed_code}/"
    assert mine.find("a", string=share)["href"] == share
    credential_link = verify.find("a", string="signed credential")["href"]
    assert credential_link == json.loads(certificate.credential)["id"]


def test_a_credential_signed_at_the_configured_address_verifies_offline_with_its_status_list(
    issued_at_the_configured_address, tmp_path
):
    path = tmp_path / "credential.json"
    path.write_text(issued_at_the_configured_address.credential)
    out = io.StringIO()

    call_command("verify_credential", str(path), "--offline", stdout=out)

    assert "has not been revoked" in out.getvalue()
