"""Instructors and reviewers type a course's price in dollars and cents; the course keeps minor units."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from courses.models import CoursePage

from .editor import NO_OBJECTIVES, add_page_url, edit_page_url, editor_form_data, new_course_form
from .factories import CoursePageFactory, publishable_course


def price_input(response):
    return BeautifulSoup(response.content, "html.parser").find("input", attrs={"name": "price_amount"})


def price_errors(response) -> str:
    """The error text Wagtail shows in the price field's own wrapper, beside the input."""
    field = price_input(response)
    wrapper = field.find_parent(attrs={"data-field-wrapper": True})
    errors = wrapper.find(attrs={"data-field-errors": True})
    return " ".join(errors.get_text(" ").split()) if errors else ""


def test_an_instructor_types_the_price_in_dollars_and_cents_and_reads_it_back_so(client, catalogue, roles):
    client.force_login(roles["instructor"])

    response = client.post(
        add_page_url(CoursePage, catalogue), new_course_form(client, catalogue, price_amount="49.50")
    )

    assert response.status_code == 302
    course = CoursePage.objects.get(slug="fibromyalgia-and-massage")
    assert course.get_latest_revision_as_object().price_amount == 4950
    editor = client.get(edit_page_url(course))
    assert price_input(editor)["value"] == "49.50"
    assert "In dollars and cents, such as 49.00" in editor.content.decode()
    assert "In cents" not in editor.content.decode()


@pytest.mark.parametrize(
    ("typed", "minor"),
    [("49", 4900), ("$49", 4900), ("1,250.50", 125050), (" 39.9 ", 3990), ("0", 0), ("0.00", 0), ("", 0)],
)
def test_a_reviewer_publishes_a_price_written_as_people_write_money(client, catalogue, roles, typed, minor):
    course = publishable_course(parent=catalogue, price_amount=4900)
    client.force_login(roles["reviewer"])
    data = editor_form_data(client, edit_page_url(course), streams=NO_OBJECTIVES, price_amount=typed)
    data["action-publish"] = "action-publish"

    response = client.post(edit_page_url(course), data)

    assert response.status_code == 302, price_errors(client.post(edit_page_url(course), data))
    course.refresh_from_db()
    assert course.price_amount == minor
    assert course.is_free is (minor == 0)


def test_the_published_price_is_what_practitioners_are_asked_to_pay(client, catalogue, roles):
    course = publishable_course(parent=catalogue, price_amount=4900)
    client.force_login(roles["reviewer"])
    editor = client.get(edit_page_url(course))
    assert price_input(editor)["value"] == "49.00"
    data = editor_form_data(client, edit_page_url(course), streams=NO_OBJECTIVES, price_amount="1,250.50")
    data["action-publish"] = "action-publish"

    client.post(edit_page_url(course), data)
    client.logout()

    facts = BeautifulSoup(client.get(course.url).content, "html.parser").find("dt", string="Price").find_next("dd")
    assert facts.get_text(strip=True) == "$1,250.50"


@pytest.mark.parametrize(
    ("typed", "currency", "message"),
    [
        ("forty-nine", "USD", "“forty-nine” is not an amount of money."),
        ("49.50 dollars", "USD", "is not an amount of money."),
        ("1e3", "USD", "is not an amount of money."),
        ("-5", "USD", "A price cannot be negative. Type 0 to make the course free."),
        ("49.999", "USD", "USD amounts have 2 decimal places."),
        ("4900.5", "JPY", "JPY amounts have no decimal places."),
        ("1,000,000", "USD", "A course can cost at most $999,999.99."),
    ],
)
def test_a_price_that_is_not_money_is_refused_on_the_price_field_and_nothing_is_saved(
    client, catalogue, roles, typed, currency, message
):
    course = CoursePageFactory(parent=catalogue, live=False, price_amount=4900, price_currency=currency)
    client.force_login(roles["reviewer"])
    revisions = course.revisions.count()
    data = editor_form_data(client, edit_page_url(course), streams=NO_OBJECTIVES, price_amount=typed)

    response = client.post(edit_page_url(course), data)

    assert response.status_code == 200
    assert message in price_errors(response)
    assert price_input(response)["value"] == typed  # kept as typed, to be corrected
    course.refresh_from_db()
    assert (course.price_amount, course.revisions.count()) == (4900, revisions)


