from django.db.models import Count

from .models import Certificate


def certificates_of(*, user) -> list[Certificate]:
    """The practitioner's certificates, newest first, each with how often regulators have looked it up."""
    return list(
        Certificate.objects.filter(enrollment__user=user).annotate(lookup_count=Count("lookups")).order_by("-issued_at")
    )
