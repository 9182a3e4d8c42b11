"""Buying a paid course in a real browser, from the course's Buy button to its first lesson, with
Stripe's API and hosted checkout page answered by a local stand-in (e2e/stripe_standin.py) that the
site's own stripe library talks to over HTTP. Every page of the site on the way passes axe."""

import re

import pytest
import stripe
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from courses.models import Enrollment, EnrollmentSource
from courses.tests.factories import CoursePageFactory, LessonPageFactory
from e2e.stripe_standin import StripeStandIn
from lms.models import default_provider
from payments.models import Order, OrderStatus, StripeEvent

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

REFUND_POLICY = "A full refund within 14 days of purchase if no lesson has been completed."
FIRST_LESSON_HEADING = "The thoracolumbar fascia"  # the first block of LessonPageFactory's body


def assert_accessible(page, name):
    violations = Axe().run(page).response["violations"]
    serious = [v["id"] for v in violations if v["impact"] in {"serious", "critical"}]
    assert serious == [], f"{name}: {serious}"


@pytest.fixture
def paid_course(catalogue):
    provider = default_provider()
    provider.registration_policy = "Registration opens the course at once and lasts twelve months."
    provider.cancellation_policy = "Cancel by email to ce@example.com before starting the first lesson."
    provider.refund_policy = REFUND_POLICY
    provider.certificate_fee = "None: the certificate is included."
    provider.save()
    course = CoursePageFactory(parent=catalogue, title="Manual Lymphatic Drainage", price_amount=4900)
    first_lesson = LessonPageFactory(parent=course, title="Lymphatic anatomy")
    LessonPageFactory(parent=course, title="Post-operative edema")
    return course, first_lesson


@pytest.fixture
def practitioner():
    return UserFactory(verified_email=True, legal_name="Jordan Rivera")


def checkout_on_stripe(page, live_server, stripe_standin, course):
    """From the course page to the stand-in's hosted checkout page, accepting the policies."""
    page.goto(live_server.url + course.url)
    page.get_by_role("link", name="Buy for $49.00").click()
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name=re.compile(r"^Pay \$49\.00")).click()
    page.wait_for_url(stripe_standin.url + "/c/pay/*")


