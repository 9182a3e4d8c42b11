"""What a practitioner reads around buying a course: the checkout page with the provider's policies,
the page after Stripe when the payment is not yet through, and the course page's Buy button."""

import itertools

import pytest
import responses
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from courses.models import Enrollment, EnrollmentSource
from courses.services import enrollment_access_end
from courses.tests.factories import CoursePageFactory, EnrollmentFactory, LessonPageFactory
from lms.models import ProviderSettings
from payments.models import Order, OrderStatus

from .factories import OrderFactory, checkout_session

pytestmark = pytest.mark.django_db

SESSIONS = "https://api.stripe.com/v1/checkout/sessions"
REFUND_POLICY = "A full refund within 14 days of purchase, if no lesson has been completed."


@pytest.fixture
def provider(home_page):
    provider = ProviderSettings.objects.get()
    provider.registration_policy = "Registration is open to licensed massage therapists and students."
    provider.cancellation_policy = "Cancel by emailing ce@example.com."
    provider.refund_policy = REFUND_POLICY
    provider.certificate_fee = ""
    provider.save()
    return provider


@pytest.fixture
def course(catalogue, provider):
    course = CoursePageFactory(parent=catalogue, title="Manual Lymphatic Drainage", price_amount=5900)
    LessonPageFactory(parent=course, title="The lymphatic system")
    LessonPageFactory(parent=course, title="Drainage sequences")
    return course


@pytest.fixture
def practitioner():
    return UserFactory(verified_email=True, email="pat@example.com")


