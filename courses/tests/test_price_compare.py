"""The revision compare view shows a course's price in dollars and cents, as the editor takes it."""

from bs4 import BeautifulSoup
from django.urls import reverse

from courses.models import CoursePage

from .factories import CoursePageFactory


def test_comparing_two_revisions_shows_the_prices_in_dollars_and_cents(client, catalogue, roles):
    course = CoursePageFactory(parent=catalogue, price_amount=4900)
    first = course.save_revision()
    course = CoursePage.objects.get(pk=course.pk)
    course.price_amount = 5950
    second = course.save_revision()
    client.force_login(roles["reviewer"])

    response = client.get(reverse("wagtailadmin_pages:revisions_compare", args=[course.pk, first.pk, second.pk]))

    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    price_row = next(row for row in page.select("tr, .comparison") if "Price" in row.get_text(" "))
    shown = price_row.get_text(" ", strip=True)
    assert "$49.00" in shown and "$59.50" in shown
    assert "4900" not in shown and "5950" not in shown
