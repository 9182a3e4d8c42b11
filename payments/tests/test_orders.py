"""A practitioner's orders and receipts on their account: theirs alone, each with what it cost, what
was paid and refunded, and the policies they accepted."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from courses.tests.factories import CoursePageFactory
from lms.models import ProviderSettings
from payments.models import OrderStatus

from .factories import OrderFactory

pytestmark = pytest.mark.django_db

ORDERS = reverse("payments:orders")
# Session, user, the orders, and what every page's chrome reads (site, provider, permissions, catalog link):
# the same for one order as for twenty.
ORDER_LIST_QUERIES = 8


@pytest.fixture
def course(catalogue):
    return CoursePageFactory(parent=catalogue, title="Manual Lymphatic Drainage", price_amount=5900)


@pytest.fixture
def practitioner():
    return UserFactory(verified_email=True, email="pat@example.com", legal_name="Patricia Okafor")


def receipt_url(order):
    return reverse("payments:receipt", args=[order.pk])


def page(response):
    return BeautifulSoup(response.content, "html.parser")


def paid_order(**fields):
    paid_at = timezone.make_aware(datetime.datetime(2026, 3, 2, 10, 30))
    return OrderFactory(
        **{
            "status": OrderStatus.PAID,
            "amount_paid": 5900,
            "paid_at": paid_at,
            "created_at": paid_at,
            "receipt_url": "https://pay.stripe.com/receipts/payment/test_1",
            **fields,
        }
    )


def rows(response):
    return [[cell.get_text(" ", strip=True) for cell in row.select("td")] for row in page(response).select("tbody tr")]


def test_the_orders_page_lists_the_practitioners_own_orders_newest_first(client, course, catalogue, practitioner):
    other_course = CoursePageFactory(parent=catalogue, title="Sports Massage", price_amount=3900)
    older = paid_order(user=practitioner, course=course, amount_refunded=2000, status=OrderStatus.PARTIALLY_REFUNDED)
    three_days_later = older.created_at + datetime.timedelta(days=3)
    newer = OrderFactory(user=practitioner, course=other_course, created_at=three_days_later)
    OrderFactory(user=practitioner, course=other_course, checkout_session_id=None)  # Stripe never opened it
    paid_order(course=course)  # someone else's
    client.force_login(practitioner)

    response = client.get(ORDERS)

    assert response.status_code == 200
    assert rows(response) == [
        [f"Order {newer.pk}", "Sports Massage", "March 5, 2026", "$39.00", "Awaiting payment"],
        [
            f"Order {older.pk}",
            "Manual Lymphatic Drainage",
            "March 2, 2026",
            "$59.00 $20.00 refunded",
            "Partially refunded",
        ],
    ]
    assert page(response).find("a", string=f"Order {older.pk}")["href"] == receipt_url(older)


def test_an_order_paid_in_full_by_a_promotion_code_shows_what_was_paid(client, course, practitioner):
    paid_order(user=practitioner, course=course, amount_paid=0, amount_discount=5900)
    client.force_login(practitioner)

    [row] = rows(client.get(ORDERS))

    assert row[3] == "$0.00"


def test_with_no_orders_the_page_says_where_they_will_appear(client, practitioner):
    client.force_login(practitioner)

    text = page(client.get(ORDERS)).select_one("main").get_text(" ", strip=True)

    assert "No orders yet. Courses you buy appear here, with their receipts." in text


def test_the_orders_page_reads_the_same_number_of_queries_for_one_order_as_for_twenty(
    client, course, practitioner, django_assert_max_num_queries
):
    paid_order(user=practitioner, course=course)
    client.force_login(practitioner)
    client.get(ORDERS)  # the site's settings and page tree, cached after the first request

    with django_assert_max_num_queries(ORDER_LIST_QUERIES):
        assert len(rows(client.get(ORDERS))) == 1
    for _ in range(19):
        OrderFactory(user=practitioner, course=course, status=OrderStatus.FAILED)
    with django_assert_max_num_queries(ORDER_LIST_QUERIES):
        assert len(rows(client.get(ORDERS))) == 20


def test_the_receipt_prints_the_provider_the_buyer_the_amounts_and_the_policies_accepted(client, course, practitioner):
    provider = ProviderSettings.objects.get()
    provider.name = "Gulf Coast Massage CE"
    provider.postal_address = "100 Example Street\nTallahassee, FL 32301"
    provider.save()
    order = paid_order(
        user=practitioner,
        course=course,
        course_title="Manual Lymphatic Drainage (2025 edition)",
        amount_discount=1000,
        amount_tax=300,
        amount_paid=5200,
        amount_refunded=5200,
        status=OrderStatus.REFUNDED,
        refunded_at=timezone.make_aware(datetime.datetime(2026, 3, 9, 9, 0)),
        policies_accepted="Refund policy\nIn full within 14 days if no lesson is completed.",
        policies_accepted_at=timezone.make_aware(datetime.datetime(2026, 3, 2, 10, 29)),
    )
    client.force_login(practitioner)

    response = client.get(receipt_url(order))

    assert response.status_code == 200
    html = page(response)
    assert html.h1.get_text(strip=True) == f"Receipt for order {order.pk}"
    provider_block = html.select_one("address.receipt__provider").get_text(" ", strip=True)
    assert provider_block == "Gulf Coast Massage CE 100 Example Street Tallahassee, FL 32301 ce@example.com"
    facts = {div.dt.get_text(strip=True): div.dd.get_text(" ", strip=True) for div in html.select("dl.facts > div")}
    assert facts == {
        "Order number": str(order.pk),
        "Bought by": "Patricia Okafor (pat@example.com)",
        "Course": "Manual Lymphatic Drainage (2025 edition)",
        "Ordered": "March 2, 2026",
        "Status": "Refunded",
    }
    amounts = {
        row.th.get_text(strip=True): row.td.get_text(" ", strip=True) for row in html.select(".receipt__amounts tr")
    }
    assert amounts == {
        "Course price": "$59.00",
        "Discount": "\N{MINUS SIGN}$10.00",
        "Tax": "$3.00",
        "Paid": "$52.00 on March 2, 2026",
        "Refunded": "$52.00 on March 9, 2026",
    }
    assert html.find("a", string="Stripe's receipt for the payment")["href"] == order.receipt_url
    policies = html.select_one("section[aria-labelledby=policies-heading]").get_text(" ", strip=True)
    assert "As you read them on March 2, 2026, before paying." in policies
    assert "In full within 14 days if no lesson is completed." in policies
    assert html.find("a", string="Go to the course") is None  # refunded: nothing to go back to


def test_an_order_not_yet_paid_is_not_called_a_receipt(client, course, practitioner):
    order = OrderFactory(user=practitioner, course=course)
    client.force_login(practitioner)

    html = page(client.get(receipt_url(order)))

    assert html.h1.get_text(strip=True) == f"Order {order.pk}"
    amounts = [row.th.get_text(strip=True) for row in html.select(".receipt__amounts tr")]
    assert amounts == ["Course price"]
    assert html.find("a", string="Stripe's receipt for the payment") is None


def test_a_paid_order_leads_back_to_its_course(client, course, practitioner):
    order = paid_order(user=practitioner, course=course)
    client.force_login(practitioner)

    link = page(client.get(receipt_url(order))).find("a", string="Go to the course")

    assert link["href"] == course.url


def test_another_practitioners_order_is_not_found(client, course, practitioner):
    order = paid_order(course=course)
    client.force_login(practitioner)

    assert client.get(receipt_url(order)).status_code == 404
    assert client.get(reverse("payments:receipt", args=[987654])).status_code == 404


def test_orders_and_receipts_need_a_login(client, course):
    order = paid_order(course=course)

    for url in (ORDERS, receipt_url(order)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url == f"{reverse('account_login')}?next={url}"


def test_the_profile_links_to_the_orders(client, practitioner):
    client.force_login(practitioner)

    section = page(client.get(reverse("accounts:profile"))).select_one("section[aria-labelledby=orders-heading]")

    assert section.find("a", string="Your orders and receipts")["href"] == ORDERS
