"""The certificate as a PDF worth framing: a Django template laid out by WeasyPrint, from the snapshot only."""

import base64
import hashlib
import logging

import segno
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from wagtail.images import get_image_model
from weasyprint import HTML, Attachment

from lms.models import default_provider

from .models import Certificate
from .selectors import absolute_url

logger = logging.getLogger(__name__)

# Renditions sized for print at about 300 dpi: a logo under an inch wide, a signature under two.
LOGO_RENDITION = "max-600x240|format-png"
SIGNATURE_RENDITION = "max-600x180|format-png"


def certificate_html(certificate: Certificate, *, mark_revocation: bool = False) -> str:
    """The certificate as issued, or with its revocation marked across it: when and why."""
    verify_url = absolute_url("certificates:verify", certificate.printed_code)
    qr = segno.make(verify_url, error="m")
    context = {
        "certificate": certificate,
        "snapshot": certificate.snapshot,
        "verify_url": verify_url,
        "qr_code": qr.svg_data_uri(scale=4, border=0, dark="#1d2b36"),
        "revoked": mark_revocation and certificate.revoked_at is not None,
        "logo": _image_data_uri(certificate.snapshot["provider"].get("logo_id"), LOGO_RENDITION),
        "signature": _image_data_uri(_signature_id(certificate.snapshot), SIGNATURE_RENDITION),
    }
    return render_to_string("certificates/pdf.html", context)


def _signature_id(snapshot: dict) -> int | None:
    """The signature on file when the certificate was issued. Certificates issued before signatures were
    kept take the provider's current one, only while its signatory is the one the certificate names:
    another administrator's signature must never appear above their predecessor's name."""
    if "signature_id" in snapshot["signatory"]:
        return snapshot["signatory"]["signature_id"]
    provider = default_provider()
    if provider.signature_id and provider.signatory_name.strip() == snapshot["signatory"]["name"].strip():
        return provider.signature_id
    return None


def _image_data_uri(image_id: int | None, filter_spec: str) -> str:
    """A PNG rendition of the image as a data: URI for WeasyPrint, or "" when there is none or its file
    cannot be read (the certificate is printed without it rather than not at all)."""
    image = get_image_model().objects.filter(pk=image_id).first() if image_id else None
    if image is None:
        return ""
    try:
        with image.get_rendition(filter_spec).file.open("rb") as file:
            return "data:image/png;base64," + base64.b64encode(file.read()).decode()
    except OSError as error:
        logger.warning("Image %s left off a certificate: %s", image_id, error)
        return ""


def certificate_pdf(certificate: Certificate, *, mark_revocation: bool = False) -> bytes:
    """PDF/A-3, which archives keep and which may carry files: the signed credential rides inside, so
    one file is both the certificate to read and the credential to verify."""
    attachments = []
    if certificate.credential:
        attachments.append(
            Attachment(
                string=certificate.credential.encode(),
                name=f"certificate-{certificate.printed_code}.json",
                description="The signed Open Badges 3.0 credential of this certificate (eddsa-rdfc-2022).",
                relationship="Data",
            )
        )
    html = certificate_html(certificate, mark_revocation=mark_revocation)
    return HTML(string=html).write_pdf(attachments=attachments, pdf_variant="pdf/a-3b")


def certificate_pdf_store(certificate: Certificate) -> Certificate:
    """Renders the PDF from the snapshot, with the credential once it is signed, and stores it with
    its SHA-256. The certificate is read afresh under its lock, so that a rendering begun before the
    credential was signed cannot land after one that carries it."""
    with transaction.atomic():
        fresh = Certificate.objects.select_for_update().get(pk=certificate.pk)
        content = certificate_pdf(fresh)
        if fresh.pdf:
            fresh.pdf.delete(save=False)
        fresh.pdf.save(f"{fresh.code}.pdf", ContentFile(content), save=False)
        fresh.pdf_sha256 = hashlib.sha256(content).hexdigest()
        fresh.pdf_carries_credential = bool(fresh.credential)
        fresh.save(update_fields=["pdf", "pdf_sha256", "pdf_carries_credential"])
    certificate.refresh_from_db(fields=["credential", "pdf", "pdf_sha256", "pdf_carries_credential"])
    return certificate


def stored_pdf(certificate: Certificate) -> bytes:
    """The stored PDF if it is there, unaltered and carrying the signed credential (if there is one);
    otherwise rendered again from the snapshot and stored.

    A revoked certificate is rendered afresh with the revocation marked on it, and not stored: the stored
    file stays what was issued, the record of the certificate while it was valid."""
    if certificate.revoked_at is not None:
        return certificate_pdf(certificate, mark_revocation=True)
    if certificate.pdf and certificate.pdf.storage.exists(certificate.pdf.name):
        with certificate.pdf.open("rb") as stored:
            content = stored.read()
        current = certificate.pdf_carries_credential or not certificate.credential
        if current and hashlib.sha256(content).hexdigest() == certificate.pdf_sha256:
            return content
    certificate_pdf_store(certificate)
    with certificate.pdf.open("rb") as stored:
        return stored.read()
