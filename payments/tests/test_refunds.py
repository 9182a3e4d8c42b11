"""Refunds from an order's page in the Wagtail admin: Stripe is asked (POST /v1/refunds, answered here at
the HTTP layer), the order changes only when Stripe's charge.refunded confirms it; and flagged orders
marked as reviewed."""

import html
import threading
from urllib.parse import parse_qs

import pytest
import requests
import responses
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from accounts.tests.factories import UserFactory
from courses.models import Enrollment
from courses.services import REVIEWERS, authoring_roles_setup
from courses.tests.factories import CoursePageFactory
from lms.errors import NotPermitted
from lms.money import minor_units
from payments import refunds
from payments.models import Order, OrderStatus, Refund
from payments.tests.factories import OrderFactory, deliver, payment_intent_id, stripe_event

STRIPE_REFUNDS = "https://api.stripe.com/v1/refunds"
REQUESTED = "Refund requested; the order shows it once Stripe confirms."
DISPUTED = "Charge ch_1 has been charged back; cannot issue a refund."


@pytest.fixture
def order(client, course):
    """An order paid through Stripe Checkout, as the webhook left it: paid, and the practitioner enrolled."""
    order = OrderFactory(course=course)
    assert deliver(client, stripe_event("checkout.session.completed", order=order)).status_code == 200
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    return order


@pytest.fixture
def stripe_api():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as api:
        yield api


def refund_answer(api, *, amount=4900, refund_id="re_test_0001", status=200, body=None):
    """Stripe's answer to POST /v1/refunds: the refund object, or an error body."""
    body = body or {
        "id": refund_id,
        "object": "refund",
        "amount": amount,
        "currency": "usd",
        "payment_intent": "pi_test",
        "status": "succeeded",
    }
    api.post(STRIPE_REFUNDS, json=body, status=status)


def sent(api) -> list[dict]:
    """The refunds asked of Stripe: each request's form fields and idempotency key."""
    return [
        {
            **{key: values[0] for key, values in parse_qs(call.request.body).items()},
            "key": call.request.headers.get("Idempotency-Key"),
        }
        for call in api.calls
        if call.request.url.startswith(STRIPE_REFUNDS)
    ]


def text(response) -> str:
    """The page as a person reads it (apostrophes and quotes unescaped)."""
    return html.unescape(response.content.decode())


def page_of(client, order):
    return client.get(reverse("payments_orders:inspect", args=[order.pk]))


def refund(client, order, *, follow=True, **fields):
    page = page_of(client, order).content.decode()
    key = page.split('name="request_key" value="', 1)[1].split('"', 1)[0] if 'name="request_key"' in page else ""
    data = {"amount": "49.00", "reason": "Canceled within 14 days, no lesson completed", "request_key": key, **fields}
    return client.post(reverse("payments_orders:refund", args=[order.pk]), data, follow=follow)


def refund_requests(order):
    return list(ModelLogEntry.objects.for_instance(order).filter(action="payments.refund_request"))


def test_a_full_refund_is_asked_of_stripe_and_the_order_waits_for_its_confirmation(client, reviewer, order, stripe_api):
    refund_answer(stripe_api)
    client.force_login(reviewer)

    form = page_of(client, order).content.decode()
    response = refund(client, order)

    assert 'name="amount" value="49.00"' in form  # the whole refundable amount by default
    assert response.status_code == 200 and REQUESTED.replace("Refund", "Refund of $49.00") in text(response)
    [asked] = sent(stripe_api)
    assert (asked["payment_intent"], asked["amount"], asked["metadata[order_id]"]) == (
        payment_intent_id(order),
        "4900",
        str(order.pk),
    )
    assert asked["key"].startswith(f"refund-{order.reference}-")
    recorded = Refund.objects.get()
    assert (recorded.amount, recorded.requested_by, recorded.stripe_refund_id) == (4900, reviewer, "re_test_0001")
    [entry] = refund_requests(order)
    assert entry.user == reviewer
    assert (entry.data["amount"], entry.data["reason"]) == (4900, "Canceled within 14 days, no lesson completed")
    order.refresh_from_db()
    assert (order.status, order.amount_refunded) == (OrderStatus.PAID, 0)
    assert Enrollment.objects.with_access().filter(user=order.user, course=order.course).exists()
    page = text(response)
    assert "Canceled within 14 days, no lesson completed" in page and "re_test_0001" in page
    assert "Stripe has not confirmed $49.00 of these yet" in page
    assert "Refund through Stripe" not in page  # nothing is left to ask for until Stripe says otherwise


