"""What Stripe's events do to an order and the practitioner's access, however often and in whatever
order Stripe delivers them."""

import uuid

import pytest
import responses
from django.urls import reverse
from wagtail.models import ModelLogEntry

from certificates.tests.factories import issued_certificate
from courses.models import CoursePage, Enrollment
from payments.models import OrderStatus, StripeEvent

from .factories import OrderFactory, deliver, payment_intent_id, stripe_event

pytestmark = pytest.mark.django_db

PAYMENT_INTENTS = "https://api.stripe.com/v1/payment_intents"


@pytest.fixture
def paid_order(client, order):
    assert deliver(client, stripe_event("checkout.session.completed", order=order)).status_code == 200
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    return order


def first_lesson_status(client, order):
    client.force_login(order.user)
    return client.get(order.course.get_children().first().url).status_code


def on_dashboard(client, order):
    client.force_login(order.user)
    return order.course_title in client.get(reverse("courses:dashboard")).text


def payment_intent(order, *, metadata=None):
    """GET /v1/payment_intents/:id as Stripe answers it for the order's payment."""
    if metadata is None:
        metadata = {"order_id": str(order.pk), "order_reference": str(order.reference)}
    return {
        "id": payment_intent_id(order),
        "object": "payment_intent",
        "amount": order.amount,
        "amount_received": order.amount,
        "currency": order.currency.lower(),
        "latest_charge": f"ch_test_order{order.pk:06d}",
        "livemode": False,
        "metadata": metadata,
        "status": "succeeded",
    }


def partial_refund(order, refunded, **fields):
    return stripe_event("charge.refunded", order=order, amount_refunded=refunded, refunded=False, **fields)


def test_ten_deliveries_of_one_event_enroll_once(client, order):
    event = stripe_event("checkout.session.completed", order=order)

    outcomes = [deliver(client, event).json()["outcome"] for _ in range(10)]

    assert outcomes == [f"order {order.pk} paid"] + ["duplicate: already applied"] * 9
    assert Enrollment.objects.filter(user=order.user, course=order.course).count() == 1
    assert StripeEvent.objects.filter(event_id=event["id"]).count() == 1
    assert ModelLogEntry.objects.filter(action="payments.paid").count() == 1
    assert first_lesson_status(client, order) == 200


def test_two_events_about_one_paid_session_enroll_once(client, order):
    deliver(client, stripe_event("checkout.session.completed", order=order))
    deliver(client, stripe_event("checkout.session.async_payment_succeeded", order=order))

    assert Enrollment.objects.count() == 1
    assert StripeEvent.objects.count() == 2
    assert ModelLogEntry.objects.filter(action="payments.paid").count() == 1


def test_a_delayed_payment_enrolls_only_once_it_succeeds(client, order):
    deliver(client, stripe_event("checkout.session.completed.unpaid", order=order))

    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING and order.payment_intent_id == payment_intent_id(order)
    assert not Enrollment.objects.exists()
    assert first_lesson_status(client, order) == 403

    response = deliver(client, stripe_event("checkout.session.async_payment_succeeded", order=order))

    assert response.json()["outcome"] == f"order {order.pk} paid"
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert first_lesson_status(client, order) == 200


def test_a_delayed_payment_that_fails_marks_the_order_not_paid(client, order):
    deliver(client, stripe_event("checkout.session.completed.unpaid", order=order))

    deliver(client, stripe_event("checkout.session.async_payment_failed", order=order))

    order.refresh_from_db()
    assert order.status == OrderStatus.FAILED
    assert order.failure_reason == "The payment did not go through (the bank declined or the debit failed)."
    assert not Enrollment.objects.exists()
    assert ModelLogEntry.objects.filter(action="payments.failed").count() == 1


def test_an_expired_checkout_marks_the_order_not_paid(client, order):
    deliver(client, stripe_event("checkout.session.expired", order=order))

    order.refresh_from_db()
    assert (order.status, order.failure_reason) == (OrderStatus.FAILED, "The checkout expired before it was paid.")
    assert not Enrollment.objects.exists()


@responses.activate
def test_a_refund_that_arrives_before_the_payment_finds_the_order_through_stripe(client, order):
    # Stripe delivered the charge's refund first; the charge names only its PaymentIntent, so the
    # order is found through the PaymentIntent's metadata, asked of Stripe.
    lookup = responses.get(f"{PAYMENT_INTENTS}/{payment_intent_id(order)}", json=payment_intent(order))

    refunded = deliver(client, stripe_event("charge.refunded", order=order))
    completed = deliver(client, stripe_event("checkout.session.completed", order=order))

    assert refunded.status_code == completed.status_code == 200
    assert lookup.call_count == 1
    order.refresh_from_db()
    assert (order.status, order.payment_intent_id) == (OrderStatus.REFUNDED, payment_intent_id(order))
    assert order.paid_at is None
    assert not Enrollment.objects.exists()
    assert first_lesson_status(client, order) == 403
    assert not ModelLogEntry.objects.filter(action="payments.paid").exists()


