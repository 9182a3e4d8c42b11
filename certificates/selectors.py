from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse

from lms.models import base_url

from .models import Certificate


def certificates_of(*, user) -> list[Certificate]:
    """The practitioner's certificates, newest first, each with how often regulators have looked it up
    and where to share it (`links`)."""
    certificates = list(
        Certificate.objects.filter(enrollment__user=user).annotate(lookup_count=Count("lookups")).order_by("-issued_at")
    )
    for certificate in certificates:
        certificate.links = sharing_links(certificate)
    return certificates


def absolute_url(view_name: str, *args) -> str:
    """The view's address where the site runs, whole: for what leaves the site (emails, PDFs, the API)."""
    return base_url() + reverse(view_name, args=args)


def sharing_links(certificate: Certificate) -> dict:
    """Where the holder can send people: the verification page, and LinkedIn's "add to profile" form."""
    verify_url = absolute_url("certificates:verify", certificate.printed_code)
    linkedin = "https://www.linkedin.com/profile/add?" + urlencode(
        {
            "startTask": "CERTIFICATION_NAME",
            "name": certificate.snapshot["course"]["title"],
            "organizationName": certificate.snapshot["provider"]["name"],
            "issueYear": certificate.issued_at.year,
            "issueMonth": certificate.issued_at.month,
            "certUrl": verify_url,
            "certId": certificate.printed_code,
        }
    )
    return {"verify_url": verify_url, "linkedin_url": linkedin}
