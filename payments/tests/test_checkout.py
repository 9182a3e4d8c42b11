"""Buying a course: the Checkout Session this site asks Stripe for, what the practitioner sees when
Stripe refuses, and the success page that enrolls without waiting for the webhook."""

import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from accounts.tests.factories import UserFactory
from courses.models import Enrollment, EnrollmentSource
from courses.tests.factories import EnrollmentFactory
from payments.models import Order, OrderStatus

from .factories import OrderFactory, checkout_session, deliver, paid_course, stripe_event

pytestmark = pytest.mark.django_db

SESSIONS = "https://api.stripe.com/v1/checkout/sessions"


@pytest.fixture
def stripe_api():
    """Stripe's API as these tests answer it; a request they did not expect fails the test."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as api:
        yield api


@pytest.fixture
def course(catalogue):
    return paid_course(catalogue, price_amount=5900, price_currency="USD")


@pytest.fixture
def practitioner(client):
    user = UserFactory(verified_email=True, email="jordan.rivera@example.com")
    client.force_login(user)
    return user


def buy_url(course):
    return reverse("payments:checkout", args=[course.pk])


def new_session(session_id="cs_test_new0001", **fields):
    """POST /v1/checkout/sessions as Stripe answers it: an open session on its hosted page."""
    return {
        "id": session_id,
        "object": "checkout.session",
        "amount_subtotal": 5900,
        "amount_total": 5900,
        "currency": "usd",
        "expires_at": int(time.time()) + 24 * 3600,
        "livemode": False,
        "mode": "payment",
        "payment_status": "unpaid",
        "status": "open",
        "url": f"https://checkout.stripe.com/c/pay/{session_id}",
        **fields,
    }


def sent(call) -> dict:
    """The form-encoded parameters of a request the stripe library sent, one value each."""
    body = call.request.body
    body = body.decode() if isinstance(body, bytes) else body
    return {key: values[0] for key, values in parse_qs(body).items()}


def test_the_checkout_session_carries_the_courses_price_whatever_the_form_posts(
    client, course, practitioner, stripe_api
):
    stripe_api.post(SESSIONS, json=new_session())

    response = client.post(
        buy_url(course),
        {"accept_policies": "on", "amount": "100", "currency": "eur", "price": "1", "unit_amount": "1"},
    )

    assert response.status_code == 302
    assert response.url == "https://checkout.stripe.com/c/pay/cs_test_new0001"
    [call] = stripe_api.calls
    params = sent(call)
    assert params["line_items[0][price_data][unit_amount]"] == "5900"
    assert params["line_items[0][price_data][currency]"] == "usd"
    assert params["line_items[0][price_data][product_data][name]"] == course.title
    assert params["line_items[0][quantity]"] == "1"
    assert params["mode"] == "payment"
    order = Order.objects.get()
    assert (order.amount, order.currency, order.status) == (5900, "USD", OrderStatus.PENDING)
    assert order.checkout_session_id == "cs_test_new0001"


def test_the_checkout_session_names_the_buyer_and_the_order_and_is_sent_once(client, course, practitioner, stripe_api):
    stripe_api.post(SESSIONS, json=new_session())

    client.post(buy_url(course), {"accept_policies": "on"})

    order = Order.objects.get()
    [call] = stripe_api.calls
    params = sent(call)
    assert params["customer_email"] == "jordan.rivera@example.com"
    assert params["client_reference_id"] == str(order.pk)
    assert params["metadata[order_id]"] == str(order.pk)
    assert params["metadata[order_reference]"] == str(order.reference)
    assert params["payment_intent_data[metadata][order_id]"] == str(order.pk)
    success = urlsplit(params["success_url"])
    assert (success.path, success.query) == (reverse("payments:checkout_success"), "session_id={CHECKOUT_SESSION_ID}")
    assert urlsplit(params["cancel_url"]).path == reverse("payments:checkout_canceled", args=[course.pk])
    assert call.request.headers["Idempotency-Key"] == f"checkout-{order.reference}"
    assert call.request.headers["Authorization"] == "Bearer sk_test_suite"
    assert "allow_promotion_codes" not in params
    [opened] = ModelLogEntry.objects.filter(action="payments.checkout")
    assert opened.user_id == practitioner.pk


def test_promotion_codes_are_offered_only_when_the_setting_is_on(client, course, practitioner, stripe_api, settings):
    settings.STRIPE_ALLOW_PROMOTION_CODES = True
    stripe_api.post(SESSIONS, json=new_session())

    client.post(buy_url(course), {"accept_policies": "on"})

    assert sent(stripe_api.calls[0])["allow_promotion_codes"] == "true"


def test_without_accepting_the_policies_nothing_reaches_stripe(client, course, practitioner, stripe_api):
    response = client.post(buy_url(course), {})

    assert response.status_code == 400
    assert "Read and accept the policies before paying." in response.text
    assert len(stripe_api.calls) == 0
    assert not Order.objects.exists()


def _server_error(api):
    api.post(SESSIONS, status=500, json={"error": {"type": "api_error", "message": "An unknown error occurred"}})
    return "The payment service had a problem on its side. You have not been charged. Try again in a minute."


def _card_declined(api):
    error = {
        "type": "card_error",
        "code": "card_declined",
        "decline_code": "generic_decline",
        "message": "Your card was declined.",
        "param": "",
    }
    api.post(SESSIONS, status=402, json={"error": error})
    return "Your card was declined. You have not been charged."


def _out_of_reach(api):
    api.post(SESSIONS, body=requests.ConnectionError("Connection refused"))
    return "The payment service could not be reached. You have not been charged; please try again in a minute."


def _bad_key(api):
    error = {"type": "invalid_request_error", "message": "Invalid API Key provided: sk_test_****uite"}
    api.post(SESSIONS, status=401, json={"error": error})
    return "Online payment is misconfigured on our side. You have not been charged; we have been told."


@pytest.mark.parametrize("stripe_answers", [_server_error, _card_declined, _out_of_reach, _bad_key])
def test_a_stripe_error_on_buy_is_explained_and_leaves_no_paid_order(
    client, course, practitioner, stripe_api, stripe_answers
):
    message = stripe_answers(stripe_api)

    response = client.post(buy_url(course), {"accept_policies": "on"})

    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'")
    order = Order.objects.get()
    assert (order.status, order.failure_reason) == (OrderStatus.FAILED, message)
    assert not Enrollment.objects.exists()
    assert "Invalid API Key" not in response.text  # Stripe's words for developers stay in the logs


def test_after_a_stripe_error_the_practitioner_can_buy_again(client, course, practitioner, stripe_api):
    _server_error(stripe_api)
    client.post(buy_url(course), {"accept_policies": "on"})
    stripe_api.post(SESSIONS, json=new_session())

    response = client.post(buy_url(course), {"accept_policies": "on"})

    assert response.status_code == 302
    assert [order.status for order in Order.objects.order_by("pk")] == [OrderStatus.FAILED, OrderStatus.PENDING]
    first, second = (call.request.headers["Idempotency-Key"] for call in stripe_api.calls)
    assert first != second  # a new order is a new purchase to Stripe


def test_a_second_buy_while_the_checkout_is_open_returns_to_it(client, course, practitioner, stripe_api):
    stripe_api.post(SESSIONS, json=new_session())

    first = client.post(buy_url(course), {"accept_policies": "on"})
    second = client.post(buy_url(course), {"accept_policies": "on"})

    assert first.url == second.url == "https://checkout.stripe.com/c/pay/cs_test_new0001"
    assert len(stripe_api.calls) == 1
    assert Order.objects.count() == 1


def test_a_checkout_about_to_expire_is_not_offered_again(client, course, practitioner, stripe_api):
    OrderFactory(user=practitioner, course=course, checkout_expires_at=timezone.now() + timezone.timedelta(minutes=5))
    stripe_api.post(SESSIONS, json=new_session())

    response = client.post(buy_url(course), {"accept_policies": "on"})

    assert response.url == "https://checkout.stripe.com/c/pay/cs_test_new0001"
    assert len(stripe_api.calls) == 1


def test_an_enrolled_practitioner_is_not_sold_the_course_again(client, course, practitioner, stripe_api):
    EnrollmentFactory(user=practitioner, course=course, source=EnrollmentSource.PURCHASE)

    response = client.post(buy_url(course), {"accept_policies": "on"}, follow=True)

    assert "already enrolled" in response.text
    assert len(stripe_api.calls) == 0
    assert not Order.objects.exists()


def test_a_practitioner_who_has_not_confirmed_their_email_cannot_buy(client, course, stripe_api):
    client.force_login(UserFactory())

    response = client.post(buy_url(course), {"accept_policies": "on"})

    assert response.status_code == 400
    assert "Confirm your email address" in response.text
    assert len(stripe_api.calls) == 0
    assert not Order.objects.exists()


def test_without_a_stripe_key_buying_says_online_payment_is_not_configured(
    client, course, practitioner, stripe_api, settings
):
    settings.STRIPE_SECRET_KEY = ""

    page = client.get(buy_url(course))
    response = client.post(buy_url(course), {"accept_policies": "on"})

    message = "Online payment is not configured on this site, so this course cannot be bought here yet."
    assert message in page.text and message in response.text
    assert len(stripe_api.calls) == 0
    assert not Order.objects.exists()


# The success page ---------------------------------------------------------------------------------


def success_url(session_id):
    return f"{reverse('payments:checkout_success')}?session_id={session_id}"


def test_the_success_page_enrolls_at_once_and_opens_the_first_lesson(client, course, practitioner, stripe_api):
    order = OrderFactory(user=practitioner, course=course)
    retrieve = stripe_api.get(f"{SESSIONS}/{order.checkout_session_id}", json=checkout_session(order))

    response = client.get(success_url(order.checkout_session_id))

    first_lesson = course.get_children().first()
    assert response.status_code == 302 and response.url == first_lesson.url
    assert retrieve.call_count == 1
    assert parse_qs(urlsplit(stripe_api.calls[0].request.url).query) == {"expand[0]": ["payment_intent.latest_charge"]}
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert order.receipt_url == f"https://pay.stripe.com/receipts/payment/test_{order.pk}"
    assert Enrollment.objects.get(user=practitioner, course=course).source == EnrollmentSource.PURCHASE
    lesson = client.get(response.url)
    assert lesson.status_code == 200
    assert f"Payment received: you are enrolled in {course.title}." in lesson.text


def test_the_webhook_after_the_success_page_changes_nothing(client, course, practitioner, stripe_api):
    order = OrderFactory(user=practitioner, course=course)
    stripe_api.get(f"{SESSIONS}/{order.checkout_session_id}", json=checkout_session(order))
    client.get(success_url(order.checkout_session_id))

    response = deliver(client, stripe_event("checkout.session.completed", order=order))

    assert response.json()["outcome"] == f"order {order.pk} paid"
    assert Enrollment.objects.count() == 1
    assert ModelLogEntry.objects.filter(action="payments.paid").count() == 1


def test_another_practitioners_session_is_not_found(client, course, practitioner, stripe_api):
    order = OrderFactory(course=course)  # someone else's

    response = client.get(success_url(order.checkout_session_id))

    assert response.status_code == 404
    assert len(stripe_api.calls) == 0
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING


def test_a_success_page_without_a_session_is_not_found(client, practitioner, stripe_api):
    assert client.get(reverse("payments:checkout_success")).status_code == 404


def test_when_stripe_fails_on_the_success_page_the_webhook_enrolls_later(client, course, practitioner, stripe_api):
    order = OrderFactory(user=practitioner, course=course)
    stripe_api.get(
        f"{SESSIONS}/{order.checkout_session_id}",
        status=500,
        json={"error": {"type": "api_error", "message": "An unknown error occurred"}},
    )

    response = client.get(success_url(order.checkout_session_id))

    assert response.status_code == 200
    assert "Your payment is being confirmed" in response.text
    assert not Enrollment.objects.exists()

    deliver(client, stripe_event("checkout.session.completed", order=order))

    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert client.get(course.get_children().first().url).status_code == 200


def test_a_delayed_payment_on_the_success_page_says_it_is_being_confirmed(client, course, practitioner, stripe_api):
    order = OrderFactory(user=practitioner, course=course)
    stripe_api.get(f"{SESSIONS}/{order.checkout_session_id}", json=checkout_session(order, payment_status="unpaid"))

    response = client.get(success_url(order.checkout_session_id))

    assert response.status_code == 200
    assert "Your payment is being confirmed" in response.text
    assert not Enrollment.objects.exists()


def test_no_second_checkout_opens_while_a_bank_debit_for_the_course_clears(client, course, practitioner, stripe_api):
    order = OrderFactory(user=practitioner, course=course)
    deliver(client, stripe_event("checkout.session.completed.unpaid", order=order))

    response = client.post(buy_url(course), {"accept_policies": "on"})

    assert response.status_code == 400
    assert "Your payment for this course is still being confirmed" in response.content.decode().replace("&#x27;", "'")
    assert len(stripe_api.calls) == 0
    assert Order.objects.count() == 1


def test_after_a_failed_bank_debit_the_course_can_be_bought_again(client, course, practitioner, stripe_api):
    order = OrderFactory(user=practitioner, course=course)
    deliver(client, stripe_event("checkout.session.completed.unpaid", order=order))
    deliver(client, stripe_event("checkout.session.async_payment_failed", order=order))
    stripe_api.post(SESSIONS, json=new_session())

    response = client.post(buy_url(course), {"accept_policies": "on"})

    assert response.status_code == 302 and len(stripe_api.calls) == 1


def test_a_buy_that_finds_a_checkout_still_opening_asks_stripe_with_the_same_key(
    client, course, practitioner, stripe_api
):
    # A double click: the first request has made its order and is still waiting for Stripe's answer.
    opening = OrderFactory(
        user=practitioner, course=course, checkout_session_id=None, checkout_url="", checkout_expires_at=None
    )
    stripe_api.post(SESSIONS, json=new_session())

    response = client.post(buy_url(course), {"accept_policies": "on"})

    assert response.status_code == 302
    assert Order.objects.get() == opening
    assert stripe_api.calls[0].request.headers["Idempotency-Key"] == f"checkout-{opening.reference}"