def test_a_refund_before_a_delayed_payment_is_confirmed_keeps_the_order_refunded(client, order):
    # The unpaid completion recorded the PaymentIntent: the refund finds the order without asking Stripe.
    deliver(client, stripe_event("checkout.session.completed.unpaid", order=order))
    deliver(client, stripe_event("charge.refunded", order=order))

    deliver(client, stripe_event("checkout.session.async_payment_succeeded", order=order))

    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED
    assert not Enrollment.objects.exists()


@responses.activate
def test_a_partial_refund_before_the_payment_still_enrolls_the_practitioner(client, order):
    responses.get(f"{PAYMENT_INTENTS}/{payment_intent_id(order)}", json=payment_intent(order))
    deliver(client, partial_refund(order, 1000))

    deliver(client, stripe_event("checkout.session.completed", order=order))

    order.refresh_from_db()
    assert (order.status, order.amount_paid, order.amount_refunded) == (OrderStatus.PARTIALLY_REFUNDED, 4900, 1000)
    assert order.paid_at is not None
    assert first_lesson_status(client, order) == 200
    assert ModelLogEntry.objects.filter(action="payments.paid").count() == 1


@responses.activate
def test_a_dispute_before_the_payment_still_enrolls_and_stays_flagged(client, order):
    responses.get(f"{PAYMENT_INTENTS}/{payment_intent_id(order)}", json=payment_intent(order))
    deliver(client, stripe_event("charge.dispute.created", order=order))

    deliver(client, stripe_event("checkout.session.completed", order=order))

    order.refresh_from_db()
    assert order.status == OrderStatus.DISPUTED and order.flagged_at is not None
    assert first_lesson_status(client, order) == 200


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"amount_subtotal": 100, "amount_total": 100}, "Stripe reports $1.00 paid (subtotal $1.00)"),
        ({"amount_total": 100}, "Stripe reports $1.00 paid (subtotal $49.00)"),
        ({"currency": "eur"}, "Stripe reports a payment in EUR; the order is in USD."),
        (
            {"amount_total": 3900, "total_details": {"amount_discount": 1000, "amount_shipping": 0, "amount_tax": 0}},
            "Stripe reports $39.00 paid",
        ),
    ],
    ids=["amount", "total below subtotal", "currency", "promotion code while they are off"],
)
def test_a_payment_that_does_not_match_the_order_is_not_fulfilled_and_is_flagged(client, order, fields, reason):
    response = deliver(client, stripe_event("checkout.session.completed", order=order, **fields))

    assert response.status_code == 200  # a 5xx would only make Stripe send the same numbers again
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING and order.paid_at is None
    assert order.flagged_at is not None
    assert order.flag_reason.startswith(f"Not fulfilled: {reason}")
    assert not Enrollment.objects.exists()
    assert ModelLogEntry.objects.filter(action="payments.flag").count() == 1


def test_a_promotion_code_lowers_the_total_when_they_were_on_at_checkout(client, course, settings):
    settings.STRIPE_ALLOW_PROMOTION_CODES = True
    order = OrderFactory(course=course, promotion_codes_allowed=True)
    # Switched off while the checkout was open: what the buyer was offered still stands.
    settings.STRIPE_ALLOW_PROMOTION_CODES = False
    totals = {"amount_discount": 1000, "amount_shipping": 0, "amount_tax": 0}

    deliver(client, stripe_event("checkout.session.completed", order=order, amount_total=3900, total_details=totals))

    order.refresh_from_db()
    assert (order.status, order.amount_paid, order.amount_discount) == (OrderStatus.PAID, 3900, 1000)


def test_tax_stripe_adds_is_paid_on_top_of_the_price(client, order):
    totals = {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 343}

    deliver(client, stripe_event("checkout.session.completed", order=order, amount_total=5243, total_details=totals))

    order.refresh_from_db()
    assert (order.status, order.amount_paid, order.amount_tax) == (OrderStatus.PAID, 5243, 343)


def test_a_partial_refund_keeps_access(client, paid_order):
    deliver(client, partial_refund(paid_order, 1000))
    deliver(client, partial_refund(paid_order, 2500))

    paid_order.refresh_from_db()
    assert (paid_order.status, paid_order.amount_refunded) == (OrderStatus.PARTIALLY_REFUNDED, 2500)
    assert paid_order.amount_paid - paid_order.amount_refunded == 2400
    assert first_lesson_status(client, paid_order) == 200
    assert on_dashboard(client, paid_order)
    assert ModelLogEntry.objects.filter(action="payments.refunded").count() == 2