@pytest.fixture
def stripe_api():
    """Stripe's API answered at the HTTP layer; a call nobody registered fails the test."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as api:
        yield api


def buy_url(course):
    return reverse("payments:checkout", args=[course.pk])


def page(response):
    return BeautifulSoup(response.content, "html.parser")


def session_created(api, *, session_id="cs_test_new"):
    return api.post(
        SESSIONS,
        json={
            "id": session_id,
            "object": "checkout.session",
            "url": f"https://checkout.stripe.com/c/pay/{session_id}",
            "expires_at": int(timezone.now().timestamp()) + 86400,
        },
    )


# The checkout page -----------------------------------------------------------------------------


def test_the_checkout_page_shows_the_course_its_price_and_the_providers_policies(client, course, practitioner):
    client.force_login(practitioner)

    response = client.get(buy_url(course))

    assert response.status_code == 200
    html = page(response)
    facts = {div.dt.get_text(strip=True): div.dd.get_text(strip=True) for div in html.select("dl.facts > div")}
    assert facts == {
        "Course": "Manual Lymphatic Drainage",
        "CE hours": "2.00",
        "Format": "Home study",
        "Price": "$59.00",
    }
    policies = html.select_one("section[aria-labelledby=policies-heading]")
    assert [h3.get_text(strip=True) for h3 in policies.select("h3")] == [
        "Registration policy",
        "Cancellation policy",
        "Refund policy",
        "Certificate fee",
    ]
    text = policies.get_text(" ", strip=True)
    assert REFUND_POLICY in text
    assert "None: the certificate is included in the course price." in text
    assert policies.select_one("a[href='mailto:ce@example.com']") is not None
    checkbox = html.select_one("input[type=checkbox][name=accept_policies]")
    assert html.select_one(f"label[for={checkbox['id']}]").get_text(strip=True).startswith("I have read the")
    assert html.select_one("main form button[type=submit]").get_text(strip=True) == "Pay $59.00 with Stripe"


def test_headings_go_down_one_level_at_a_time(client, course, practitioner):
    client.force_login(practitioner)

    main = page(client.get(buy_url(course))).select_one("main")

    levels = [int(heading.name[1]) for heading in main.select("h1, h2, h3, h4")]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(after - before <= 1 for before, after in itertools.pairwise(levels))


def form_action(response) -> list[str]:
    directives = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    return directives["form-action"].split()


def test_the_pay_form_may_lead_the_browser_on_to_stripes_hosted_page(client, course, practitioner, settings):
    client.force_login(practitioner)

    assert form_action(client.get(buy_url(course))) == ["'self'", "https://checkout.stripe.com"]
    settings.STRIPE_CHECKOUT_ORIGIN = "http://127.0.0.1:8111"
    assert form_action(client.post(buy_url(course), {})) == ["'self'", "http://127.0.0.1:8111"]
    assert form_action(client.get(course.url)) == ["'self'"]  # no other page's forms leave the site


def test_a_policy_the_provider_has_not_written_says_whom_to_ask(client, course, practitioner, provider):
    provider.cancellation_policy = ""
    provider.certificate_fee = "$15 for a printed and mailed certificate; the PDF is free."
    provider.save()
    client.force_login(practitioner)

    policies = page(client.get(buy_url(course))).select_one("section[aria-labelledby=policies-heading]")

    text = policies.get_text(" ", strip=True)
    assert "Cancellation policy Not published yet. Ask ce@example.com before buying." in text
    assert "Certificate fee $15 for a printed and mailed certificate; the PDF is free." in text


def test_without_stripe_keys_the_page_says_payment_is_not_configured_and_offers_no_form(
    client, course, practitioner, settings, stripe_api
):
    settings.STRIPE_SECRET_KEY = ""
    client.force_login(practitioner)

    shown = client.get(buy_url(course))
    posted = client.post(buy_url(course), {"accept_policies": "on"})

    assert shown.status_code == 200
    assert page(shown).select_one("main form") is None
    assert "Online payment is not configured on this site" in page(shown).select_one("main").get_text(" ")
    assert REFUND_POLICY in shown.text  # the policies can still be read
    assert posted.status_code == 400
    assert "Online payment is not configured on this site" in posted.text
    assert not Order.objects.exists()
    assert len(stripe_api.calls) == 0


def test_an_anonymous_visitor_is_sent_to_log_in_and_back(client, course):
    response = client.get(buy_url(course))

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={buy_url(course)}"


def test_an_enrolled_practitioner_is_sent_to_the_course_with_nothing_to_pay(client, course, practitioner):
    EnrollmentFactory(user=practitioner, course=course, source=EnrollmentSource.PURCHASE)
    client.force_login(practitioner)

    response = client.get(buy_url(course), follow=True)

    assert response.redirect_chain == [(course.url, 302)]
    assert "You are already enrolled in Manual Lymphatic Drainage: there is nothing to pay." in response.text
    assert client.post(buy_url(course), {"accept_policies": "on"}).url == course.url
    assert not Order.objects.exists()


def test_an_unconfirmed_email_address_is_told_to_confirm_before_reaching_stripe(client, course, stripe_api):
    client.force_login(UserFactory(verified_email=False))

    shown = client.get(buy_url(course))
    posted = client.post(buy_url(course), {"accept_policies": "on"})

    # the only form is the one that sends the confirmation email again
    assert [form["action"] for form in page(shown).select("main form")] == [
        reverse("accounts:email_confirmation_resend")
    ]
    message = page(shown).select_one("section[aria-labelledby=pay-heading]").get_text(" ", strip=True)
    assert "Confirm your email address before you buy a course" in message and "Send the email again" in message
    assert posted.status_code == 400
    assert not Order.objects.exists()
    assert len(stripe_api.calls) == 0


def test_a_draft_course_is_not_found_and_a_free_one_is_enrolled_in_from_its_page(client, catalogue, practitioner):
    draft = CoursePageFactory(parent=catalogue, live=False, price_amount=5900)
    free = CoursePageFactory(parent=catalogue, title="Ethics and Scope of Practice", price_amount=0)
    client.force_login(practitioner)

    assert client.get(buy_url(draft)).status_code == 404
    assert client.get(reverse("payments:checkout", args=[987654])).status_code == 404
    response = client.get(buy_url(free), follow=True)
    assert response.redirect_chain == [(free.url, 302)]
    assert "Ethics and Scope of Practice is free: enroll from this page." in response.text
    assert not Order.objects.exists()


def test_paying_needs_the_policies_accepted(client, course, practitioner, stripe_api):
    client.force_login(practitioner)

    response = client.post(buy_url(course), {})

    assert response.status_code == 400
    checkbox = page(response).select_one("input[name=accept_policies]")
    assert checkbox.get("aria-invalid") == "true"
    error = page(response).select_one(f"#{checkbox['aria-describedby']}")
    assert error.get_text(strip=True) == "Read and accept the policies before paying."
    assert not Order.objects.exists()
    assert len(stripe_api.calls) == 0


def test_accepting_the_policies_sends_the_practitioner_to_stripe_with_them_kept_on_the_order(
    client, course, practitioner, stripe_api
):
    session_created(stripe_api)
    client.force_login(practitioner)

    response = client.post(buy_url(course), {"accept_policies": "on", "amount": "1"})

    assert response.status_code == 302
    assert response.url == "https://checkout.stripe.com/c/pay/cs_test_new"
    order = Order.objects.get()
    assert (order.user, order.course_id, order.amount, order.currency) == (practitioner, course.pk, 5900, "USD")
    assert REFUND_POLICY in order.policies_accepted
    assert "Certificate fee\nNone: the certificate is included in the course price." in order.policies_accepted


def test_a_stripe_error_shows_its_message_with_the_form_as_submitted(client, course, practitioner, stripe_api):
    stripe_api.post(
        SESSIONS,
        status=400,
        json={"error": {"type": "invalid_request_error", "message": "Invalid currency: usd is not supported."}},
    )
    client.force_login(practitioner)

    response = client.post(buy_url(course), {"accept_policies": "on"})

    assert response.status_code == 400
    html = page(response)
    alert = html.select_one("main [role=alert]").get_text(" ", strip=True)
    assert "You have not been charged." in alert
    assert "correct the" not in alert  # no field is wrong: it is Stripe's answer
    assert html.select_one("input[name=accept_policies]").has_attr("checked")
    assert html.select_one("main form button[type=submit]") is not None
    assert not Order.objects.filter(status__in=[OrderStatus.PAID, OrderStatus.PENDING]).exists()


def test_stripe_out_of_reach_is_said_plainly(client, course, practitioner, stripe_api):
    stripe_api.post(SESSIONS, body=ConnectionError("connection refused"))
    client.force_login(practitioner)

    response = client.post(buy_url(course), {"accept_policies": "on"})

    assert response.status_code == 400
    assert "The payment service could not be reached. You have not been charged" in response.text


def test_a_practitioner_whose_access_ended_with_a_refund_is_told_buying_again_keeps_their_progress(
    client, course, practitioner
):
    EnrollmentFactory(user=practitioner, course=course, source=EnrollmentSource.PURCHASE)
    enrollment_access_end(user=practitioner, course=course, reason="Order 7 refunded")
    client.force_login(practitioner)

    response = client.get(buy_url(course))

    assert response.status_code == 200
    text = page(response).select_one("main").get_text(" ", strip=True)
    assert "Your access to this course ended when its payment was refunded." in text
    assert "your lessons and study time are kept" in text
    assert page(response).select_one("input[name=accept_policies]") is not None


# After Stripe -----------------------------------------------------------------------------------


def test_a_payment_not_yet_through_says_it_is_being_confirmed(client, course, practitioner, stripe_api):
    order = OrderFactory(user=practitioner, course=course)
    stripe_api.get(
        f"{SESSIONS}/{order.checkout_session_id}",
        json=checkout_session(order, payment_status="unpaid", status="complete"),
    )
    client.force_login(practitioner)

    response = client.get(reverse("payments:checkout_success"), {"session_id": order.checkout_session_id})

    assert response.status_code == 200
    html = page(response)
    assert html.h1.get_text(strip=True) == "Your payment is being confirmed"
    assert "you will not be charged twice" in html.select_one("main").get_text(" ")
    assert html.select_one(f"a[href='{reverse('payments:receipt', args=[order.pk])}']") is not None
    assert not Enrollment.objects.exists()


def test_a_failed_payment_says_so_and_offers_to_try_again(client, course, practitioner, stripe_api):
    order = OrderFactory(
        user=practitioner, course=course, status=OrderStatus.FAILED, failure_reason="The checkout expired."
    )
    stripe_api.get(f"{SESSIONS}/{order.checkout_session_id}", json=checkout_session(order, payment_status="unpaid"))
    client.force_login(practitioner)

    html = page(client.get(reverse("payments:checkout_success"), {"session_id": order.checkout_session_id}))

    assert html.h1.get_text(strip=True) == "Payment not completed"
    assert "The checkout expired. You have not been enrolled." in html.select_one("main").get_text(" ")
    assert html.find("a", string="Try again")["href"] == buy_url(course)


def test_coming_back_to_the_success_page_of_a_refunded_order_says_it_was_refunded(
    client, course, practitioner, stripe_api
):
    order = OrderFactory(
        user=practitioner,
        course=course,
        status=OrderStatus.REFUNDED,
        amount_paid=5900,
        amount_refunded=5900,
        refunded_at=timezone.now(),
    )
    stripe_api.get(f"{SESSIONS}/{order.checkout_session_id}", json=checkout_session(order))
    client.force_login(practitioner)

    html = page(client.get(reverse("payments:checkout_success"), {"session_id": order.checkout_session_id}))

    assert html.h1.get_text(strip=True) == "Order refunded"
    assert "being confirmed" not in html.get_text()
    assert not Enrollment.objects.exists()


def test_someone_elses_checkout_session_is_not_found(client, course, practitioner, stripe_api):
    order = OrderFactory(course=course)
    client.force_login(practitioner)

    response = client.get(reverse("payments:checkout_success"), {"session_id": order.checkout_session_id})

    assert response.status_code == 404
    assert len(stripe_api.calls) == 0


def test_canceling_on_stripe_goes_back_to_the_course_saying_nothing_was_charged(client, course, practitioner):
    client.force_login(practitioner)

    response = client.get(reverse("payments:checkout_canceled", args=[course.pk]), follow=True)

    assert response.redirect_chain == [(course.url, 302)]
    assert "Checkout canceled: you have not been charged." in response.text


# The course page's Buy button -------------------------------------------------------------------


def action_panel(client, course):
    return page(client.get(course.url)).select_one(".panel--action")


def test_the_course_page_offers_to_buy_a_paid_course(client, course, practitioner):
    client.force_login(practitioner)

    buy = action_panel(client, course).select_one("a.button")

    assert buy.get_text(strip=True) == "Buy for $59.00"
    assert buy["href"] == buy_url(course)


def test_after_a_refund_ended_access_the_course_page_offers_to_buy_it_again(client, course, practitioner):
    EnrollmentFactory(user=practitioner, course=course, source=EnrollmentSource.PURCHASE)
    enrollment_access_end(user=practitioner, course=course, reason="Order 7 refunded")
    client.force_login(practitioner)

    panel = action_panel(client, course)

    assert panel.select_one("a.button")["href"] == buy_url(course)
    assert "Your progress" not in panel.get_text()


def test_after_a_refund_ended_access_the_course_page_says_why(client, course, practitioner):
    EnrollmentFactory(user=practitioner, course=course, source=EnrollmentSource.PURCHASE)
    enrollment_access_end(user=practitioner, course=course, reason="Order 7 refunded")
    client.force_login(practitioner)

    panel = action_panel(client, course)

    assert "ended when its payment was refunded" in panel.get_text(" ")
