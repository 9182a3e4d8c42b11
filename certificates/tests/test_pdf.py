"""The certificate PDF: every printed field, names in any script, stored with its hash, regenerated if lost."""

import datetime
import hashlib
import io

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.urls import reverse
from pypdf import PdfReader
from wagtail_factories import ImageFactory

from accounts.tests.factories import UserFactory
from certificates.pdf import certificate_html, certificate_pdf, stored_pdf
from certificates.tests.factories import issued_certificate
from lms.models import ProviderSettings

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@pytest.mark.parametrize("name", ["Nguyễn Thị Minh", "Łukasz Żółć"])
def test_the_pdf_prints_every_field_boards_ask_for(catalogue, name, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        certificate = issued_certificate(catalogue, legal_name=name)
    certificate.refresh_from_db()

    content = certificate.pdf.open("rb").read()
    text = pdf_text(content)
    reader = PdfReader(io.BytesIO(content))

    assert len(reader.pages) == 1 and reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # landscape
    assert name in text
    for printed in [
        "Certificate of Achievement",
        "Lymphatic Drainage after Surgery",
        "1.50 CE hours",
        "Home study",
        "Manual Lymphatic Drainage after Surgery",  # the title as approved
        "DEMO-451234",
        "AP-1234",
        "NCBTMB license MA98765",
        "Pathology",
        "Medical Massage CE",
        certificate.printed_code,
        f"/verify/{certificate.printed_code}/",
    ]:
        assert printed in text, printed
    assert "CEU" not in text
    assert certificate.pdf_sha256 == hashlib.sha256(content).hexdigest()


def test_a_lost_or_altered_pdf_is_rendered_again_from_the_snapshot(catalogue):
    certificate = issued_certificate(catalogue)
    first = stored_pdf(certificate)
    certificate.pdf.storage.delete(certificate.pdf.name)

    again = stored_pdf(certificate)
    with certificate.pdf.storage.open(certificate.pdf.name, "wb") as tampered:
        tampered.write(b"%PDF-1.7 forged")
    restored = stored_pdf(certificate)

    assert pdf_text(again) == pdf_text(first)
    assert restored.startswith(b"%PDF") and b"forged" not in restored


def test_only_the_holder_downloads_the_pdf(client, catalogue):
    certificate = issued_certificate(catalogue)
    url = reverse("certificates:pdf", args=[certificate.code])

    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(certificate.enrollment.user)
    response = client.get(url)

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="certificate-{certificate.printed_code}.pdf"'


def test_a_revoked_certificate_downloads_marked_revoked_and_the_stored_original_stays(client, catalogue):
    certificate = issued_certificate(catalogue, legal_name="Rosa Delgado")
    original = stored_pdf(certificate)
    # 02:00 UTC is still the evening before in the provider's time zone (New York), the date boards read.
    with time_machine.travel(datetime.datetime(2027, 3, 3, 2, 0, tzinfo=datetime.UTC), tick=False):
        client.force_login(UserFactory(is_superuser=True))
        client.post(
            reverse("certificates_admin:revoke", args=[certificate.pk]),
            {"reason": "Issued in error: the final test was not passed."},
        )
    client.force_login(certificate.enrollment.user)

    response = client.get(reverse("certificates:pdf", args=[certificate.code]))

    text = pdf_text(response.content)
    assert response.status_code == 200 and len(PdfReader(io.BytesIO(response.content)).pages) == 1
    assert (
        "REVOKED on March 2, 2027 · Reason: Issued in error: the final test was not passed. "
        "· This certificate is no longer valid."
    ) in text
    assert "Rosa Delgado" in text and certificate.printed_code in text  # still the certificate it was
    certificate.refresh_from_db()
    with certificate.pdf.open("rb") as stored:
        kept = stored.read()
    assert kept == original and hashlib.sha256(kept).hexdigest() == certificate.pdf_sha256
    assert "REVOKED" not in pdf_text(kept)


def test_the_pdf_prints_the_providers_logo_and_the_signatorys_signature(catalogue, django_capture_on_commit_callbacks):
    logo = ImageFactory(file__width=800, file__height=200, file__format="PNG")
    signature = ImageFactory(file__width=900, file__height=250, file__format="PNG")
    ProviderSettings.objects.update(logo=logo, signature=signature)
    with django_capture_on_commit_callbacks(execute=True):
        certificate = issued_certificate(catalogue)
    certificate.refresh_from_db()

    html = BeautifulSoup(certificate_html(certificate), "html.parser")
    [page] = PdfReader(io.BytesIO(certificate.pdf.open("rb").read())).pages

    assert html.select_one("img.logo")["src"].startswith("data:image/png;base64,")
    assert html.select_one(".signature img")["alt"] == "Signature of Dana Whitfield, LMT"
    assert len(page.images) == 2  # the logo and the signature; the QR code is drawn


def test_a_signature_is_never_printed_above_another_signatorys_name(catalogue):
    certificate = issued_certificate(catalogue)  # signed for the provider by Dana Whitfield, LMT
    ProviderSettings.objects.update(signatory_name="Sam Ortiz, LMT", signature=ImageFactory(file__format="PNG"))

    html = BeautifulSoup(certificate_html(certificate), "html.parser")

    assert html.select_one(".signature img") is None
    assert "Dana Whitfield, LMT" in html.select_one(".signature").get_text()


def test_a_certificate_keeps_the_signature_it_was_issued_with(catalogue):
    signed_with = ImageFactory(file__format="PNG")
    ProviderSettings.objects.update(signature=signed_with)
    certificate = issued_certificate(catalogue)
    ProviderSettings.objects.update(signatory_name="Sam Ortiz, LMT", signature=ImageFactory(file__format="PNG"))

    html = BeautifulSoup(certificate_html(certificate), "html.parser")

    assert certificate.snapshot["signatory"]["signature_id"] == signed_with.pk
    assert html.select_one(".signature img")["alt"] == "Signature of Dana Whitfield, LMT"


def test_approval_numbers_and_the_code_are_printed_whole_never_broken_at_a_hyphen(catalogue):
    long_number = "NCBTMB-2026-0451-1234-HOME-STUDY"
    certificate = issued_certificate(catalogue)
    certificate.snapshot["course"]["approvals"][0]["number"] = long_number
    certificate.snapshot["course"]["approvals"][0]["title"] = "Manual Lymphatic Drainage after Surgery " * 4

    text = pdf_text(certificate_pdf(certificate))

    assert long_number in text and certificate.printed_code in text
