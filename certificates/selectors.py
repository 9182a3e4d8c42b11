from django.db.models import Count
from django.urls import reverse
from wagtail.models import Site

from .models import Certificate


def certificates_of(*, user) -> list[Certificate]:
    """The practitioner's certificates, newest first, each with how often regulators have looked it up."""
    return list(
        Certificate.objects.filter(enrollment__user=user).annotate(lookup_count=Count("lookups")).order_by("-issued_at")
    )


def absolute_url(view_name: str, *args) -> str:
    """An address on the public site, for emails and PDFs that leave it."""
    site = Site.objects.filter(is_default_site=True).first()
    return (site.root_url if site else "") + reverse(view_name, args=args)