def test_stripes_confirmation_refunds_the_order_and_ends_access_to_the_unfinished_course(
    client, reviewer, order, stripe_api
):
    refund_answer(stripe_api)
    client.force_login(reviewer)
    refund(client, order)

    assert deliver(client, stripe_event("charge.refunded", order=order)).status_code == 200

    order.refresh_from_db()
    assert (order.status, order.amount_refunded) == (OrderStatus.REFUNDED, 4900)
    assert not Enrollment.objects.with_access().filter(user=order.user, course=order.course).exists()
    page = page_of(client, order).content.decode()
    assert "Refunded" in page and "Refund confirmed by Stripe" in page and "Refund through Stripe" not in page
    assert "has not confirmed" not in page


def test_a_partial_refund_in_dollars_and_cents_is_sent_in_cents(client, reviewer, order, stripe_api):
    refund_answer(stripe_api, amount=1050)
    client.force_login(reviewer)

    response = refund(client, order, amount=" $10.50 ")

    assert "Refund of $10.50 requested" in text(response)
    assert [asked["amount"] for asked in sent(stripe_api)] == ["1050"]
    assert Refund.objects.get().amount == 1050


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("49.01", "Refund between $0.01 and $49.00"),
        ("10.505", "USD amounts have 2 decimal places."),
        ("0", "Give an amount above zero."),
        ("-5", "Give an amount above zero."),
        ("ten dollars", "is not an amount of money."),
        ("1e400", "is not an amount of money."),
        ("NaN", "is not an amount of money."),
        ("", "Give the amount to refund."),
    ],
)
def test_an_amount_that_cannot_be_refunded_is_refused_and_nothing_is_asked(
    client, reviewer, order, stripe_api, amount, message
):
    refund_answer(stripe_api)
    client.force_login(reviewer)

    response = refund(client, order, amount=amount)

    assert response.status_code == 200
    assert message in text(response)
    assert (sent(stripe_api), Refund.objects.count(), refund_requests(order)) == ([], 0, [])


def test_a_refund_needs_a_reason(client, reviewer, order, stripe_api):
    client.force_login(reviewer)

    response = refund(client, order, reason="   ")

    assert "Say why the order is refunded" in text(response)
    assert (sent(stripe_api), Refund.objects.count()) == ([], 0)


def test_an_unpaid_order_has_nothing_to_refund(client, reviewer, course, stripe_api):
    pending = OrderFactory(course=course)
    client.force_login(reviewer)

    page = page_of(client, pending).content.decode()
    response = refund(client, pending)

    assert "Refund through Stripe" not in page
    assert "This order has nothing left to refund." in text(response)
    assert (sent(stripe_api), Refund.objects.count()) == ([], 0)


def test_a_refund_not_yet_confirmed_counts_against_what_is_left(client, reviewer, order, stripe_api):
    refund_answer(stripe_api, amount=2000, refund_id="re_first")
    refund_answer(stripe_api, amount=2900, refund_id="re_second")
    client.force_login(reviewer)
    refund(client, order, amount="20.00")

    form = page_of(client, order).content.decode()
    too_much = refund(client, order, amount="49.00").content.decode()
    rest = refund(client, order, amount="29.00").content.decode()

    assert 'name="amount" value="29.00"' in form
    assert "Refund between $0.01 and $29.00" in too_much
    assert "Refund of $29.00 requested" in rest
    assert [asked["amount"] for asked in sent(stripe_api)] == ["2000", "2900"]
    assert "This order has nothing left to refund." in refund(client, order, amount="1.00").content.decode()


