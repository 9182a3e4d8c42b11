"""Written answers are graded by the course's instructors in the admin's grading queue; the attempt
waits until then, and a final passed by the grade completes the course and issues its certificate."""

import re
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from accounts.tests.factories import UserFactory
from certificates.models import Certificate
from courses.services import INSTRUCTORS, authoring_roles_setup
from courses.tests.factories import CoursePageFactory, instructor_add
from quizzes.models import QuizAttempt
from quizzes.tests.factories import QuizPageFactory, essay, short_answer

from .factories import nearly_complete_enrollment

pytestmark = pytest.mark.django_db


@pytest.fixture
def instructor(catalogue):
    authoring_roles_setup(catalogue=catalogue)
    return UserFactory(groups=[INSTRUCTORS], verified_email=True, legal_name="Dana Whitfield")


@pytest.fixture
def waiting_attempt(client, catalogue, instructor):
    """A practitioner whose course is done but for a final with an essay, submitted and waiting."""
    enrollment, _ = nearly_complete_enrollment(catalogue, test_passed=False)
    enrollment.lesson_progress.update(completed_at=enrollment.enrolled_at)
    course = enrollment.course
    instructor_add(course=course, user=instructor)
    final = QuizPageFactory(
        parent=course, questions=[essay(points=3), short_answer(accepted=[("Deltoid", 100)], points=1)]
    )
    client.force_login(enrollment.user)
    response = client.post(reverse("quizzes:start", args=[final.pk]))
    attempt = QuizAttempt.objects.get(pk=int(re.search(r"/attempts/(\d+)/", response["Location"]).group(1)))
    essay_key, short_key = (question["key"] for question in attempt.questions)
    client.post(
        reverse("certificates:submit_attempt", args=[attempt.pk]),
        {f"q.{essay_key}": "Deep pressure may dislodge the clot: an embolism.", f"q.{short_key}": "deltoid"},
    )
    attempt.refresh_from_db()
    assert attempt.awaits_grading
    client.logout()
    return attempt


def grading_form(attempt, score, comment=""):
    key = next(question["key"] for question in attempt.questions if question["kind"] == "essay")
    return {f"score_{key}": score, f"comment_{key}": comment}


def test_the_instructor_grades_the_essay_and_the_course_completes_with_its_certificate(
    client, instructor, waiting_attempt, django_capture_on_commit_callbacks
):
    client.force_login(instructor)

    queue = BeautifulSoup(client.get(reverse("grading_admin:queue")).content, "html.parser")
    assert waiting_attempt.enrollment.user.legal_name in queue.select_one("table.listing").text
    page = client.get(reverse("grading_admin:grade", args=[waiting_attempt.pk])).content.decode()
    assert "Deep pressure may dislodge the clot" in page
    assert "Mentions embolism." in page  # the guidance written for graders
    assert "1 of 4 points so far" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("grading_admin:grade", args=[waiting_attempt.pk]),
            grading_form(waiting_attempt, "2.5", "Names the embolism; say why pressure matters."),
            follow=True,
        )

    waiting_attempt.refresh_from_db()
    assert (waiting_attempt.score, waiting_attempt.percent, waiting_attempt.passed) == (
        Decimal("3.5"),
        Decimal("87.5"),
        True,
    )
    certificate = Certificate.objects.get(enrollment=waiting_attempt.enrollment)
    assert f"certificate {certificate.printed_code} was issued" in response.content.decode()
    assert "No written answers are waiting for grading." in response.content.decode()

    client.force_login(waiting_attempt.enrollment.user)
    result = " ".join(
        BeautifulSoup(
            client.get(reverse("quizzes:attempt", args=[waiting_attempt.pk])).content, "html.parser"
        ).text.split()
    )
    assert "Attempt 1: passed" in result
    assert "Graded 2.5 of 3 points" in result
    assert "Names the embolism; say why pressure matters." in result


def test_the_practitioner_is_emailed_once_the_grade_is_saved_with_the_result_and_a_link_to_the_comments(
    client, instructor, waiting_attempt, django_capture_on_commit_callbacks, mailoutbox, settings
):
    settings.BASE_URL = "https://ce.example.com"
    client.force_login(instructor)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("grading_admin:grade", args=[waiting_attempt.pk]), grading_form(waiting_attempt, "0.5"))

    graded = [message for message in mailoutbox if "graded" in message.subject]
    assert len(graded) == 1
    [email] = graded
    assert email.to == [waiting_attempt.enrollment.user.email]
    assert email.subject == f"Your answers to “{waiting_attempt.quiz.title}” are graded"
    assert "Result: not passed, 1.5 of 4 points (38%)." in email.body
    assert f"https://ce.example.com/learn/attempts/{waiting_attempt.pk}/" in email.body


def test_no_email_goes_out_when_a_grade_is_refused(
    client, instructor, waiting_attempt, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(instructor)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("grading_admin:grade", args=[waiting_attempt.pk]), grading_form(waiting_attempt, "4"))

    assert not [message for message in mailoutbox if "graded" in message.subject]


def test_a_score_beyond_the_questions_points_is_refused_and_nothing_changes(client, instructor, waiting_attempt):
    client.force_login(instructor)

    response = client.post(
        reverse("grading_admin:grade", args=[waiting_attempt.pk]), grading_form(waiting_attempt, "4")
    )

    assert response.status_code == 400
    assert "Ensure this value is less than or equal to 3" in response.content.decode()
    waiting_attempt.refresh_from_db()
    assert waiting_attempt.awaits_grading and waiting_attempt.essay_grades == {}


def test_an_attempt_is_graded_once(client, instructor, waiting_attempt):
    client.force_login(instructor)
    url = reverse("grading_admin:grade", args=[waiting_attempt.pk])
    client.post(url, grading_form(waiting_attempt, "0", "Does not answer the question."))

    response = client.post(url, grading_form(waiting_attempt, "3"), follow=True)

    assert "That attempt has been graded already." in response.content.decode()
    waiting_attempt.refresh_from_db()
    assert waiting_attempt.passed is False and waiting_attempt.score == Decimal(1)
    assert not Certificate.objects.exists()


def test_only_the_courses_own_instructors_see_and_grade_its_answers(client, catalogue, instructor, waiting_attempt):
    other = UserFactory(groups=[INSTRUCTORS], verified_email=True)
    CoursePageFactory(parent=catalogue, taught_by=other)
    client.force_login(other)

    assert "No written answers are waiting" in client.get(reverse("grading_admin:queue")).content.decode()
    url = reverse("grading_admin:grade", args=[waiting_attempt.pk])
    # Wagtail's admin answers a refusal by sending the user to its dashboard with the reason.
    refused = client.get(url, follow=True)
    assert refused.redirect_chain[-1][0] == reverse("wagtailadmin_home")
    assert "Deep pressure" not in refused.content.decode()
    assert client.post(url, grading_form(waiting_attempt, "3"))["Location"] == reverse("wagtailadmin_home")

    client.force_login(waiting_attempt.enrollment.user)  # the practitioner has no way into the admin
    response = client.get(url)
    assert response.status_code == 302 and "Deep pressure" not in response.content.decode()
    waiting_attempt.refresh_from_db()
    assert waiting_attempt.awaits_grading