def test_a_bad_price_on_a_new_course_creates_no_page(client, catalogue, roles):
    client.force_login(roles["instructor"])

    response = client.post(
        add_page_url(CoursePage, catalogue), new_course_form(client, catalogue, price_amount="49,5O")
    )

    assert response.status_code == 200
    assert "is not an amount of money." in price_errors(response)
    assert not CoursePage.objects.filter(slug="fibromyalgia-and-massage").exists()


def test_a_yen_price_is_typed_in_whole_yen(client, catalogue, roles):
    course = publishable_course(parent=catalogue, price_amount=0)
    client.force_login(roles["reviewer"])
    data = editor_form_data(
        client, edit_page_url(course), streams=NO_OBJECTIVES, price_amount="4,900", price_currency="JPY"
    )
    data["action-publish"] = "action-publish"

    client.post(edit_page_url(course), data)

    course.refresh_from_db()
    assert (course.price_amount, course.price_currency) == (4900, "JPY")
    assert price_input(client.get(edit_page_url(course)))["value"] == "4900"


def test_the_price_typed_is_the_price_previewed(client, catalogue, roles):
    client.force_login(roles["instructor"])
    preview_url = reverse("wagtailadmin_pages:preview_on_add", args=["courses", "coursepage", catalogue.pk])

    answer = client.post(preview_url, new_course_form(client, catalogue, price_amount="49.50"))
    preview = client.get(preview_url)

    assert answer.json()["is_valid"] is True
    assert "$49.50" in preview.content.decode()


def test_a_bad_price_is_reported_to_the_preview_and_not_previewed(client, catalogue, roles):
    client.force_login(roles["instructor"])
    preview_url = reverse("wagtailadmin_pages:preview_on_add", args=["courses", "coursepage", catalogue.pk])

    answer = client.post(preview_url, new_course_form(client, catalogue, price_amount="49.999"))

    assert answer.json()["is_valid"] is False


def test_a_draft_keeps_the_typed_price_and_the_live_course_its_old_one_until_published(client, catalogue, roles):
    course = CoursePageFactory(parent=catalogue, price_amount=4900, taught_by=roles["instructor"])
    client.force_login(roles["instructor"])
    data = editor_form_data(client, edit_page_url(course), streams=NO_OBJECTIVES, price_amount="59.00")

    client.post(edit_page_url(course), data)

    course.refresh_from_db()
    assert course.price_amount == 4900
    assert course.get_latest_revision_as_object().price_amount == 5900
    assert price_input(client.get(edit_page_url(course)))["value"] == "59.00"


def test_autosave_keeps_the_typed_price_in_minor_units_and_refuses_a_bad_one(client, catalogue, roles):
    course = CoursePageFactory(parent=catalogue, live=False, price_amount=4900, taught_by=roles["instructor"])
    client.force_login(roles["instructor"])
    data = editor_form_data(client, edit_page_url(course), streams=NO_OBJECTIVES, price_amount="49.50")

    saved = client.post(edit_page_url(course), data, headers={"accept": "application/json"})
    data["price_amount"] = "49.5.0"
    refused = client.post(edit_page_url(course), data, headers={"accept": "application/json"})

    assert saved.json()["success"] is True
    assert refused.json()["success"] is False
    course.refresh_from_db()
    assert course.get_latest_revision_as_object().price_amount == 4950


def test_the_minimum_study_help_and_its_check_state_one_rule(client, catalogue, roles):
    client.force_login(roles["instructor"])
    data = new_course_form(client, catalogue, price_amount="39.00")
    data["ce_hours"], data["min_study_minutes"] = "1.25", "62"

    refused = client.post(add_page_url(CoursePage, catalogue), data)
    data["min_study_minutes"] = "63"
    saved = client.post(add_page_url(CoursePage, catalogue), data)

    page = refused.content.decode()
    assert "at least 50 minutes per CE hour, as NCBTMB, Florida and Texas count a CE hour" in page
    assert "A course of 1.25 CE hours needs at least 63 minutes of study (50 minutes per CE hour)." in page
    assert saved.status_code == 302
