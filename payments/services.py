"""Buying a course with Stripe Checkout, and applying what Stripe then reports, each in one transaction.

Fulfilment follows Stripe's guide: it runs from the webhook and from the success page alike, and
is safe to run any number of times for the same session. Every change takes the order's row lock
and only moves its status forward, so two paths racing, a late event or a tenth delivery of the
same one leave the order, and the practitioner's enrollment, as one application would.
"""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from wagtail.log_actions import log

from accounts.selectors import email_is_verified
from courses.models import EnrollmentSource
from courses.selectors import enrollment_for
from courses.services import enrollment_access_end, enrollment_grant
from lms.errors import DomainError
from lms.models import default_provider

from . import gateway
from .models import PAID_STATUSES, Order, OrderStatus, StripeEvent
from .presentation import money, policies_text

# A pending checkout is offered again rather than a second one opened, while it has this long to run.
CHECKOUT_REUSE_MARGIN = timedelta(minutes=10)
# How long an order may wait for Stripe's answer to opening its checkout (the client's timeout and retries).
OPENING = timedelta(minutes=2)


class PaymentError(DomainError):
    """Why a course cannot be bought or an order refunded, fit to show the person."""


def checkout_start(*, user, course, policies_accepted: bool, success_url: str, cancel_url: str) -> Order:
    """The practitioner's order for the course, with a Stripe Checkout Session to pay it on.

    The price and currency come from the course as published, never from the browser. A checkout
    the practitioner already opened for the course is offered again while it is still open, so that
    two tabs cannot take two payments, and none is opened while a bank debit for it is clearing.
    """
    _check_may_buy(user=user, course=course)
    if not policies_accepted:
        raise PaymentError("Read and accept the registration, cancellation and refund policies before paying.")
    with transaction.atomic():
        # One Buy at a time per practitioner: a double click finds the order the first click opened,
        # and asks Stripe with the same idempotency key, so both get the same Checkout Session.
        get_user_model().objects.select_for_update().filter(pk=user.pk).exists()
        _check_no_payment_under_way(user=user, course=course)
        order = _open_checkout(user=user, course=course)
        if order is not None and order.checkout_url:
            return order
        if order is None:
            order = Order.objects.create(
                user=user,
                course=course,
                course_title=course.title,
                amount=course.price_amount,
                currency=course.price_currency.upper(),
                promotion_codes_allowed=settings.STRIPE_ALLOW_PROMOTION_CODES,
                policies_accepted=policies_text(default_provider()),
                policies_accepted_at=timezone.now(),
            )
    # Stripe is asked with no transaction open: a slow answer holds no lock.
    try:
        session = gateway.checkout_session_create(
            params=_checkout_params(order, success_url=success_url, cancel_url=cancel_url),
            idempotency_key=f"checkout-{order.reference}",
        )
    except gateway.PaymentGatewayError as error:
        Order.objects.filter(pk=order.pk).update(status=OrderStatus.FAILED, failure_reason=str(error)[:300])
        raise PaymentError(str(error)) from error
    order.checkout_session_id = session["id"]
    order.checkout_url = session["url"]
    order.checkout_expires_at = datetime.fromtimestamp(session["expires_at"], tz=UTC)
    order.save(update_fields=["checkout_session_id", "checkout_url", "checkout_expires_at", "updated_at"])
    log(instance=order, action="payments.checkout", user=user, data=money_data(order))
    return order


def _check_may_buy(*, user, course) -> None:
    if not gateway.payments_enabled():
        raise PaymentError("Online payment is not configured on this site, so this course cannot be bought here yet.")
    if not course.live or course.is_free:
        raise PaymentError("This course is not for sale.")
    if not email_is_verified(user=user):
        raise PaymentError("Confirm your email address first: we sent you a link when you signed up.")
    if enrollment_for(user=user, course=course) is not None:
        raise PaymentError("You are already enrolled in this course.")


def _check_no_payment_under_way(*, user, course) -> None:
    """Refuses a second checkout while one for the course is complete on Stripe but not fulfilled: a
    bank debit clearing, or a payment a reviewer is checking. Only a completed session gives a pending
    order its PaymentIntent."""
    pending = Order.objects.filter(user=user, course=course, status=OrderStatus.PENDING).exclude(payment_intent_id="")
    under_way = pending.order_by("-created_at").first()
    if under_way is None:
        return
    if under_way.flagged_at:
        raise PaymentError(
            "Our staff are checking your payment for this course: we will email you. Please do not pay again."
        )
    raise PaymentError(
        "Your payment for this course is still being confirmed: bank debits take a few days. You will be "
        "enrolled as soon as it clears, without paying again."
    )


