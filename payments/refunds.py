"""Reviewers acting on orders: refunds asked of Stripe (Stripe's charge.refunded then changes the order)
and flagged orders marked as reviewed. Both need the refund permission and two-factor authentication."""

import re
import uuid

import stripe
from django.db import transaction
from django.db.models import Q, Sum
from wagtail.log_actions import log

from accounts.selectors import user_has_mfa
from lms.errors import NotPermitted
from lms.money import money

from . import gateway
from .models import Order, Refund
from .services import PaymentError

REFUND_PERMISSION = "payments.refund_order"
REFUND_REQUEST_ACTION = "payments.refund_request"
REVIEW_ACTION = "payments.review"
# A request key comes back from the reviewer's form; it goes into Stripe's idempotency key, so it is kept plain.
REQUEST_KEY = re.compile(r"^[A-Za-z0-9-]{8,64}$")


def _check_may_act(user, order: Order, *, doing: str) -> None:
    if not user.has_perm(REFUND_PERMISSION):
        raise NotPermitted(f"Only reviewers can {doing}.")
    if not user_has_mfa(user=user):
        raise NotPermitted(f"Set up two-factor authentication before you {doing}.")
    # A refund after completion keeps the certificate: nobody refunds, or clears the flag on, their own purchase.
    if order.user_id == user.pk:
        raise NotPermitted("This is your own order: another reviewer must act on it.")


def refundable_amount(order: Order) -> int:
    """What may still be asked of Stripe: what was paid, less what Stripe has confirmed refunded, less what
    reviewers asked for that Stripe has not confirmed yet."""
    if order.amount_paid is None:
        return 0
    return max(0, (order.amount_paid or 0) - order.amount_refunded - unconfirmed_refund_amount(order))


def unconfirmed_refund_amount(order: Order) -> int:
    """What reviewers asked Stripe to refund on the order that Stripe has not confirmed yet.

    Stripe's charge.refunded says only the charge's running total, not which refunds it counts, and a
    refund may also be made in Stripe's dashboard. So a request made since the last confirmation is
    counted as not in that total; an earlier one as in it, as far as the total goes.
    """
    since_confirmation = Q(requested_at__gt=order.refunded_at) if order.refunded_at else Q()
    totals = Refund.objects.filter(order=order).aggregate(
        requested=Sum("amount", default=0), since=Sum("amount", filter=since_confirmation, default=0)
    )
    return max(totals["requested"] - order.amount_refunded, totals["since"], 0)


def order_refund(*, user, order: Order, amount: int | None, reason: str, request_key: str = "") -> Refund:
    """A reviewer refunds all (amount None) or part of a paid order through Stripe. The order itself changes
    when Stripe confirms the refund with charge.refunded, whichever way the refund was made.

    `request_key` names one submission of the reviewer's form: the same key again (a double click, a
    resubmitted page) gives back the refund it asked for rather than a second one. Two different requests
    for the same order run one after the other, each seeing what the other asked for.
    """
    _check_may_act(user, order, doing="refund orders")
    reason = reason.strip()
    if not reason:
        raise PaymentError("Say why the order is refunded: the reason is kept with the order.")
    if request_key and not REQUEST_KEY.match(request_key):
        raise PaymentError("The refund form was altered: reload the order's page and fill it in again.")
    request_key = request_key or uuid.uuid4().hex
    # The Refund row is made under the order's lock and committed before Stripe is asked, so a second
    # request counts it against what is left, and no lock is held while Stripe answers.
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        earlier = Refund.objects.filter(order=order, request_key=request_key).first()
        if earlier is not None:
            return earlier
        refundable = refundable_amount(order)
        if not order.payment_intent_id or refundable <= 0:
            raise PaymentError("This order has nothing left to refund.")
        amount = refundable if amount is None else amount
        if not isinstance(amount, int) or not 0 < amount <= refundable:
            raise PaymentError(
                f"Refund between {money(1, order.currency)} and {money(refundable, order.currency)}: "
                f"{money(refundable, order.currency)} of this order is not refunded or asked for yet."
            )
        refund = Refund.objects.create(
            order=order, amount=amount, reason=reason, requested_by=user, request_key=request_key
        )
    try:
        stripe_refund = gateway.refund_create(
            payment_intent_id=order.payment_intent_id,
            amount=amount,
            metadata={"order_id": str(order.pk), "order_reference": str(order.reference)},
            # A retry of the same request (by the stripe library, or the same form again) refunds once.
            idempotency_key=f"refund-{order.reference}-{request_key}",
        )
    except gateway.PaymentGatewayError as error:
        refund.delete()  # Stripe refunded nothing; the same form sent again asks with the same key
        raise PaymentError(_refund_refused(error)) from error
    if stripe_refund.get("status") in ("failed", "canceled"):
        refund.delete()
        # Stripe made the refund but could not send the money back (a closed card, say): nothing to wait for.
        why = (stripe_refund.get("failure_reason") or "no reason given").replace("_", " ")
        raise PaymentError(f"Stripe could not send the refund back ({why}), so nothing was refunded.")
    refund.stripe_refund_id = stripe_refund.get("id", "")
    refund.save(update_fields=["stripe_refund_id"])
    log(
        instance=order,
        action=REFUND_REQUEST_ACTION,
        user=user,
        data={
            "amount": amount,
            "currency": order.currency,
            "reason": reason,
            "refund": refund.stripe_refund_id,
            "refund_pk": refund.pk,
            "request": request_key,
        },
    )
    return refund


def _refund_refused(error: gateway.PaymentGatewayError) -> str:
    """Why Stripe did not refund, for the reviewer: Stripe's own words where it gave them (the gateway's
    message is written for a buyer, "you have not been charged")."""
    cause = error.__cause__
    if isinstance(cause, stripe.APIConnectionError | stripe.RateLimitError):
        return "Stripe could not be reached, so nothing was refunded. Try again in a minute."
    if isinstance(cause, stripe.AuthenticationError | stripe.PermissionError):
        return "Stripe refused this site's API key, so nothing was refunded. Check STRIPE_SECRET_KEY."
    said = getattr(cause, "user_message", None)
    return (
        f"Stripe refused the refund, so nothing was refunded: {said}"
        if said
        else ("Stripe refused the refund, so nothing was refunded.")
    )


def order_flag_clear(*, user, order: Order, note: str) -> Order:
    """A reviewer marks a flagged order as reviewed: the flag goes, and the audit log keeps what it said
    with the reviewer's note. A later problem flags the order again."""
    _check_may_act(user, order, doing="mark orders reviewed")
    note = note.strip()
    if not note:
        raise PaymentError("Say what you checked or decided: the note is kept in the order's history.")
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.flagged_at is None:
            raise PaymentError("This order is not flagged: someone may have marked it reviewed already.")
        flagged = {"flag_reason": order.flag_reason, "flagged_at": order.flagged_at.isoformat()}
        order.flagged_at = None
        order.flag_reason = ""
        order.save(update_fields=["flagged_at", "flag_reason", "updated_at"])
        log(instance=order, action=REVIEW_ACTION, user=user, data={"note": note, **flagged})
    return order