def test_what_is_left_counts_stripes_confirmations_and_refunds_made_in_its_dashboard(
    client, reviewer, order, stripe_api
):
    refund_answer(stripe_api, amount=1000, refund_id="re_admin")
    client.force_login(reviewer)
    # $5.00 refunded in Stripe's dashboard, then $10.00 asked for here and confirmed: $15.00 in all.
    partial = {"amount_refunded": 500, "refunded": False}
    assert deliver(client, stripe_event("charge.refunded", order=order, **partial)).status_code == 200
    refund(client, order, amount="10.00")
    before_confirmation = page_of(client, order).content.decode()
    confirmed = {"amount_refunded": 1500, "refunded": False}
    assert deliver(client, stripe_event("charge.refunded", order=order, **confirmed)).status_code == 200

    after_confirmation = page_of(client, order).content.decode()

    assert 'name="amount" value="34.00"' in before_confirmation
    assert 'name="amount" value="34.00"' in after_confirmation
    order.refresh_from_db()
    assert (order.status, order.amount_refunded) == (OrderStatus.PARTIALLY_REFUNDED, 1500)


def test_the_same_form_sent_twice_refunds_once(client, reviewer, order, stripe_api):
    refund_answer(stripe_api, amount=1000)
    client.force_login(reviewer)
    page = page_of(client, order).content.decode()
    key = page.split('name="request_key" value="', 1)[1].split('"', 1)[0]
    data = {"amount": "10.00", "reason": "Late start", "request_key": key}
    url = reverse("payments_orders:refund", args=[order.pk])

    first = client.post(url, data, follow=True)
    second = client.post(url, data, follow=True)

    assert "Refund of $10.00 requested" in first.content.decode()
    assert "Refund of $10.00 requested" in second.content.decode()
    assert (len(sent(stripe_api)), Refund.objects.count(), len(refund_requests(order))) == (1, 1, 1)


def test_an_altered_request_key_is_refused(client, reviewer, order, stripe_api):
    client.force_login(reviewer)

    response = refund(client, order, request_key="x'; DROP")

    assert "The refund form was altered" in text(response)
    assert (sent(stripe_api), Refund.objects.count()) == ([], 0)


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (
            {
                "status": 400,
                "body": {
                    "error": {
                        "type": "invalid_request_error",
                        "code": "charge_disputed",
                        "message": "Charge ch_1 has been charged back; cannot issue a refund.",
                    }
                },
            },
            "Stripe refused the refund, so nothing was refunded: Charge ch_1 has been charged back",
        ),
        (
            {"status": 401, "body": {"error": {"type": "invalid_request_error", "message": "Invalid API Key"}}},
            "Stripe refused this site's API key, so nothing was refunded.",
        ),
    ],
)
def test_stripe_refusing_the_refund_is_said_and_changes_nothing(client, reviewer, order, stripe_api, answer, message):
    refund_answer(stripe_api, **answer)
    client.force_login(reviewer)

    response = refund(client, order)

    assert response.status_code == 200 and message in text(response)
    assert "You have not been charged" not in text(response)
    assert (Refund.objects.count(), refund_requests(order)) == (0, [])
    order.refresh_from_db()
    assert (order.status, order.amount_refunded) == (OrderStatus.PAID, 0)


def test_a_refund_stripe_could_not_send_back_is_said_and_not_counted(client, reviewer, order, stripe_api):
    failed = {
        "id": "re_failed",
        "object": "refund",
        "amount": 4900,
        "status": "failed",
        "failure_reason": "expired_or_canceled_card",
    }
    refund_answer(stripe_api, body=failed)
    client.force_login(reviewer)

    response = refund(client, order)

    assert "Stripe could not send the refund back (expired or canceled card), so nothing was refunded." in text(
        response
    )
    assert (Refund.objects.count(), refund_requests(order)) == (0, [])
    assert 'name="amount" value="49.00"' in text(response)


def test_stripe_out_of_reach_is_said_and_changes_nothing(client, reviewer, order, stripe_api):
    stripe_api.post(STRIPE_REFUNDS, body=ConnectionError("connection refused"))
    client.force_login(reviewer)

    response = refund(client, order)

    assert "Stripe could not be reached, so nothing was refunded. Try again in a minute." in text(response)
    assert (Refund.objects.count(), refund_requests(order)) == (0, [])


