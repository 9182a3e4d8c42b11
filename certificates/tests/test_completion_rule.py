"""The course page and issuance read one completion state, so the page promises only what issuance grants;
each step that may finish a course records the completion with it, and the audit log keeps who and when."""

import datetime
import io

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from certificates.models import Certificate
from certificates.services import completion_record
from courses.completion import COURSE_STAFF, LEGAL_NAME_MISSING
from courses.models import Enrollment, LessonProgress
from courses.services import REVIEWERS, authoring_roles_setup, enrollment_create_free
from courses.tests.factories import CourseApprovalFactory, CoursePageFactory, LessonPageFactory
from quizzes.models import QuizAttempt
from quizzes.tests.factories import QuizPageFactory, right_answer_form

from .factories import nearly_complete_enrollment

pytestmark = pytest.mark.django_db


def panel_of(client, course):
    """The course page's box of what to do next, as the signed-in practitioner sees it."""
    return BeautifulSoup(client.get(course.url).content, "html.parser").select_one(".panel--action")


def offers_the_certificate(panel, course) -> bool:
    return panel.select_one(f"form[action='{reverse('certificates:claim', args=[course.pk])}']") is not None


def finish_lessons(enrollment):
    LessonProgress.objects.filter(enrollment=enrollment).update(completed_at=timezone.now())


def test_a_live_course_with_a_final_assessment_asks_for_it_on_the_page_and_at_issuance(
    client, catalogue, django_capture_on_commit_callbacks
):
    enrollment, _ = nearly_complete_enrollment(catalogue, delivery="live", test_passed=False)
    quiz = QuizPageFactory(parent=enrollment.course)
    finish_lessons(enrollment)
    client.force_login(enrollment.user)

    panel = panel_of(client, enrollment.course)
    assert "Pass the final assessment." in panel.text
    assert not offers_the_certificate(panel, enrollment.course)
    client.post(reverse("certificates:claim", args=[enrollment.course.pk]))
    assert not Certificate.objects.exists()

    client.post(reverse("quizzes:start", args=[quiz.pk]))
    attempt = QuizAttempt.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("certificates:submit_attempt", args=[attempt.pk]), right_answer_form(attempt))

    certificate = Certificate.objects.get(enrollment=enrollment)
    assert certificate.kind == "achievement"
    assert certificate.printed_code in client.get(response["Location"]).content.decode()


def test_without_a_legal_name_the_page_says_so_and_does_not_offer_the_certificate(client, catalogue):
    enrollment, _ = nearly_complete_enrollment(catalogue, legal_name="")
    finish_lessons(enrollment)
    client.force_login(enrollment.user)

    panel = panel_of(client, enrollment.course)

    assert LEGAL_NAME_MISSING in panel.text and not offers_the_certificate(panel, enrollment.course)
    assert completion_record(enrollment=enrollment).blockers == (LEGAL_NAME_MISSING,)


def test_a_completed_course_offers_the_certificate_that_issuance_then_grants(client, catalogue):
    enrollment, _ = nearly_complete_enrollment(catalogue)
    finish_lessons(enrollment)
    client.force_login(enrollment.user)

    assert offers_the_certificate(panel_of(client, enrollment.course), enrollment.course)
    client.post(reverse("certificates:claim", args=[enrollment.course.pk]))
    assert Certificate.objects.filter(enrollment=enrollment).exists()


def test_a_reviewer_enrolled_in_a_course_is_told_its_certificate_is_not_for_them(client, catalogue):
    enrollment, _ = nearly_complete_enrollment(catalogue)
    finish_lessons(enrollment)
    authoring_roles_setup(catalogue=catalogue)
    enrollment.user.groups.add(Group.objects.get(name=REVIEWERS))
    client.force_login(enrollment.user)

    panel = panel_of(client, enrollment.course)

    assert COURSE_STAFF in panel.text and not offers_the_certificate(panel, enrollment.course)
    assert completion_record(enrollment=Enrollment.objects.get(pk=enrollment.pk)).blockers == (COURSE_STAFF,)
    assert not Certificate.objects.exists()


def test_enrollment_completion_and_issuance_are_in_the_audit_log_with_who(
    client, catalogue, django_capture_on_commit_callbacks
):
    course = CoursePageFactory(parent=catalogue, evaluation_required=False, delivery="live")
    lesson = LessonPageFactory(parent=course)
    CourseApprovalFactory(course=course)
    enrollment, _ = nearly_complete_enrollment(catalogue)  # a practitioner with a legal name and a license
    user = enrollment.user
    client.force_login(user)

    client.post(reverse("courses:enroll", args=[course.pk]))
    LessonProgress.objects.create(
        enrollment=Enrollment.objects.get(user=user, course=course),
        lesson=lesson,
        study_seconds=course.min_study_minutes * 60,
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("certificates:complete_lesson", args=[lesson.pk]))

    ours = Enrollment.objects.get(user=user, course=course)
    certificate = Certificate.objects.get(enrollment=ours)
    logged = {
        (entry.action, entry.user_id)
        for entry in ModelLogEntry.objects.filter(object_id__in=[str(ours.pk), str(certificate.pk)])
        if entry.content_type.model_class() in {Enrollment, Certificate}
    }
    assert logged == {("courses.enroll", user.pk), ("courses.complete", user.pk), ("certificates.issue", user.pk)}


def test_enrolling_twice_logs_one_enrollment(catalogue):
    enrollment, _ = nearly_complete_enrollment(catalogue)
    course = CoursePageFactory(parent=catalogue)

    enrollment_create_free(user=enrollment.user, course=course)
    enrollment_create_free(user=enrollment.user, course=course)

    assert ModelLogEntry.objects.filter(action="courses.enroll").count() == 1


def test_a_final_graded_at_its_time_limit_by_a_page_view_is_certified_by_close_expired_attempts(
    client, catalogue, django_capture_on_commit_callbacks
):
    enrollment, _ = nearly_complete_enrollment(catalogue, test_passed=False)
    finish_lessons(enrollment)
    quiz = QuizPageFactory(parent=enrollment.course, time_limit_minutes=10)
    client.force_login(enrollment.user)
    client.post(reverse("quizzes:start", args=[quiz.pk]))
    attempt = QuizAttempt.objects.get()
    client.post(reverse("quizzes:save", args=[attempt.pk]), right_answer_form(attempt))

    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=15)):
        client.get(reverse("quizzes:attempt", args=[attempt.pk]))  # graded as of the limit, on this view
        assert QuizAttempt.objects.get().passed and not Certificate.objects.exists()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("close_expired_attempts", stdout=io.StringIO())

    assert Certificate.objects.get(enrollment=enrollment).kind == "achievement"
