"""Reads about orders for the practitioner's pages."""

from accounts.selectors import email_is_verified
from courses.models import Enrollment
from lms.models import default_provider

from .models import Order
from .presentation import purchase_policies

__all__ = ["checkout_page", "order_of", "orders_of", "purchase_policies"]


def checkout_page(*, user, course) -> dict:
    """What the checkout page shows a practitioner about to buy the course: the provider's policies
    (the default site's, word for word as `services.checkout_start` records them on the order), and
    what stands between them and paying."""
    return {
        "course": course,
        "policies": purchase_policies(default_provider()),
        "email_verified": email_is_verified(user=user),
        # A refund ended their access before they completed it; buying again reopens it with their progress.
        "access_ended": Enrollment.objects.filter(user=user, course=course, access_ended_at__isnull=False).exists(),
    }


def orders_of(*, user) -> list[Order]:
    """The practitioner's orders, newest first, leaving out checkouts that never reached Stripe."""
    return list(Order.objects.filter(user=user).exclude(checkout_session_id=None))


def order_of(*, user, order_id: int) -> Order | None:
    """One of the practitioner's own orders, with what its receipt prints; None for anyone else's."""
    return (
        Order.objects.filter(user=user, pk=order_id)
        .exclude(checkout_session_id=None)
        .select_related("user", "course")
        .first()
    )