def _open_checkout(*, user, course) -> Order | None:
    """The practitioner's pending order for the course at today's price whose checkout is still open
    on Stripe, or is being opened by another request right now."""
    now = timezone.now()
    return (
        Order.objects.filter(
            Q(checkout_expires_at__gt=now + CHECKOUT_REUSE_MARGIN) | Q(checkout_url="", created_at__gt=now - OPENING),
            user=user,
            course=course,
            status=OrderStatus.PENDING,
            amount=course.price_amount,
            currency=course.price_currency.upper(),
        )
        .order_by("-created_at")
        .first()
    )


def _checkout_params(order: Order, *, success_url: str, cancel_url: str) -> dict:
    metadata = {"order_id": str(order.pk), "order_reference": str(order.reference)}
    params = {
        "mode": "payment",
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": order.currency.lower(),
                    "unit_amount": order.amount,
                    "product_data": {"name": order.course_title, "metadata": {"course_id": str(order.course_id)}},
                },
            }
        ],
        "customer_email": order.user.email,
        "client_reference_id": str(order.pk),
        "metadata": metadata,
        # Stripe emails its receipt to this address once the payment succeeds.
        "payment_intent_data": {
            "metadata": metadata,
            "description": order.course_title,
            "receipt_email": order.user.email,
        },
        "success_url": success_url,
        "cancel_url": cancel_url,
    }
    if order.promotion_codes_allowed:
        params["allow_promotion_codes"] = True
    if settings.STRIPE_AUTOMATIC_TAX:
        params["automatic_tax"] = {"enabled": True}
    return params


def checkout_return(*, user, session_id: str) -> Order:
    """Fulfils the practitioner's order from the success page, by asking Stripe for the session
    rather than waiting for its webhook."""
    order = Order.objects.filter(user=user, checkout_session_id=session_id).first()
    if order is None:
        raise PaymentError("There is no such checkout on your account.")
    try:
        session = gateway.checkout_session_retrieve(session_id)
    except gateway.PaymentGatewayError:
        return order  # the webhook will still fulfil it; the page says the payment is being confirmed
    return checkout_session_apply(session=session, order=order)


def checkout_session_apply(*, session: dict, order: Order) -> Order:
    """Applies a Checkout Session's state to its order: paid (the practitioner is enrolled), or
    still waiting for a delayed payment method. Safe to call any number of times.

    An order is fulfilled once, the first time its session is reported paid (`paid_at` is set then).
    A refund or dispute that Stripe delivered before the payment has already moved the status past
    paid: the status stays where it is; a partial refund or a dispute still enrolls the practitioner,
    a full refund does not.
    """
    with transaction.atomic():
        order = _locked(order)
        noted = _note_session(order, session)
        payable = (
            session.get("payment_status") in ("paid", "no_payment_required")
            and order.paid_at is None
            and order.status != OrderStatus.REFUNDED
        )
        mismatch = _money_mismatch(order, session) if payable else ""
        if mismatch:
            # Money was received all the same: recorded, so that a reviewer can refund it.
            order.amount_paid = session.get("amount_total")
            noted.append("amount_paid")
        if not payable or mismatch:
            if noted:
                order.save(update_fields=[*noted, "updated_at"])
            if mismatch:
                _flag(order, f"Not fulfilled: {mismatch}")
            return order
        if order.moves_forward_to(OrderStatus.PAID):
            order.status = OrderStatus.PAID
        order.paid_at = timezone.now()
        order.amount_paid = session["amount_total"]
        totals = session.get("total_details") or {}
        order.amount_discount = totals.get("amount_discount") or 0
        order.amount_tax = totals.get("amount_tax") or 0
        try:
            with transaction.atomic():
                order.save()
        except IntegrityError:
            # The practitioner already has a paid order for this course (two checkouts, both paid).
            order.refresh_from_db()
            noted = _note_session(order, session)
            order.amount_paid = session["amount_total"]  # received, to be refunded
            order.save(update_fields=[*noted, "amount_paid", "updated_at"])
            _flag(order, _paid_twice(order))
            return order
        enrollment_grant(user=order.user, course=order.course, source=EnrollmentSource.PURCHASE, by=order.user)
        log(instance=order, action="payments.paid", user=order.user, data=money_data(order))
    return order


def _paid_twice(order: Order) -> str:
    other = _other_paid_order(order)
    paid_by = f"order {other.pk}" if other else "another order"
    return (
        f"Paid twice: {paid_by} already paid for this course. Refund this payment (Refund, on this page); "
        "its refund leaves the course open."
    )


def _other_paid_order(order: Order) -> Order | None:
    """The practitioner's other order for the same course that holds its one paid place, if any."""
    return (
        Order.objects.filter(user_id=order.user_id, course_id=order.course_id, status__in=PAID_STATUSES)
        .exclude(pk=order.pk)
        .first()
    )


