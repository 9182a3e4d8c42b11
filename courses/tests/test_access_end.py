"""A refund before completion ends the practitioner's access to the course; the record stays, and
buying the course again opens it where they left off."""

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from accounts.tests.factories import UserFactory
from certificates.models import Certificate
from certificates.services import completion_record
from certificates.tests.factories import issued_certificate, nearly_complete_enrollment
from courses.models import Enrollment, EnrollmentSource, LessonProgress
from courses.services import enrollment_access_end, enrollment_grant
from quizzes.models import QuizAttempt
from quizzes.tests.factories import QuizPageFactory

from .factories import CoursePageFactory, EnrollmentFactory, LessonPageFactory


@pytest.fixture
def course(catalogue):
    course = CoursePageFactory(parent=catalogue, title="Manual Lymphatic Drainage", price_amount=5900)
    LessonPageFactory(parent=course, title="The lymphatic system")
    LessonPageFactory(parent=course, title="Drainage sequences")
    return course


@pytest.fixture
def enrollment(course):
    return EnrollmentFactory(user=UserFactory(verified_email=True), course=course, source=EnrollmentSource.PURCHASE)


def test_ending_access_locks_the_lessons_quizzes_and_dashboard_but_keeps_the_record(client, course, enrollment):
    lesson = course.get_children().specific().first()
    quiz = QuizPageFactory(parent=course)
    LessonProgress.objects.create(enrollment=enrollment, lesson=lesson, study_seconds=600, completed_at=timezone.now())
    client.force_login(enrollment.user)
    assert client.get(lesson.url).status_code == 200

    enrollment_access_end(user=enrollment.user, course=course, reason="Order 7 refunded")

    assert client.get(lesson.url).status_code == 403
    assert course.title not in client.get(reverse("courses:dashboard")).text
    assert "Buy for $59.00" in client.get(course.url).text
    start = client.post(reverse("quizzes:start", args=[quiz.pk]), follow=True)
    assert "Enroll in the course to take its quizzes." in start.text
    assert not QuizAttempt.objects.exists()
    heartbeat = client.post(reverse("courses:heartbeat", args=[lesson.pk]))
    assert heartbeat.status_code == 404
    enrollment.refresh_from_db()
    assert enrollment.access_ended_at is not None
    assert LessonProgress.objects.filter(enrollment=enrollment, study_seconds=600).exists()
    entry = ModelLogEntry.objects.get(action="courses.access_end")
    assert entry.data == {"course": course.pk, "reason": "Order 7 refunded"}


def test_buying_again_opens_the_course_where_the_practitioner_left_off(client, course, enrollment):
    lesson = course.get_children().specific().first()
    LessonProgress.objects.create(enrollment=enrollment, lesson=lesson, study_seconds=900)
    enrollment_access_end(user=enrollment.user, course=course, reason="Order 7 refunded")

    reopened = enrollment_grant(user=enrollment.user, course=course, source=EnrollmentSource.PURCHASE)

    assert reopened.pk == enrollment.pk and reopened.access_ended_at is None
    assert Enrollment.objects.count() == 1
    client.force_login(enrollment.user)
    assert client.get(lesson.url).status_code == 200
    assert LessonProgress.objects.get(enrollment=enrollment).study_seconds == 900
    assert ModelLogEntry.objects.filter(action="courses.enroll").count() == 1  # the factory logged none


def test_granting_an_enrollment_that_has_access_changes_nothing(course, enrollment):
    enrollment_grant(user=enrollment.user, course=course, source=EnrollmentSource.STAFF)

    enrollment.refresh_from_db()
    assert enrollment.source == EnrollmentSource.PURCHASE
    assert not ModelLogEntry.objects.filter(action="courses.enroll").exists()


def test_a_completed_course_keeps_its_access_and_its_certificate(client, catalogue):
    certificate = issued_certificate(catalogue)
    enrollment = certificate.enrollment

    ended = enrollment_access_end(user=enrollment.user, course=enrollment.course, reason="Order 7 refunded")

    assert ended is None
    enrollment.refresh_from_db()
    assert enrollment.access_ended_at is None
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
    client.force_login(enrollment.user)
    lesson = enrollment.course.get_children().specific().first()
    assert client.get(lesson.url).status_code == 200


def test_no_certificate_is_issued_once_access_has_ended(catalogue):
    enrollment, last_lesson = nearly_complete_enrollment(catalogue)
    enrollment_access_end(user=enrollment.user, course=enrollment.course, reason="Order 7 refunded")
    LessonProgress.objects.filter(enrollment=enrollment, lesson=last_lesson).update(completed_at=timezone.now())

    outcome = completion_record(enrollment=enrollment)

    assert outcome.certificate is None
    assert any("access to this course ended" in blocker for blocker in outcome.blockers)
    assert not Certificate.objects.exists()
    enrollment.refresh_from_db()
    assert enrollment.completed_at is None


def test_ending_access_of_someone_never_enrolled_does_nothing(course):
    assert enrollment_access_end(user=UserFactory(), course=course, reason="Order 7 refunded") is None
    assert not Enrollment.objects.exists()


def test_an_attempt_left_open_cannot_be_answered_once_access_has_ended(client, course, enrollment):
    quiz = QuizPageFactory(parent=course)
    client.force_login(enrollment.user)
    attempt_url = client.post(reverse("quizzes:start", args=[quiz.pk]))["Location"]
    assert client.get(attempt_url).status_code == 200

    enrollment_access_end(user=enrollment.user, course=course, reason="Order 7 refunded")

    assert client.get(attempt_url).status_code == 404
    assert QuizAttempt.objects.get().submitted_at is None
