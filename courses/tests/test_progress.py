"""Marking lessons complete, the course's progress bar, and the practitioner's dashboard."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from certificates.models import Certificate
from certificates.services import certificate_revoke
from certificates.tests.factories import issued_certificate
from courses.models import LessonProgress
from courses.models.learning import STUDY_IDLE_MINUTES

from .factories import CoursePageFactory, EnrollmentFactory, LessonPageFactory


@pytest.fixture
def enrollment(catalogue):
    course = CoursePageFactory(parent=catalogue, title="Sports Massage", min_study_minutes=100)
    for title in ["Goals and timing", "Pre-event", "Post-event"]:
        LessonPageFactory(parent=course, title=title)
    return EnrollmentFactory(course=course)


def lessons_of(enrollment):
    return list(enrollment.course.get_children().specific())


def complete(client, lesson):
    return client.post(reverse("certificates:complete_lesson", args=[lesson.pk]))


def test_marking_a_lesson_complete_moves_on_to_the_next(client, enrollment):
    first, second, _ = lessons_of(enrollment)
    client.force_login(enrollment.user)

    response = complete(client, first)

    assert response.url == second.url
    assert LessonProgress.objects.get(enrollment=enrollment, lesson=first).completed_at is not None
    page = BeautifulSoup(client.get(first.url).content, "html.parser")
    assert page.select_one(".lesson-complete__done").get_text() == "You have completed this lesson."


def test_completing_the_last_lesson_returns_to_the_course(client, enrollment):
    client.force_login(enrollment.user)

    assert complete(client, lessons_of(enrollment)[-1]).url == enrollment.course.url


def test_completing_twice_keeps_the_first_completion_time(client, enrollment):
    first = lessons_of(enrollment)[0]
    client.force_login(enrollment.user)
    complete(client, first)
    when = LessonProgress.objects.get(lesson=first).completed_at

    complete(client, first)

    assert LessonProgress.objects.get(lesson=first).completed_at == when


def test_a_practitioner_cannot_complete_lessons_of_a_course_they_are_not_in(client, enrollment):
    client.force_login(UserFactory(verified_email=True))

    response = complete(client, lessons_of(enrollment)[0])

    assert response.status_code == 302
    assert not LessonProgress.objects.exists()


def test_the_course_page_shows_progress_and_where_to_continue(client, enrollment):
    first, second, _ = lessons_of(enrollment)
    client.force_login(enrollment.user)
    complete(client, first)

    panel = BeautifulSoup(client.get(enrollment.course.url).content, "html.parser").select_one(".panel--action")

    assert "1 of 3 lessons complete" in panel.get_text()
    assert panel.select_one("progress")["value"] == "33"
    assert "Studied 0 of 100 minutes" in panel.get_text()
    assert panel.select_one("a.button")["href"] == second.url


def test_continue_returns_to_the_lesson_last_studied_while_unfinished(client, enrollment):
    third = lessons_of(enrollment)[2]
    client.force_login(enrollment.user)
    client.post(reverse("courses:heartbeat", args=[third.pk]))

    panel = BeautifulSoup(client.get(enrollment.course.url).content, "html.parser").select_one(".panel--action")

    assert panel.select_one("a.button")["href"] == third.url


def test_the_dashboard_lists_my_courses_with_progress_and_a_continue_button(client, catalogue, enrollment):
    complete_all_but_one = lessons_of(enrollment)[:2]
    client.force_login(enrollment.user)
    for lesson in complete_all_but_one:
        complete(client, lesson)
    EnrollmentFactory(course=CoursePageFactory(parent=catalogue, title="Someone else's course"))

    soup = BeautifulSoup(client.get(reverse("courses:dashboard")).content, "html.parser")

    cards = soup.select(".card")
    assert [card.select_one(".card__title").get_text(strip=True) for card in cards] == ["Sports Massage"]
    assert "2 of 3 lessons complete" in cards[0].get_text()
    assert cards[0].select_one("a.button")["href"] == lessons_of(enrollment)[2].url


def test_the_dashboard_says_once_when_study_time_counts(client, catalogue, enrollment):
    EnrollmentFactory(course=CoursePageFactory(parent=catalogue), user=enrollment.user)
    client.force_login(enrollment.user)

    soup = BeautifulSoup(client.get(reverse("courses:dashboard")).content, "html.parser")

    assert len(soup.select(".card")) == 2
    rules = soup.select(".study-clock-rule")
    assert len(rules) == 1
    assert "while a lesson is open and in front of you" in rules[0].get_text()
    assert f"in the last {STUDY_IDLE_MINUTES} minutes" in rules[0].get_text()


def test_the_dashboard_needs_a_login(client, db):
    assert client.get(reverse("courses:dashboard")).url.startswith(reverse("account_login"))


def test_the_dashboard_query_count_does_not_grow_with_courses(client, catalogue, django_assert_max_num_queries):
    practitioner = UserFactory(verified_email=True)
    client.force_login(practitioner)

    def enrol_in_new_courses(count):
        for _ in range(count):
            course = CoursePageFactory(parent=catalogue)
            lesson = LessonPageFactory(parent=course)
            LessonProgress.objects.create(enrollment=EnrollmentFactory(course=course, user=practitioner), lesson=lesson)

    enrol_in_new_courses(1)
    client.get(reverse("courses:dashboard"))
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        client.get(reverse("courses:dashboard"))
    enrol_in_new_courses(10)
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        client.get(reverse("courses:dashboard"))


# One finds that this practitioner has no license; the courses in progress, the latest completions and their
# certificates, and the totals (completions, study time) are one query each; one reads the lessons to continue with.
DASHBOARD_QUERIES = 14


def test_right_after_a_completion_the_dashboard_lists_the_course_with_its_certificate(client, catalogue):
    certificate = issued_certificate(catalogue)
    client.force_login(certificate.enrollment.user)

    soup = BeautifulSoup(client.get(reverse("courses:dashboard")).content, "html.parser")

    assert "You are not studying a course yet" not in soup.get_text()
    assert "you have completed every course you enrolled in" in soup.select_one("#current-heading").parent.get_text()
    [item] = soup.select(".completed-course")
    assert item.select_one("a").get_text() == "Lymphatic Drainage after Surgery"
    assert item.select_one(".badge").get_text() == "Valid"
    link = item.find("a", string=certificate.printed_code)
    assert link["href"] == f"{reverse('certificates:mine')}#certificate-{certificate.printed_code}"
    assert item.find("a", href=reverse("certificates:pdf", args=[certificate.code]))


def test_the_dashboard_marks_a_revoked_certificate(client, catalogue):
    certificate = issued_certificate(catalogue)
    certificate_revoke(
        certificate=certificate, by=UserFactory(), reason="Issued in error.", skip_permission_checks=True
    )
    client.force_login(certificate.enrollment.user)

    item = BeautifulSoup(client.get(reverse("courses:dashboard")).content, "html.parser").select_one(
        ".completed-course"
    )

    assert item.select_one(".badge").get_text() == "Revoked"
    assert not item.find("a", href=reverse("certificates:pdf", args=[certificate.code]))


def test_the_dashboard_query_count_does_not_grow_with_completed_courses(
    client, catalogue, django_assert_max_num_queries
):
    practitioner = UserFactory(verified_email=True)
    client.force_login(practitioner)

    def complete_new_courses(count):
        for _ in range(count):
            course = CoursePageFactory(parent=catalogue)
            enrollment = EnrollmentFactory(course=course, user=practitioner, completed_at=timezone.now())
            LessonProgress.objects.create(enrollment=enrollment, lesson=LessonPageFactory(parent=course))
            Certificate.objects.create(
                enrollment=enrollment,
                code=f"{enrollment.pk:013d}",
                kind="achievement",
                completed_on=timezone.localdate(),
                issued_at=timezone.now(),
                snapshot={},
            )

    complete_new_courses(1)
    client.get(reverse("courses:dashboard"))
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        client.get(reverse("courses:dashboard"))
    complete_new_courses(10)
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        response = client.get(reverse("courses:dashboard"))
    page = BeautifulSoup(response.content, "html.parser")
    # The latest ten, and the way to all eleven on the certificates page.
    assert len(page.select(".completed-course .badge--ok")) == 10
    assert page.find("a", string="All 11 completed courses and their certificates")["href"] == reverse(
        "certificates:mine"
    )


def test_the_course_page_says_what_is_left_to_complete_the_course(client, enrollment):
    client.force_login(enrollment.user)
    complete(client, lessons_of(enrollment)[0])

    panel = BeautifulSoup(client.get(enrollment.course.url).content, "html.parser").select_one(".blockers")

    assert [item.get_text() for item in panel.select("li")] == [
        "Complete 2 more lessons.",
        "Study 100 more minutes.",
        "Pass the final assessment.",
        "Submit the course evaluation.",
    ]
