"""Requests no page of ours sends (ids too long for any row, form values the editor cannot have posted)
are answered 404 or 400, never a server error, and change nothing."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import rich_text, streamfield

from accounts.tests.factories import UserFactory
from courses.models import CoursePage
from courses.tests.editor import edit_page_url, editor_form_data
from courses.tests.factories import CoursePageFactory, EnrollmentFactory, LessonPageFactory
from lms.converters import MAX_DATABASE_ID

BEYOND_ANY_ID = "99999999999999999999999"


@pytest.fixture
def practitioner_client(client, catalogue):
    client.force_login(UserFactory(verified_email=True))
    client.raise_request_exception = False  # a server error should show as a 500 here, not as the exception
    return client


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", f"/learn/lessons/{BEYOND_ANY_ID}/complete/"),
        ("post", f"/learn/courses/{BEYOND_ANY_ID}/enroll/"),
        ("post", f"/learn/lessons/{BEYOND_ANY_ID}/heartbeat/"),
        ("get", f"/learn/attempts/{BEYOND_ANY_ID}/"),
        ("post", f"/learn/attempts/{BEYOND_ANY_ID}/submit/"),
        ("post", f"/learn/quizzes/{BEYOND_ANY_ID}/start/"),
        ("get", f"/learn/certificates/claim/{BEYOND_ANY_ID}/"),
        ("get", f"/accounts/profile/licenses/{BEYOND_ANY_ID}/"),
    ],
)
def test_an_id_too_long_for_any_record_is_not_found(practitioner_client, method, url):
    assert getattr(practitioner_client, method)(url).status_code == 404


def test_the_largest_id_a_record_can_have_is_still_looked_up_and_one_more_matches_no_address(practitioner_client):
    assert practitioner_client.post(f"/learn/lessons/{MAX_DATABASE_ID}/complete/").status_code == 404
    assert practitioner_client.post(f"/learn/lessons/{MAX_DATABASE_ID + 1}/complete/").status_code == 404
    assert reverse("courses:enroll", args=[MAX_DATABASE_ID]) == f"/learn/courses/{MAX_DATABASE_ID}/enroll/"


def test_ids_that_fit_still_reach_the_views(practitioner_client, catalogue):
    enrollment = EnrollmentFactory(course=CoursePageFactory(parent=catalogue))
    lesson = LessonPageFactory(parent=enrollment.course)
    practitioner_client.force_login(enrollment.user)

    response = practitioner_client.post(f"/learn/lessons/{lesson.pk}/complete/")

    assert response.status_code == 302


def test_an_admin_address_with_an_id_too_long_for_any_record_is_not_found(client, home_page):
    # Wagtail's bulk actions read ids from the query string: its URLs are not ours to give `<id:...>`.
    client.force_login(UserFactory(is_superuser=True))
    client.raise_request_exception = False

    response = client.get(f"/admin/bulk/wagtailcore/page/publish/?id={BEYOND_ANY_ID}")

    assert response.status_code == 404


def test_a_rich_text_value_that_is_not_the_editors_json_is_refused_and_nothing_is_saved(client, catalogue):
    course = CoursePageFactory(parent=catalogue, title="Lymphedema care")
    client.force_login(UserFactory(is_superuser=True))
    client.raise_request_exception = False

    for value in ["not json", '{"blocks": 5}']:
        data = editor_form_data(client, edit_page_url(course), title="Changed", description=value)
        response = client.post(edit_page_url(course), data)

        assert response.status_code == 400, value
        assert "could not have sent, so nothing was saved" in response.text
    assert CoursePage.objects.get(pk=course.pk).get_latest_revision_as_object().title == "Lymphedema care"


def test_a_rich_text_value_from_the_editor_is_still_saved(client, catalogue):
    course = CoursePageFactory(parent=catalogue)
    client.force_login(UserFactory(is_superuser=True))
    data = editor_form_data(
        client,
        edit_page_url(course),
        streams={"learning_objectives": streamfield([("objective", "Teach self-care")])},
        description=rich_text("<p>Compression and skin care.</p>"),
    )

    response = client.post(edit_page_url(course), data)

    assert response.status_code == 302
    assert (
        "Compression and skin care." in CoursePage.objects.get(pk=course.pk).get_latest_revision_as_object().description
    )
