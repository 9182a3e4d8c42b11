"""Enrolling in a course, and who may read its lessons."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from wagtail.models import PageViewRestriction
from wagtail.rich_text import RichText

from accounts.tests.factories import UserFactory
from courses.models import Enrollment

from .factories import CoursePageFactory, EnrollmentFactory, LessonPageFactory


@pytest.fixture
def free_course(catalogue):
    course = CoursePageFactory(parent=catalogue, title="Ethics and Scope of Practice", price_amount=0)
    LessonPageFactory(parent=course, title="Foundations", is_free_preview=True)
    LessonPageFactory(parent=course, title="Scope of practice")
    return course


@pytest.fixture
def paid_course(catalogue):
    course = CoursePageFactory(parent=catalogue, title="Manual Lymphatic Drainage", price_amount=5900)
    LessonPageFactory(parent=course, title="The lymphatic system")
    return course


def enrol_url(course):
    return reverse("courses:enroll", args=[course.pk])


def test_a_verified_practitioner_enrols_in_a_free_course_with_one_click(client, free_course):
    practitioner = UserFactory(verified_email=True)
    client.force_login(practitioner)

    response = client.post(enrol_url(free_course), follow=True)

    assert Enrollment.objects.filter(user=practitioner, course=free_course).count() == 1
    assert response.redirect_chain[-1][0] == free_course.get_children().first().url
    assert "You are enrolled in Ethics and Scope of Practice" in response.text


def test_enrolling_twice_keeps_one_enrolment(client, free_course):
    practitioner = UserFactory(verified_email=True)
    client.force_login(practitioner)

    client.post(enrol_url(free_course))
    client.post(enrol_url(free_course))

    assert Enrollment.objects.filter(user=practitioner).count() == 1


def test_an_unconfirmed_email_address_cannot_enrol(client, free_course):
    client.force_login(UserFactory(verified_email=False))

    response = client.post(enrol_url(free_course), follow=True)

    assert not Enrollment.objects.exists()
    assert "Confirm your email address first" in response.text


def test_enrolling_needs_a_login_and_a_post(client, free_course):
    assert client.post(enrol_url(free_course)).url.startswith(reverse("account_login"))
    client.force_login(UserFactory(verified_email=True))
    assert client.get(enrol_url(free_course)).status_code == 405
    assert not Enrollment.objects.exists()


def test_a_paid_course_offers_to_buy_it_and_cannot_be_enrolled_in_for_free(client, paid_course):
    client.force_login(UserFactory(verified_email=True))

    buy = BeautifulSoup(client.get(paid_course.url).content, "html.parser").select_one(".panel--action a.button")
    response = client.post(enrol_url(paid_course), follow=True)

    assert buy.get_text(strip=True) == "Buy for $59.00"
    assert buy["href"] == reverse("payments:checkout", args=[paid_course.pk])
    assert "This course must be bought before you can study it." in response.text
    assert not Enrollment.objects.exists()


def test_without_stripe_keys_a_paid_course_says_online_payment_is_not_configured(client, paid_course, settings):
    settings.STRIPE_SECRET_KEY = ""
    client.force_login(UserFactory(verified_email=True))

    panel = BeautifulSoup(client.get(paid_course.url).content, "html.parser").select_one(".panel--action")

    assert panel.select_one("a.button") is None
    assert "Online payment is not configured on this site" in panel.get_text(" ", strip=True)


def test_unpublished_courses_and_unknown_ids_cannot_be_enrolled_in(client, catalogue):
    draft = CoursePageFactory(parent=catalogue, live=False, price_amount=0)
    client.force_login(UserFactory(verified_email=True))

    assert client.post(enrol_url(draft)).status_code == 404
    assert client.post(reverse("courses:enroll", args=[987654])).status_code == 404
    assert not Enrollment.objects.exists()


def test_anonymous_visitors_are_invited_to_log_in_to_enrol(client, free_course):
    action = BeautifulSoup(client.get(free_course.url).content, "html.parser").select_one(".panel--action a")

    assert action.get_text(strip=True) == "Log in to enroll"
    assert action["href"] == f"{reverse('account_login')}?next={free_course.url}"


@pytest.mark.parametrize("who", ["anonymous", "practitioner not enrolled", "enrolled in another course"])
def test_lesson_bodies_are_not_served_to_those_not_enrolled(client, catalogue, free_course, who):
    locked = free_course.get_children().last().specific
    if who == "practitioner not enrolled":
        client.force_login(UserFactory(verified_email=True))
    elif who == "enrolled in another course":
        client.force_login(EnrollmentFactory(course=CoursePageFactory(parent=catalogue)).user)

    response = client.get(locked.url)

    assert response.status_code == 403
    assert "This lesson is for enrolled practitioners" in response.text
    assert "fascia fascia" not in response.text  # the lesson body's prose


def test_a_free_preview_lesson_is_open_to_everyone(client, free_course):
    preview = free_course.get_children().first().specific

    response = client.get(preview.url)

    assert response.status_code == 200
    assert "fascia fascia" in response.text


def test_an_enrolled_practitioner_reads_every_lesson(client, free_course):
    enrollment = EnrollmentFactory(course=free_course)
    client.force_login(enrollment.user)

    for lesson in free_course.get_children().specific():
        assert client.get(lesson.url).status_code == 200


def test_the_courses_editors_read_lessons_without_enrolling(client, free_course):
    client.force_login(UserFactory(is_superuser=True))

    assert client.get(free_course.get_children().last().url).status_code == 200


def test_a_practitioner_cannot_enrol_someone_else_by_naming_them(client, free_course):
    someone_else = UserFactory(verified_email=True)
    client.force_login(UserFactory(verified_email=True))

    client.post(enrol_url(free_course), {"user": someone_else.pk, "user_id": someone_else.pk})

    assert not Enrollment.objects.filter(user=someone_else).exists()


def test_a_practitioner_cannot_record_progress_in_someone_elses_enrolment(client, free_course):
    theirs = EnrollmentFactory(course=free_course)
    lesson = free_course.get_children().last().specific
    client.force_login(UserFactory(verified_email=True))

    client.post(reverse("certificates:complete_lesson", args=[lesson.pk]), {"enrollment": theirs.pk})
    client.post(reverse("courses:heartbeat", args=[lesson.pk]), {"enrollment": theirs.pk})

    assert not theirs.lesson_progress.exists()


def test_lesson_bodies_do_not_leak_through_search_or_preview(client, free_course):
    locked = free_course.get_children().last().specific
    locked.body = [("paragraph", RichText("<p>Quadratus lumborum palpation sequence</p>"))]
    locked.save_revision().publish()

    results = client.get(free_course.get_parent().url, {"q": "palpation sequence"})
    preview = client.get(reverse("wagtailadmin_pages:view_draft", args=[locked.pk]))

    assert "Quadratus lumborum" not in results.text
    assert preview.status_code == 302 and "Quadratus lumborum" not in preview.text


def test_courses_behind_a_password_cannot_be_enrolled_in_or_questioned(client, free_course):
    PageViewRestriction.objects.create(page=free_course, restriction_type="password", password="staff-only")
    preview = free_course.get_children().first().specific
    client.force_login(UserFactory(verified_email=True))

    enrol = client.post(enrol_url(free_course))
    question = client.post(reverse("courses:ask_question", args=[preview.pk]), {"text": ""})

    assert enrol.status_code == 404
    assert question.status_code == 404
    assert "fascia fascia" not in question.content.decode()
    assert not Enrollment.objects.exists()
