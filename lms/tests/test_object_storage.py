"""Production's object storage (lms/settings/object_storage.py) against a local S3 endpoint: private files
never public, served only through the app's checked views; media at the CDN's plain addresses."""

import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from wagtail_factories import ImageFactory

from accounts.tests.factories import UserFactory
from certificates.tests.factories import issued_certificate
from credits.tests.factories import ProvedCreditEntryFactory, image_bytes
from lms.storage import private_files

pytestmark = pytest.mark.django_db


def keys(client, bucket) -> list[str]:
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=bucket).get("Contents", []))


def fetch(url) -> tuple[int, bytes]:
    """An anonymous GET, as anyone who came by the address would send it."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (the local endpoint)
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def test_a_certificate_pdf_lives_privately_in_the_bucket_and_only_its_holder_downloads_it(
    client, catalogue, object_storage, s3_endpoint, django_capture_on_commit_callbacks
):
    s3, bucket = object_storage
    with django_capture_on_commit_callbacks(execute=True):
        certificate = issued_certificate(catalogue)
    certificate.refresh_from_db()

    key = f"private/{certificate.pdf.name}"
    assert key in keys(s3, bucket)
    stored = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    assert stored.startswith(b"%PDF")
    assert fetch(f"{s3_endpoint}/{bucket}/{key}") == (403, b"")  # no public address

    holder = certificate.enrollment.user
    client.force_login(UserFactory(verified_email=True))
    assert client.get(reverse("certificates:pdf", args=[certificate.code])).status_code == 404
    client.force_login(holder)
    download = client.get(reverse("certificates:pdf", args=[certificate.code]))
    assert download.status_code == 200 and download.content == stored

    # An address made for a private file is signed and short-lived.
    signed = urllib.parse.urlsplit(private_files.url(certificate.pdf.name))
    query = urllib.parse.parse_qs(signed.query)
    assert query["X-Amz-Expires"] == ["300"] and "X-Amz-Signature" in query
    assert fetch(signed.geturl()) == (200, stored)


def test_a_proof_of_a_reported_credit_is_kept_privately_and_shown_to_its_owner(client, object_storage, s3_endpoint):
    s3, bucket = object_storage
    entry = ProvedCreditEntryFactory()

    key = f"private/{entry.proof.name}"
    assert key in keys(s3, bucket) and key.startswith("private/credits/proofs/")
    assert fetch(f"{s3_endpoint}/{bucket}/{key}")[0] == 403
    client.force_login(entry.user)
    proof = client.get(reverse("credits:proof", args=[entry.pk]))
    assert proof.status_code == 200
    assert b"".join(proof.streaming_content) == s3.get_object(Bucket=bucket, Key=key)["Body"].read()


def test_media_are_kept_under_media_and_addressed_at_the_cdn_without_a_signature(object_storage):
    s3, bucket = object_storage
    image = ImageFactory(file__from_func=lambda: ContentFile(image_bytes("PNG"), name="fascia.png"))
    rendition = image.get_rendition("max-800x600")

    assert f"media/{image.file.name}" in keys(s3, bucket)
    assert f"media/{rendition.file.name}" in keys(s3, bucket)
    assert rendition.url == f"https://cdn.example.com/media/{rendition.file.name}"

    # A second upload of the same name keeps both files, as on a disk.
    again = default_storage.save("documents/handout.pdf", ContentFile(b"%PDF-1.7 first"))
    other = default_storage.save("documents/handout.pdf", ContentFile(b"%PDF-1.7 second"))
    assert again != other
    assert s3.get_object(Bucket=bucket, Key=f"media/{again}")["Body"].read() == b"%PDF-1.7 first"
