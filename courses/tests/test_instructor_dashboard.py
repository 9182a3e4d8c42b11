"""An instructor's admin dashboard: their courses, the essays waiting for their grade, the questions waiting
for their answer and recent evaluations, in a number of queries that does not grow with their courses."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from courses.models import LessonPost
from quizzes.models import QuizAttempt
from quizzes.tests.factories import QuizPageFactory, essay

from .factories import CoursePageFactory, EnrollmentFactory, LessonPageFactory, instructor_add

# The whole admin home page for an instructor, Wagtail's own panels included.
INSTRUCTOR_DASHBOARD_QUERIES = 30


def submitted_for_grading(*, quiz, enrollment):
    """An attempt submitted with an essay no one has graded: neither passed nor failed."""
    return QuizAttempt.objects.create(
        quiz=quiz,
        enrollment=enrollment,
        number=1,
        questions=[],
        pass_mark_percent=70,
        started_at=timezone.now(),
        submitted_at=timezone.now(),
    )


def taught_course(catalogue, instructor, number, *, waiting=1):
    """A course the instructor teaches, with a question, and `waiting` essay attempts submitted for grading."""
    course = CoursePageFactory(parent=catalogue, title=f"Course {number}")
    instructor_add(course=course, user=instructor)
    lesson = LessonPageFactory(parent=course)
    final = QuizPageFactory(parent=course, questions=[essay()])
    for _ in range(waiting):
        enrollment = EnrollmentFactory(course=course)
        submitted_for_grading(quiz=final, enrollment=enrollment)
    LessonPost.objects.create(lesson=lesson, author=EnrollmentFactory(course=course).user, body_html="<p>Why?</p>")
    return course


def essays_panel(client):
    page = BeautifulSoup(client.get(reverse("wagtailadmin_home")).content, "html.parser")
    return page.select_one("#essays-to-grade-content, #essays-to-grade") or page


@pytest.mark.django_db
def test_the_instructor_sees_how_many_attempts_wait_for_grading_linked_to_the_queue(client, catalogue, roles):
    instructor = roles["instructor"]
    taught_course(catalogue, instructor, 1, waiting=2)
    taught_course(catalogue, instructor, 2, waiting=1)
    someone_elses = CoursePageFactory(parent=catalogue, title="Not theirs")
    their_final = QuizPageFactory(parent=someone_elses, questions=[essay()])
    submitted_for_grading(quiz=their_final, enrollment=EnrollmentFactory(course=someone_elses))
    client.force_login(instructor)

    panel = essays_panel(client)

    assert "3 quiz attempts wait for essay grading in your courses." in panel.get_text(" ", strip=True)
    assert panel.find("a", string="Open the grading queue")["href"] == reverse("grading_admin:queue")


@pytest.mark.django_db
def test_graded_and_unsubmitted_attempts_do_not_count(client, catalogue, roles):
    course = taught_course(catalogue, roles["instructor"], 1, waiting=1)
    QuizAttempt.objects.filter(enrollment__course=course).update(passed=True)
    client.force_login(roles["instructor"])

    assert "No quiz attempt in your courses waits for essay grading." in essays_panel(client).get_text(" ")


@pytest.mark.django_db
def test_the_instructor_dashboard_query_count_is_pinned_and_does_not_grow_with_courses(
    client, catalogue, roles, django_assert_max_num_queries
):
    instructor = roles["instructor"]
    taught_course(catalogue, instructor, 1)
    client.force_login(instructor)
    client.get(reverse("wagtailadmin_home"))  # sessions, permissions and the like cached as on any later visit

    with django_assert_max_num_queries(INSTRUCTOR_DASHBOARD_QUERIES) as one_course:
        assert client.get(reverse("wagtailadmin_home")).status_code == 200
    for number in range(2, 6):
        taught_course(catalogue, instructor, number, waiting=2)
    with django_assert_max_num_queries(len(one_course.captured_queries)):
        assert client.get(reverse("wagtailadmin_home")).status_code == 200
