"""Work done after the request: the email that tells a practitioner their certificate is ready."""

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task
from wagtail.models import Site

from .models import Certificate


@task()
def certificate_email_send(certificate_id: int) -> None:
    certificate = Certificate.objects.select_related("enrollment__user").get(pk=certificate_id)
    site = Site.objects.filter(is_default_site=True).first()
    base = site.root_url if site else ""
    context = {
        "certificate": certificate,
        "verify_url": base + reverse("certificates:verify", args=[certificate.printed_code]),
        "certificates_url": base + reverse("certificates:mine"),
    }
    send_mail(
        subject=f"Your certificate: {certificate.snapshot['course']['title']}",
        message=render_to_string("certificates/email/issued.txt", context),
        from_email=None,
        recipient_list=[certificate.enrollment.user.email],
    )
