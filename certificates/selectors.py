from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse

from lms.models import site_root

from .models import Certificate


def certificates_of(*, user) -> list[Certificate]:
    """The practitioner's certificates, newest first, each with how often regulators have looked it up
    and where to share it (`links`)."""
    certificates = list(
        Certificate.objects.filter(enrollment__user=user).annotate(lookup_count=Count("lookups")).order_by("-issued_at")
    )
    root = site_root()
    for certificate in certificates:
        certificate.links = sharing_links(certificate, root=root)
    return certificates


def absolute_url(view_name: str, *args, root: str | None = None) -> str:
    return (site_root() if root is None else root) + reverse(view_name, args=args)


def sharing_links(certificate: Certificate, *, root: str) -> dict:
    """Where the holder can send people: the verification page, and LinkedIn's "add to profile" form."""
    verify_url = absolute_url("certificates:verify", certificate.printed_code, root=root)
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