def test_a_full_refund_ends_access_to_an_unfinished_course(client, paid_order):
    response = deliver(client, stripe_event("charge.refunded", order=paid_order))

    assert response.json()["outcome"] == f"order {paid_order.pk} refunded; access ended"
    paid_order.refresh_from_db()
    assert (paid_order.status, paid_order.amount_refunded) == (OrderStatus.REFUNDED, 4900)
    assert paid_order.refunded_at is not None and paid_order.flagged_at is None
    assert first_lesson_status(client, paid_order) == 403
    assert not on_dashboard(client, paid_order)
    enrollment = Enrollment.objects.get(user=paid_order.user, course=paid_order.course)
    assert enrollment.access_ended_at is not None  # the record and its progress stay


def test_a_full_refund_after_the_certificate_keeps_it_valid_and_flags_the_order(client, catalogue):
    certificate = issued_certificate(catalogue)
    enrollment = certificate.enrollment
    CoursePage.objects.filter(pk=enrollment.course_id).update(price_amount=4900)
    order = OrderFactory(user=enrollment.user, course=CoursePage.objects.get(pk=enrollment.course_id))
    deliver(client, stripe_event("checkout.session.completed", order=order))

    response = deliver(client, stripe_event("charge.refunded", order=order))

    assert response.json()["outcome"] == f"order {order.pk} refunded after completion; flagged for a reviewer"
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED and order.flagged_at is not None
    assert "its certificate stays valid" in order.flag_reason
    verified = client.get(f"/api/v1/certificates/{certificate.code}/")
    assert verified.status_code == 200 and verified.json()["status"] == "valid"
    assert first_lesson_status(client, order) == 200


def test_a_dispute_flags_the_order(client, paid_order):
    response = deliver(client, stripe_event("charge.dispute.created", order=paid_order))

    assert response.json()["outcome"] == f"order {paid_order.pk} disputed; flagged for a reviewer"
    paid_order.refresh_from_db()
    assert paid_order.status == OrderStatus.DISPUTED and paid_order.flagged_at is not None
    assert paid_order.flag_reason == (
        "Disputed by the cardholder (product not received, $49.00): answer it in Stripe's dashboard."
    )
    assert ModelLogEntry.objects.filter(action="payments.flag").count() == 1


@pytest.mark.parametrize(
    ("later", "status"),
    [
        (lambda order: stripe_event("checkout.session.expired", order=order), OrderStatus.PAID),
        (lambda order: stripe_event("checkout.session.async_payment_failed", order=order), OrderStatus.PAID),
        (lambda order: stripe_event("checkout.session.completed.unpaid", order=order), OrderStatus.PAID),
    ],
    ids=["expired", "async failed", "completed unpaid"],
)
def test_a_late_event_never_moves_a_paid_order_backwards(client, paid_order, later, status):
    deliver(client, later(paid_order))

    paid_order.refresh_from_db()
    assert paid_order.status == status
    assert first_lesson_status(client, paid_order) == 200


def test_a_late_partial_refund_never_moves_a_refunded_order_backwards(client, paid_order):
    deliver(client, stripe_event("charge.refunded", order=paid_order))

    deliver(client, partial_refund(paid_order, 1000))
    deliver(client, stripe_event("checkout.session.async_payment_succeeded", order=paid_order))

    paid_order.refresh_from_db()
    assert (paid_order.status, paid_order.amount_refunded) == (OrderStatus.REFUNDED, 4900)
    assert first_lesson_status(client, paid_order) == 403


def test_a_partial_refund_of_a_disputed_order_leaves_it_disputed(client, paid_order):
    deliver(client, stripe_event("charge.dispute.created", order=paid_order))

    deliver(client, partial_refund(paid_order, 1000))

    paid_order.refresh_from_db()
    assert (paid_order.status, paid_order.amount_refunded) == (OrderStatus.DISPUTED, 1000)


def test_an_event_about_another_databases_order_is_ignored(client, order):
    # Staging and the demo share one Stripe test account: their order ids overlap, their references do not.
    event = stripe_event("checkout.session.completed", order=order)
    event["data"]["object"]["metadata"]["order_reference"] = str(uuid.uuid4())

    response = deliver(client, event)

    assert response.json()["outcome"] == "ignored: no order of this site"
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING
    assert not Enrollment.objects.exists()


@responses.activate
def test_a_refund_of_another_databases_order_leaves_access_here(client, paid_order):
    other = payment_intent(paid_order, metadata={"order_id": str(paid_order.pk), "order_reference": str(uuid.uuid4())})
    other["id"] = "pi_test_elsewhere"
    responses.get(f"{PAYMENT_INTENTS}/pi_test_elsewhere", json=other)

    response = deliver(client, stripe_event("charge.refunded", order=paid_order, payment_intent="pi_test_elsewhere"))

    assert response.json()["outcome"] == "ignored: no order of this site"
    paid_order.refresh_from_db()
    assert paid_order.status == OrderStatus.PAID
    assert first_lesson_status(client, paid_order) == 200


