"""Reviewers refunding orders through Stripe; Stripe's charge.refunded then changes the order."""

from django.db import transaction
from django.db.models import Sum
from wagtail.log_actions import log

from accounts.selectors import user_has_mfa
from lms.errors import NotPermitted

from . import gateway
from .models import Order, Refund
from .presentation import money
from .services import PaymentError


def order_refund(*, user, order: Order, amount: int | None, reason: str) -> Refund:
    """A reviewer refunds all or part of a paid order through Stripe. The order itself changes when
    Stripe confirms the refund with charge.refunded, whichever way the refund was made."""
    if not user.has_perm("payments.refund_order"):
        raise NotPermitted("Only reviewers can refund orders.")
    if not user_has_mfa(user=user):
        raise NotPermitted("Set up two-factor authentication before refunding orders.")
    reason = reason.strip()
    if not reason:
        raise PaymentError("Say why the order is refunded: the reason is kept with the order.")
    order.refresh_from_db()
    requested = order.refunds.aggregate(total=Sum("amount"))["total"] or 0
    refundable = order.refundable_amount - max(0, requested - order.amount_refunded)
    if not order.payment_intent_id or refundable <= 0:
        raise PaymentError("This order has nothing left to refund.")
    amount = refundable if amount is None else amount
    if not 0 < amount <= refundable:
        raise PaymentError(f"Refund between {money(1, order.currency)} and {money(refundable, order.currency)}.")
    attempt = order.refunds.count() + 1
    try:
        stripe_refund = gateway.refund_create(
            payment_intent_id=order.payment_intent_id,
            amount=amount,
            metadata={"order_id": str(order.pk), "order_reference": str(order.reference)},
            # The same key for a retry of the same request: Stripe then refunds once.
            idempotency_key=f"refund-{order.reference}-{attempt}",
        )
    except gateway.PaymentGatewayError as error:
        raise PaymentError(str(error).replace(" You have not been charged.", "")) from error
    with transaction.atomic():
        refund = Refund.objects.create(
            order=order, amount=amount, reason=reason, requested_by=user, stripe_refund_id=stripe_refund.get("id", "")
        )
        log(
            instance=order,
            action="payments.refund_request",
            user=user,
            data={"amount": amount, "currency": order.currency, "reason": reason, "refund": refund.stripe_refund_id},
        )
    return refund
