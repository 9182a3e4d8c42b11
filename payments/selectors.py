"""Reads about orders for the practitioner's pages."""

from .models import Order
from .presentation import purchase_policies

__all__ = ["order_of", "orders_of", "purchase_policies"]


def orders_of(*, user) -> list[Order]:
    """The practitioner's orders, newest first, leaving out checkouts that never reached Stripe."""
    return list(Order.objects.filter(user=user).exclude(checkout_session_id=None).select_related("course"))


def order_of(*, user, order_id: int) -> Order | None:
    return Order.objects.filter(user=user, pk=order_id).exclude(checkout_session_id=None).first()