def test_a_session_this_site_did_not_open_for_the_order_is_ignored(client, order):
    event = stripe_event("checkout.session.completed", order=order, id="cs_test_someone_elses_session")

    response = deliver(client, event)

    assert response.json()["outcome"] == "ignored: no order of this site"
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING and order.checkout_session_id != "cs_test_someone_elses_session"
    assert not Enrollment.objects.exists()


@responses.activate
def test_an_event_that_fails_answers_500_and_its_retry_applies_it_once(client, paid_order):
    # The charge names only its PaymentIntent and the order does not know it yet (as when a reviewer
    # refunds in Stripe's dashboard before the payment's own event arrived): Stripe must be asked,
    # and its first answer is an error.
    type(paid_order).objects.filter(pk=paid_order.pk).update(payment_intent_id="")
    url = f"{PAYMENT_INTENTS}/{payment_intent_id(paid_order)}"
    error = {"error": {"type": "api_error", "message": "An unknown error occurred"}}
    responses.get(url, status=500, json=error)
    responses.get(url, json=payment_intent(paid_order))
    event = stripe_event("charge.refunded", order=paid_order)

    failed = deliver(client, event)

    assert failed.status_code == 500
    assert failed.json() == {"error": "The event could not be applied; deliver it again."}
    assert not StripeEvent.objects.filter(event_id=event["id"]).exists()
    paid_order.refresh_from_db()
    assert paid_order.status == OrderStatus.PAID
    assert first_lesson_status(client, paid_order) == 200

    retried = [deliver(client, event) for _ in range(2)]

    assert [response.status_code for response in retried] == [200, 200]
    assert retried[1].json()["outcome"] == "duplicate: already applied"
    paid_order.refresh_from_db()
    assert paid_order.status == OrderStatus.REFUNDED
    assert StripeEvent.objects.filter(event_id=event["id"]).count() == 1
    assert ModelLogEntry.objects.filter(action="payments.refunded").count() == 1
    assert first_lesson_status(client, paid_order) == 403


def test_refunding_a_second_payment_for_the_course_keeps_the_access_the_first_bought(client, course):
    # Two checkouts opened in two tabs, both paid: the second is flagged for a refund, and that
    # refund must not take away the course the first one paid for.
    first = OrderFactory(course=course)
    second = OrderFactory(course=course, user=first.user)
    deliver(client, stripe_event("checkout.session.completed", order=first))
    deliver(client, stripe_event("checkout.session.completed", order=second))
    second.refresh_from_db()
    assert second.flag_reason.startswith("Paid twice")
    assert Enrollment.objects.count() == 1

    deliver(client, stripe_event("charge.refunded", order=second))

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (OrderStatus.PAID, OrderStatus.REFUNDED)
    assert first_lesson_status(client, first) == 200
    assert on_dashboard(client, first)


def test_a_dispute_of_a_second_payment_for_the_course_is_flagged_not_failed(client, course):
    first = OrderFactory(course=course)
    second = OrderFactory(course=course, user=first.user)
    deliver(client, stripe_event("checkout.session.completed", order=first))
    deliver(client, stripe_event("checkout.session.completed", order=second))

    response = deliver(client, stripe_event("charge.dispute.created", order=second))

    assert response.status_code == 200  # not a 500 that Stripe would retry for three days
    second.refresh_from_db()
    assert second.status == OrderStatus.PENDING  # the first order holds the course's one paid place
    assert f"order {first.pk} already paid for this course" in second.flag_reason
    assert "Disputed by the cardholder" in second.flag_reason
    first.refresh_from_db()
    assert first.status == OrderStatus.PAID


def test_a_session_for_an_order_whose_checkout_never_opened_here_needs_the_orders_reference(client, course):
    order = OrderFactory(course=course, checkout_session_id=None, checkout_url="")
    foreign = stripe_event("checkout.session.completed", order=order, id="cs_test_elsewhere")
    foreign["data"]["object"]["metadata"] = {"order_id": str(order.pk)}  # no reference: not this site's

    deliver(client, foreign)
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING

    ours = stripe_event("checkout.session.completed", order=order, id="cs_test_lost_answer")
    ours["data"]["object"]["metadata"] = {"order_id": str(order.pk), "order_reference": str(order.reference)}
    deliver(client, ours)
    order.refresh_from_db()
    assert (order.status, order.checkout_session_id) == (OrderStatus.PAID, "cs_test_lost_answer")