def _note_session(order: Order, session: dict) -> list[str]:
    """Sets the session's payment and receipt on the order as Stripe reports them; the fields that
    changed, for the caller to save with whatever else it changes."""
    noted = {}
    payment_intent = session.get("payment_intent")
    if isinstance(payment_intent, dict):
        charge = payment_intent.get("latest_charge")
        if isinstance(charge, dict) and charge.get("receipt_url"):
            noted["receipt_url"] = charge["receipt_url"]
        payment_intent = payment_intent.get("id")
    if payment_intent:
        noted["payment_intent_id"] = payment_intent
    if not order.checkout_session_id and session.get("id"):
        noted["checkout_session_id"] = session["id"]
    changed = [field for field, value in noted.items() if getattr(order, field) != value]
    for field in changed:
        setattr(order, field, noted[field])
    return changed


def _money_mismatch(order: Order, session: dict) -> str:
    """Why what Stripe says was paid is not what the order asks for; empty when it matches.
    A promotion code may lower the total only when they are on; tax may be added or included."""
    currency = (session.get("currency") or "").upper()
    if currency != order.currency:
        return f"Stripe reports a payment in {currency or 'no currency'}; the order is in {order.currency}."
    totals = session.get("total_details") or {}
    discount = totals.get("amount_discount") or 0
    tax = totals.get("amount_tax") or 0
    paid = session.get("amount_total")
    allowed = {order.amount - discount + tax, order.amount - discount}
    if (
        session.get("amount_subtotal", order.amount) != order.amount
        or (discount and not order.promotion_codes_allowed)
        or paid not in allowed
    ):
        subtotal = money(session.get("amount_subtotal") or 0, currency)
        return (
            f"Stripe reports {money(paid or 0, currency)} paid (subtotal {subtotal}); "
            f"the order is for {money(order.amount, order.currency)}."
        )
    return ""


# Webhook events ---------------------------------------------------------------------------------


def stripe_event_apply(event: dict) -> str:
    """Applies one verified Stripe event at most once, however often it is delivered, and says what it did.

    The event's id is stored in the transaction that applies it: a repeated delivery finds it and
    changes nothing, and one that fails midway leaves no trace, so Stripe's retry applies it once.
    """
    handler = _EVENT_HANDLERS.get(event.get("type"))
    if handler is None:
        return "ignored: not an event this site acts on"
    if StripeEvent.objects.filter(pk=event["id"]).exists():
        return "duplicate: already applied"
    stripe_object = event["data"]["object"]
    order = _locate(event["type"], stripe_object)
    with transaction.atomic():
        try:
            with transaction.atomic():
                recorded = StripeEvent.objects.create(event_id=event["id"], type=event["type"], outcome="")
        except IntegrityError:
            return "duplicate: already applied"
        outcome = handler(order, stripe_object) if order is not None else "ignored: no order of this site"
        recorded.order = order
        recorded.outcome = outcome[:300]
        recorded.save(update_fields=["order", "outcome"])
    return outcome


def _locate(event_type: str, stripe_object: dict) -> Order | None:
    """The order an event is about: a session names it in its metadata; a charge or dispute is found
    by its payment, or (when it arrives before the session's own event) by asking Stripe for the payment."""
    if event_type.startswith("checkout.session."):
        metadata = stripe_object.get("metadata") or {}
        order = _order_from(metadata, order_id=metadata.get("order_id") or stripe_object.get("client_reference_id"))
        if order is None:
            return None
        if order.checkout_session_id is None:
            # Opening the session failed on this side: only the reference this site sent proves it ours.
            return order if metadata.get("order_reference") == str(order.reference) else None
        return order if order.checkout_session_id == stripe_object.get("id") else None
    payment_intent = stripe_object.get("payment_intent")
    if payment_intent:
        order = Order.objects.filter(payment_intent_id=payment_intent).first()
        if order is not None:
            return order
    metadata = stripe_object.get("metadata") or {}
    if not metadata.get("order_id") and payment_intent:
        metadata = gateway.payment_intent_retrieve(payment_intent).get("metadata") or {}
    order = _order_from(metadata, order_id=metadata.get("order_id"))
    if order is not None and payment_intent and not order.payment_intent_id:
        Order.objects.filter(pk=order.pk).update(payment_intent_id=payment_intent)
        order.payment_intent_id = payment_intent
    return order


def _order_from(metadata: dict, *, order_id) -> Order | None:
    """The order that metadata this site gave Stripe names; None if the reference says it was another database's."""
    if not str(order_id or "").isdigit():
        return None
    order = Order.objects.filter(pk=int(order_id)).first()
    reference = metadata.get("order_reference")
    if order is not None and reference and reference != str(order.reference):
        return None
    return order


