"""Orders for paid courses, the Stripe events applied to them, and the refunds reviewers asked for.

Money is integer minor units (cents) with an ISO currency code, as the course prices it and as
Stripe counts it. An order's status only moves forward (see `Order.moves_forward_to`), so an event
that Stripe delivers late or twice can never undo a later one.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class OrderStatus(models.TextChoices):
    PENDING = "pending", "Awaiting payment"
    FAILED = "failed", "Not paid"
    PAID = "paid", "Paid"
    PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"
    DISPUTED = "disputed", "Disputed"
    REFUNDED = "refunded", "Refunded"


# How far along its life each status is. A payment that failed may still be paid (a retried bank
# debit); a refund or dispute comes only after payment, and a full refund is the end.
_PROGRESS = {
    OrderStatus.PENDING: 0,
    OrderStatus.FAILED: 1,
    OrderStatus.PAID: 2,
    OrderStatus.PARTIALLY_REFUNDED: 3,
    OrderStatus.DISPUTED: 4,
    OrderStatus.REFUNDED: 5,
}
# The statuses in which the practitioner has paid for the course and not been paid back in full.
PAID_STATUSES = (OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED, OrderStatus.DISPUTED)


class Order(models.Model):
    """One practitioner's purchase of one course, from the Buy button to its last refund."""

    # Nothing in the editor links to an order: keeping Wagtail's reference index for it costs every event queries.
    wagtail_reference_index_ignore = True

    # Names the order to Stripe in idempotency keys and metadata: unlike the id, never the same in two
    # databases (a test account shared by staging and a re-seeded demo sees both).
    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders")
    course = models.ForeignKey("courses.CoursePage", on_delete=models.PROTECT, related_name="+")
    course_title = models.CharField(max_length=255, help_text="The course's title when it was bought.")
    amount = models.PositiveIntegerField(help_text="The course's price when it was bought, in minor units (cents).")
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=20, choices=OrderStatus.choices, default=OrderStatus.PENDING)

    checkout_session_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    checkout_url = models.URLField(max_length=2000, blank=True)
    checkout_expires_at = models.DateTimeField(null=True, blank=True)
    payment_intent_id = models.CharField(max_length=255, blank=True, db_index=True)

    # Read when the checkout opened: switching promotion codes off later must not refuse what buyers paid.
    promotion_codes_allowed = models.BooleanField(default=False)
    # What Stripe reports received: the total after any promotion code and with any tax it added. It is
    # recorded for a payment that is not fulfilled too (an amount that does not match), so it can be refunded.
    amount_paid = models.PositiveIntegerField(null=True, blank=True)
    amount_discount = models.PositiveIntegerField(default=0)
    amount_tax = models.PositiveIntegerField(default=0)
    amount_refunded = models.PositiveIntegerField(default=0)
    receipt_url = models.URLField(max_length=2000, blank=True)

    # The provider's policies exactly as the practitioner read and accepted them before paying.
    policies_accepted = models.TextField()
    policies_accepted_at = models.DateTimeField()

    created_at = models.DateTimeField(default=timezone.now)
    paid_at = models.DateTimeField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    failure_reason = models.CharField(max_length=300, blank=True)
    # Something a person must look at: money that does not match, a dispute, a refund after the certificate.
    flagged_at = models.DateTimeField(null=True, blank=True)
    flag_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"],
                condition=Q(status__in=PAID_STATUSES),
                name="one_paid_order_per_course",
            ),
            models.CheckConstraint(condition=Q(currency__regex=r"^[A-Z]{3}$"), name="order_currency_is_iso_code"),
        ]
        permissions = [("refund_order", "Can refund an order")]

    def __str__(self):
        return f"Order {self.pk}: {self.course_title} for {self.user}"

    def moves_forward_to(self, status: str) -> bool:
        return _PROGRESS[OrderStatus(status)] > _PROGRESS[OrderStatus(self.status)]

    @property
    def is_paid(self) -> bool:
        return self.status in PAID_STATUSES

    @property
    def is_fulfilled(self) -> bool:
        """Whether the payment enrolled the practitioner and no full refund has ended it."""
        return self.paid_at is not None and self.status != OrderStatus.REFUNDED


class StripeEvent(models.Model):
    """A Stripe event that has been applied: its id is stored in the transaction that applies it,
    so a second delivery finds it and changes nothing."""

    event_id = models.CharField(max_length=255, primary_key=True)
    type = models.CharField(max_length=100)
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    outcome = models.CharField(max_length=300)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.type} {self.event_id}"


class Refund(models.Model):
    """A refund a reviewer asked Stripe for; the order changes when Stripe's charge.refunded confirms it."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds")
    amount = models.PositiveIntegerField()
    reason = models.TextField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    # One submission of the reviewer's form: sent again (a double click), it finds this refund, not a second.
    request_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    stripe_refund_id = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self):
        return f"Refund of {self.amount} on order {self.order_id}"