def test_refunding_needs_the_refund_permission(client, course, order, stripe_api):
    from django.contrib.auth.models import Group, Permission

    viewers, _ = Group.objects.get_or_create(name="Order viewers")
    viewers.permissions.add(
        Permission.objects.get(codename="access_admin"), Permission.objects.get(codename="view_order")
    )
    client.force_login(UserFactory(email="bookkeeper@example.com", groups=["Order viewers"], totp=True))

    response = refund(client, order, request_key="")

    assert "Only reviewers can refund orders." in text(response)
    assert (sent(stripe_api), Refund.objects.count()) == ([], 0)


def test_refunding_needs_two_factor_authentication_even_outside_the_admin(course, order, stripe_api):
    without_mfa = UserFactory(email="new-reviewer@example.com", groups=[REVIEWERS], totp=False)

    with pytest.raises(NotPermitted, match="two-factor"):
        refunds.order_refund(user=without_mfa, order=order, amount=None, reason="Canceled")

    assert (sent(stripe_api), Refund.objects.count()) == ([], 0)


def test_a_reviewer_does_not_refund_or_clear_the_flag_on_their_own_order(client, reviewer, course, stripe_api):
    own = OrderFactory(course=course, user=reviewer)
    assert deliver(client, stripe_event("checkout.session.completed", order=own)).status_code == 200
    assert deliver(client, stripe_event("charge.dispute.created", order=own)).status_code == 200
    client.force_login(reviewer)

    refused = text(refund(client, own))
    not_cleared = text(review(client, own))

    assert "This is your own order: another reviewer must act on it." in refused
    assert "This is your own order: another reviewer must act on it." in not_cleared
    own.refresh_from_db()
    assert (sent(stripe_api), Refund.objects.count(), own.flagged_at is not None) == ([], 0, True)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_reviewers_refunding_at_once_refund_once(catalogue):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    authoring_roles_setup(catalogue=catalogue)
    course = CoursePageFactory(parent=catalogue, price_amount=4900)
    reviewers = [UserFactory(email=f"reviewer{n}@example.com", groups=[REVIEWERS]) for n in range(2)]
    paid = OrderFactory(course=course, status=OrderStatus.PAID, amount_paid=4900, paid_at=timezone.now())
    Order.objects.filter(pk=paid.pk).update(payment_intent_id=payment_intent_id(paid))
    barrier = threading.Barrier(2)
    outcomes = []

    def ask(reviewer):
        try:
            barrier.wait()
            refunds.order_refund(user=reviewer, order=paid, amount=None, reason="Double click")
            outcomes.append("refunded")
        except refunds.PaymentError as error:
            outcomes.append(str(error))
        finally:
            connection.close()

    with responses.RequestsMock() as api:
        refund_answer(api)
        threads = [threading.Thread(target=ask, args=(reviewer,)) for reviewer in reviewers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        calls = len(api.calls)

    assert sorted(outcomes) == ["This order has nothing left to refund.", "refunded"]
    assert (calls, Refund.objects.count()) == (1, 1)


# Marking a flagged order reviewed -------------------------------------------------------------------------


@pytest.fixture
def disputed(client, order):
    assert deliver(client, stripe_event("charge.dispute.created", order=order)).status_code == 200
    order.refresh_from_db()
    assert order.flagged_at is not None
    return order


def review(client, order, note="Evidence sent to Stripe; the certificate stays."):
    return client.post(reverse("payments_orders:review", args=[order.pk]), {"note": note}, follow=True)


def test_a_reviewer_marks_a_flagged_order_reviewed_and_the_history_keeps_the_flag(client, reviewer, disputed):
    client.force_login(reviewer)
    flag_reason = disputed.flag_reason

    flagged_page = page_of(client, disputed).content.decode()
    response = review(client, disputed)

    assert "Mark reviewed" in flagged_page and "Flagged for review" in flagged_page
    page = text(response)
    assert f"Order {disputed.pk} is marked reviewed; its flag is cleared." in page
    assert "Evidence sent to Stripe; the certificate stays." in page and "Flagged order marked reviewed" in page
    assert "Mark reviewed</button>" not in page
    disputed.refresh_from_db()
    assert (disputed.flagged_at, disputed.flag_reason, disputed.status) == (None, "", OrderStatus.DISPUTED)
    entry = ModelLogEntry.objects.for_instance(disputed).get(action="payments.review")
    assert entry.user == reviewer
    assert entry.data["note"] == "Evidence sent to Stripe; the certificate stays."
    assert entry.data["flag_reason"] == flag_reason
    listing = client.get(reverse("payments_orders:index"), {"flagged": "true"}).content.decode()
    assert f"/admin/orders/inspect/{disputed.pk}/" not in listing


def test_marking_reviewed_needs_a_note_and_a_flag(client, reviewer, disputed, order):
    client.force_login(reviewer)

    without_note = review(client, disputed, note=" ").content.decode()
    disputed.refresh_from_db()
    assert "Say what you checked or decided" in without_note and disputed.flagged_at is not None

    review(client, disputed)
    again = review(client, disputed).content.decode()
    assert "This order is not flagged" in again
    assert ModelLogEntry.objects.for_instance(disputed).filter(action="payments.review").count() == 1


def test_marking_reviewed_needs_the_refund_permission(client, disputed):
    from django.contrib.auth.models import Group, Permission

    viewers, _ = Group.objects.get_or_create(name="Order viewers")
    viewers.permissions.add(
        Permission.objects.get(codename="access_admin"), Permission.objects.get(codename="view_order")
    )
    client.force_login(UserFactory(email="bookkeeper@example.com", groups=["Order viewers"]))

    response = review(client, disputed)

    assert "Only reviewers can mark orders reviewed." in text(response)
    disputed.refresh_from_db()
    assert disputed.flagged_at is not None
    assert not ModelLogEntry.objects.for_instance(disputed).filter(action="payments.review").exists()


def test_a_new_problem_flags_a_reviewed_order_again(client, reviewer, disputed):
    client.force_login(reviewer)
    review(client, disputed)

    second = stripe_event("charge.dispute.created", order=disputed, reason="fraudulent")
    assert deliver(client, second).status_code == 200

    disputed.refresh_from_db()
    assert disputed.flagged_at is not None and "fraudulent" in disputed.flag_reason


@pytest.mark.parametrize(
    ("typed", "currency", "minor"),
    [("49", "USD", 4900), ("49.5", "USD", 4950), ("1,234.56", "USD", 123456), ("$0.01", "USD", 1), ("500", "JPY", 500)],
)
def test_amounts_typed_in_major_units_read_as_minor_units(typed, currency, minor):
    assert minor_units(typed, currency) == minor


def test_a_yen_amount_has_no_decimal_places():
    with pytest.raises(ValueError, match="JPY amounts have no decimal places"):
        minor_units("500.5", "JPY")


def test_a_payment_received_but_not_fulfilled_can_be_refunded(client, reviewer, course, stripe_api):
    order = OrderFactory(course=course)
    deliver(client, stripe_event("checkout.session.completed", order=order, amount_total=100))
    order.refresh_from_db()
    assert (order.status, order.amount_paid, bool(order.flagged_at)) == (OrderStatus.PENDING, 100, True)
    refund_answer(stripe_api, amount=100)
    client.force_login(reviewer)

    response = refund(client, order, amount="1.00")

    assert REQUESTED.replace("Refund", "Refund of $1.00") in text(response)
    assert [request["amount"] for request in sent(stripe_api)] == ["100"]
    assert Refund.objects.get(order=order).amount == 100


def test_a_refund_stripe_cannot_make_leaves_no_refund_request(client, reviewer, order, stripe_api):
    stripe_api.post(STRIPE_REFUNDS, body=requests.ConnectionError("Connection refused"))
    client.force_login(reviewer)

    response = refund(client, order)

    assert "Stripe could not be reached, so nothing was refunded." in text(response)
    assert not Refund.objects.exists()
    assert refund_requests(order) == []
