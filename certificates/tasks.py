"""Work done after the request: the PDF, the signed credential, the status list and the email."""

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django_tasks import task

from lms.validators import one_line

from . import credentials
from .models import Certificate
from .pdf import certificate_pdf_store
from .selectors import absolute_url


@task()
def certificate_email_send(certificate_id: int) -> None:
    certificate = Certificate.objects.select_related("enrollment__user").get(pk=certificate_id)
    context = {
        "certificate": certificate,
        "verify_url": absolute_url("certificates:verify", certificate.printed_code),
        "certificates_url": absolute_url("certificates:mine"),
    }
    send_mail(
        subject=one_line(f"Your certificate: {certificate.snapshot['course']['title']}"),
        message=render_to_string("certificates/email/issued.txt", context),
        from_email=None,
        recipient_list=[certificate.enrollment.user.email],
    )


@task()
def certificate_pdf_render(certificate_id: int) -> None:
    certificate_pdf_store(Certificate.objects.get(pk=certificate_id))


@task()
def certificate_credential_sign(certificate_id: int) -> None:
    """Signs the credential, then renders the PDF, which carries it (or, with no key set, goes without)."""
    credentials.credential_sign(certificate_id)
    certificate_pdf_render.enqueue(certificate_id)


@task()
def status_list_publish(status_list_id: int) -> None:
    credentials.status_list_sign(status_list_id)
