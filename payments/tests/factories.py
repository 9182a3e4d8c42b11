"""Orders as the Buy button leaves them, and Stripe's objects and events as Stripe sends them."""

import copy
import hashlib
import hmac
import itertools
import json
import time
from pathlib import Path

import factory
from django.conf import settings
from django.utils import timezone

from accounts.tests.factories import UserFactory
from courses.tests.factories import CoursePageFactory, LessonPageFactory
from payments.models import Order

DATA = Path(__file__).parent / "data"
_ids = itertools.count(1)


class OrderFactory(factory.django.DjangoModelFactory):
    """A pending order with its Checkout Session open on Stripe, for a paid course."""

    class Meta:
        model = Order

    user = factory.SubFactory(UserFactory, verified_email=True)
    course = None  # a paid CoursePage under the catalogue: the tests give it
    course_title = factory.LazyAttribute(lambda order: order.course.title)
    amount = factory.LazyAttribute(lambda order: order.course.price_amount)
    currency = factory.LazyAttribute(lambda order: order.course.price_currency.upper())
    checkout_session_id = factory.Sequence(lambda n: f"cs_test_order{n:06d}")
    checkout_url = factory.LazyAttribute(lambda order: f"https://checkout.stripe.com/c/pay/{order.checkout_session_id}")
    checkout_expires_at = factory.LazyFunction(lambda: timezone.now() + timezone.timedelta(hours=24))
    policies_accepted = "Refund policy\nIn full within 14 days if no lesson is completed."
    policies_accepted_at = factory.LazyFunction(timezone.now)


def paid_course(catalogue, *, lessons=2, **fields):
    """A published course priced at $49.00 with its lessons, as a provider sells it."""
    course = CoursePageFactory(parent=catalogue, **{"price_amount": 4900, **fields})
    for number in range(1, lessons + 1):
        LessonPageFactory(parent=course, title=f"Lesson {number}")
    return course


def stripe_event(name: str, *, order: Order | None = None, event_id: str | None = None, **fields) -> dict:
    """The documented event in data/<name>.json, about `order`, with the object's `fields` changed."""
    event = copy.deepcopy(json.loads((DATA / f"{name}.json").read_text()))
    event["id"] = event_id or f"evt_test_{next(_ids):08d}"
    event["created"] = int(time.time())
    stripe_object = event["data"]["object"]
    if order is not None:
        if stripe_object["object"] == "checkout.session":
            stripe_object.update(
                id=order.checkout_session_id,
                client_reference_id=str(order.pk),
                metadata={"order_id": str(order.pk), "order_reference": str(order.reference)},
                amount_subtotal=order.amount,
                amount_total=order.amount,
                currency=order.currency.lower(),
                customer_email=order.user.email,
            )
            if stripe_object.get("payment_intent"):
                stripe_object["payment_intent"] = payment_intent_id(order)
        else:
            stripe_object.update(payment_intent=payment_intent_id(order), currency=order.currency.lower())
            stripe_object["amount"] = order.amount
            if stripe_object["object"] == "charge":
                stripe_object["amount_captured"] = order.amount
                stripe_object["amount_refunded"] = order.amount
    stripe_object.update(fields)
    return event


def payment_intent_id(order: Order) -> str:
    return f"pi_test_order{order.pk:06d}"


def signature_header(payload: str, *, secret: str | None = None, timestamp: int | None = None) -> str:
    """The Stripe-Signature header Stripe sends: t=<unix time>,v1=<HMAC-SHA256 of "t.payload">."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    secret = settings.STRIPE_WEBHOOK_SECRET if secret is None else secret
    # Computed here rather than with the library's own helper, so that a signing mismatch would show.
    signature = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={signature}"


def deliver(client, event: dict, **signing):
    """Posts the event to the webhook as Stripe does, signed with the endpoint's secret."""
    payload = json.dumps(event)
    return client.post(
        "/payments/stripe/webhook/",
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature_header(payload, **signing),
    )


def checkout_session(order: Order, **fields) -> dict:
    """The Checkout Session as Stripe's API returns it for the order (GET /v1/checkout/sessions/:id),
    its payment and charge expanded."""
    session = stripe_event("checkout.session.completed", order=order)["data"]["object"]
    session["payment_intent"] = {
        "id": payment_intent_id(order),
        "object": "payment_intent",
        "amount": order.amount,
        "currency": order.currency.lower(),
        "status": "succeeded",
        "metadata": {"order_id": str(order.pk), "order_reference": str(order.reference)},
        "latest_charge": {
            "id": f"ch_test_order{order.pk:06d}",
            "object": "charge",
            "amount": order.amount,
            "receipt_url": f"https://pay.stripe.com/receipts/payment/test_{order.pk}",
        },
    }
    session.update(fields)
    return session


def post_webhook(client, payload: str, signature: str | None):
    """Posts a body to the webhook as it stands, with the Stripe-Signature header given (none if None)."""
    headers = {} if signature is None else {"HTTP_STRIPE_SIGNATURE": signature}
    return client.post("/payments/stripe/webhook/", data=payload, content_type="application/json", **headers)