def _session_completed(order: Order, session: dict) -> str:
    order = checkout_session_apply(session=session, order=order)
    if order.is_fulfilled:
        return f"order {order.pk} {order.get_status_display().lower()}"
    if order.flagged_at:
        return f"order {order.pk} flagged: {order.flag_reason}"
    return f"order {order.pk} awaiting payment ({session.get('payment_status')})"


def _session_failed(order: Order, session: dict) -> str:
    return _fail(order, "The payment did not go through (the bank declined or the debit failed).")


def _session_expired(order: Order, session: dict) -> str:
    return _fail(order, "The checkout expired before it was paid.")


def _fail(order: Order, reason: str) -> str:
    order = _locked(order)
    if not order.moves_forward_to(OrderStatus.FAILED):
        return f"order {order.pk} stays {order.get_status_display().lower()}"
    order.status = OrderStatus.FAILED
    order.failure_reason = reason
    order.save(update_fields=["status", "failure_reason", "updated_at"])
    log(instance=order, action="payments.failed", user=None, data={"reason": reason})
    return f"order {order.pk} not paid"


def _charge_refunded(order: Order, charge: dict) -> str:
    """Stripe's running total of what it refunded on the charge; a full refund ends the practitioner's
    access to a course they have not completed, unless another of their orders paid for it. A
    completed course keeps its certificate, and the order is flagged for a reviewer to decide on it."""
    order = _locked(order)
    refunded = charge.get("amount_refunded") or 0
    full = bool(charge.get("refunded")) or refunded >= (charge.get("amount") or order.amount_paid or order.amount)
    target = OrderStatus.REFUNDED if full else OrderStatus.PARTIALLY_REFUNDED
    if refunded <= order.amount_refunded and not order.moves_forward_to(target):
        return f"order {order.pk} already shows this refund"
    order.amount_refunded = max(order.amount_refunded, refunded)
    order.refunded_at = timezone.now()
    if charge.get("receipt_url"):
        order.receipt_url = charge["receipt_url"]
    order.save(update_fields=["amount_refunded", "refunded_at", "receipt_url", "updated_at"])
    _move_forward(order, target)
    log(instance=order, action="payments.refunded", user=None, data={**money_data(order), "full": full})
    if not full:
        return f"order {order.pk} partially refunded; access stays"
    other = _other_paid_order(order)
    if other is not None:
        return f"order {order.pk} refunded; access stays, paid for by order {other.pk}"
    ended = enrollment_access_end(user=order.user, course=order.course, reason=f"Order {order.pk} refunded")
    if ended is None and enrollment_for(user=order.user, course=order.course) is not None:
        _flag(
            order, "Refunded after the course was completed: its certificate stays valid. Decide whether to revoke it."
        )
        return f"order {order.pk} refunded after completion; flagged for a reviewer"
    return f"order {order.pk} refunded; access ended"


def _dispute_created(order: Order, dispute: dict) -> str:
    order = _locked(order)
    _move_forward(order, OrderStatus.DISPUTED)
    reason = (dispute.get("reason") or "unstated").replace("_", " ")
    disputed = money(dispute.get("amount") or 0, dispute.get("currency") or order.currency)
    _flag(order, f"Disputed by the cardholder ({reason}, {disputed}): answer it in Stripe's dashboard.")
    return f"order {order.pk} disputed; flagged for a reviewer"


def _move_forward(order: Order, status: str) -> None:
    """Saves the order's status as `status` if that is further along. An order that Stripe says was
    paid while another of the practitioner's orders holds the course's one paid place (paid twice)
    cannot take a paid status: it keeps its own, flagged."""
    if not order.moves_forward_to(status):
        return
    previous, order.status = order.status, status
    try:
        with transaction.atomic():
            order.save(update_fields=["status", "updated_at"])
    except IntegrityError:
        order.status = previous
        _flag(order, _paid_twice(order))


_EVENT_HANDLERS = {
    "checkout.session.completed": _session_completed,
    "checkout.session.async_payment_succeeded": _session_completed,
    "checkout.session.async_payment_failed": _session_failed,
    "checkout.session.expired": _session_expired,
    "charge.refunded": _charge_refunded,
    "charge.dispute.created": _dispute_created,
}


def _locked(order: Order) -> Order:
    return Order.objects.select_for_update().select_related("user", "course").get(pk=order.pk)


def _flag(order: Order, reason: str) -> None:
    if reason in order.flag_reason:
        return
    order.flagged_at = timezone.now()
    order.flag_reason = f"{order.flag_reason}\n{reason}".strip()
    order.save(update_fields=["flagged_at", "flag_reason", "updated_at"])
    log(instance=order, action="payments.flag", user=None, data={"reason": reason})


def money_data(order: Order) -> dict:
    return {
        "course": order.course_id,
        "amount": order.amount,
        "currency": order.currency,
        "amount_paid": order.amount_paid,
        "amount_refunded": order.amount_refunded,
        "status": order.status,
    }
