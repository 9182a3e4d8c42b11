"""Pages shown to a signed-in person (licence numbers, certificates, lessons, two-factor settings) are kept
by no shared cache and no browser cache; public pages seen anonymously are left as they were."""

import pytest
from django.urls import reverse

from accounts.tests.factories import LicenceFactory
from courses.tests.factories import CoursePageFactory, EnrollmentFactory, LessonPageFactory


@pytest.fixture
def enrollment(catalogue):
    course = CoursePageFactory(parent=catalogue, title="Manual lymphatic drainage")
    LessonPageFactory(parent=course, title="The lymphatic system")
    enrollment = EnrollmentFactory(course=course)
    LicenceFactory(user=enrollment.user)
    return enrollment


def signed_in_pages(enrollment) -> list[str]:
    lesson = enrollment.course.get_children().first().specific
    return [
        reverse("courses:dashboard"),
        reverse("accounts:profile"),
        reverse("certificates:mine"),
        lesson.url,
        enrollment.course.url,
        "/",
        reverse("account_email"),
        reverse("account_change_password"),
        reverse("mfa_index"),
    ]


def test_every_page_a_signed_in_practitioner_sees_is_private_and_not_stored(client, enrollment):
    client.force_login(enrollment.user)

    for url in signed_in_pages(enrollment):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "private, no-store", url


def test_a_view_that_chooses_its_own_cache_control_keeps_it(client, enrollment):
    client.force_login(enrollment.user)

    response = client.get("/healthz")  # never_cache's header

    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def test_public_pages_seen_anonymously_are_left_cacheable(client, enrollment):
    for url in ["/", enrollment.course.url, enrollment.course.get_parent().url]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Cache-Control" not in response, url