def test_a_practitioner_buys_a_course_on_stripe_and_lands_in_its_first_lesson(
    live_server, stripe_standin, paid_course, practitioner, logged_in_page
):
    course, first_lesson = paid_course
    page = logged_in_page(practitioner)

    page.goto(live_server.url + course.url)
    assert_accessible(page, "course page")
    page.get_by_role("link", name="Buy for $49.00").click()

    expect(page.get_by_role("heading", name="Refund policy")).to_be_visible()
    expect(page.get_by_text(REFUND_POLICY)).to_be_visible()
    assert_accessible(page, "checkout page")
    page.get_by_role("checkbox", name=re.compile("accept", re.IGNORECASE)).check()
    page.get_by_role("button", name=re.compile(r"^Pay \$49\.00")).click()

    page.wait_for_url(stripe_standin.url + "/c/pay/*")
    expect(page.get_by_role("heading", name=course.title)).to_be_visible()
    expect(page.get_by_text("Total due: $49.00")).to_be_visible()
    page.get_by_role("button", name="Pay $49.00", exact=True).click()

    page.wait_for_url(live_server.url + first_lesson.url)
    expect(page.get_by_role("status").filter(has_text="Payment received")).to_contain_text(course.title)
    expect(page.get_by_role("heading", name=FIRST_LESSON_HEADING)).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("for enrolled practitioners"))).to_have_count(0)
    assert_accessible(page, "first lesson")

    # What the site asked Stripe for: the course's price, never the browser's, once, with the order's ids.
    order = Order.objects.get(user=practitioner, course=course)
    [created] = stripe_standin.calls("POST", "/v1/checkout/sessions")
    [item] = created.params["line_items"]
    assert (item["price_data"]["unit_amount"], item["price_data"]["currency"], item["quantity"]) == ("4900", "usd", "1")
    assert item["price_data"]["product_data"]["name"] == course.title
    assert created.params["customer_email"] == practitioner.email
    assert created.params["client_reference_id"] == created.params["metadata"]["order_id"] == str(order.pk)
    assert created.headers["idempotency-key"]
    [retrieved] = stripe_standin.calls("GET", f"/v1/checkout/sessions/{order.checkout_session_id}")
    assert retrieved.params["expand"] == ["payment_intent.latest_charge"]
    assert order.status == OrderStatus.PAID and order.amount_paid == 4900
    enrollment = Enrollment.objects.get(user=practitioner, course=course)
    assert enrollment.source == EnrollmentSource.PURCHASE

    page.goto(live_server.url + reverse("payments:orders"))
    row = page.get_by_role("row", name=re.compile(rf"^Order {order.pk}\b"))
    expect(row).to_contain_text(course.title)
    expect(row).to_contain_text("$49.00")
    expect(row.get_by_role("cell", name="Paid", exact=True)).to_be_visible()
    assert_accessible(page, "orders page")

    row.get_by_role("link", name=f"Order {order.pk}").click()
    receipt_heading = re.compile(rf"\border {order.pk}$", re.IGNORECASE)
    expect(page.get_by_role("heading", level=1, name=receipt_heading)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(re.compile(r"Paid\s*\$49\.00"))
    charge = stripe_standin.charges[stripe_standin.payment_intents[order.payment_intent_id]["latest_charge"]]
    expect(page.get_by_role("link", name=re.compile("receipt", re.IGNORECASE))).to_have_attribute(
        "href", charge["receipt_url"]
    )
    assert_accessible(page, "receipt page")


def test_anyone_reads_the_policies_from_the_footer(live_server, paid_course, browser):
    page = browser.new_page()
    page.goto(live_server.url + "/")
    page.get_by_role("contentinfo").get_by_role("link", name="Registration, cancellation and refund policies").click()

    expect(page.get_by_role("heading", name="Refund policy")).to_be_visible()
    expect(page.get_by_text(REFUND_POLICY)).to_be_visible()
    assert_accessible(page, "policies page")
    page.set_viewport_size({"width": 360, "height": 740})
    assert_accessible(page, "policies page on a phone")


def test_the_webhook_arriving_before_the_practitioner_returns_enrolls_them_once(
    live_server, stripe_standin, paid_course, practitioner, logged_in_page
):
    course, first_lesson = paid_course
    stripe_standin.deliver_webhooks = True
    page = logged_in_page(practitioner)

    checkout_on_stripe(page, live_server, stripe_standin, course)
    page.get_by_role("button", name="Pay $49.00", exact=True).click()
    page.wait_for_url(live_server.url + first_lesson.url)

    [delivery] = stripe_standin.deliveries
    order = Order.objects.get(user=practitioner, course=course)
    assert delivery.status == 200, delivery.body
    assert delivery.event["type"] == "checkout.session.completed"
    assert f"order {order.pk} paid" in delivery.body
    expect(page.get_by_role("status").filter(has_text="Payment received")).to_be_visible()
    expect(page.get_by_role("heading", name=FIRST_LESSON_HEADING)).to_be_visible()
    assert order.status == OrderStatus.PAID
    assert Enrollment.objects.filter(user=practitioner, course=course).count() == 1
    assert StripeEvent.objects.get().order == order


def test_paying_without_accepting_the_policies_says_so_and_asks_stripe_for_nothing(
    live_server, stripe_standin, paid_course, practitioner, logged_in_page
):
    course, _ = paid_course
    page = logged_in_page(practitioner)
    page.goto(live_server.url + reverse("payments:checkout", args=[course.pk]))

    page.get_by_role("button", name=re.compile(r"^Pay \$49\.00")).click()

    expect(page.get_by_text("Read and accept the policies before paying.")).to_be_visible()
    expect(page.get_by_role("checkbox")).not_to_be_checked()
    assert page.url == live_server.url + reverse("payments:checkout", args=[course.pk])
    assert_accessible(page, "checkout page with its error")
    assert stripe_standin.requests == []
    assert not Order.objects.exists()


def test_canceling_on_stripe_returns_to_the_course_uncharged_and_not_enrolled(
    live_server, stripe_standin, paid_course, practitioner, logged_in_page
):
    course, _ = paid_course
    page = logged_in_page(practitioner)

    checkout_on_stripe(page, live_server, stripe_standin, course)
    page.get_by_role("link", name=re.compile("Cancel")).click()

    page.wait_for_url(live_server.url + course.url)
    expect(page.get_by_role("status").filter(has_text="you have not been charged")).to_be_visible()
    expect(page.get_by_role("link", name="Buy for $49.00")).to_be_visible()
    assert Order.objects.get(user=practitioner).status == OrderStatus.PENDING
    assert not Enrollment.objects.filter(user=practitioner).exists()


@pytest.mark.django_db(transaction=False)
def test_the_stand_in_answers_the_stripe_library_as_stripe_does(settings):
    """The stand-in's own contract with the pinned stripe library: an idempotent create is replayed,
    a paid session expands to its charge's receipt, a refund is bounded by the charge, and an unknown
    id is the library's InvalidRequestError."""
    with StripeStandIn() as standin:
        client = stripe.StripeClient("sk_test_standin", base_addresses={"api": standin.url}, max_network_retries=0)
        params = {
            "mode": "payment",
            "success_url": "http://localhost/success/?session_id={CHECKOUT_SESSION_ID}",
            "line_items": [{"quantity": 1, "price_data": {"currency": "usd", "unit_amount": 4900}}],
            "metadata": {"order_id": "7"},
        }
        first = client.v1.checkout.sessions.create(params, {"idempotency_key": "checkout-7"})
        again = client.v1.checkout.sessions.create(params, {"idempotency_key": "checkout-7"})
        assert (again.id, again.amount_total, again.metadata.order_id) == (first.id, 4900, "7")
        assert len(standin.sessions) == 1

        standin.pay(first.id)
        session = client.v1.checkout.sessions.retrieve(first.id, {"expand": ["payment_intent.latest_charge"]})
        assert (session.payment_status, session.status) == ("paid", "complete")
        assert session.payment_intent.latest_charge.receipt_url.startswith(standin.url + "/receipts/")

        refund_params = {"payment_intent": session.payment_intent.id, "amount": 4000}
        assert client.v1.refunds.create(refund_params).amount == 4000
        with pytest.raises(stripe.InvalidRequestError, match="greater than unrefunded amount"):
            client.v1.refunds.create(refund_params)
        with pytest.raises(stripe.InvalidRequestError, match=r"No such checkout\.session"):
            client.v1.checkout.sessions.retrieve("cs_test_unknown")
