"""A course's quizzes are exported, imported and analysed by its own instructors (and reviewers);
whoever can see a course's answers cannot sit its assessments."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from courses.services import INSTRUCTORS, REVIEWERS, authoring_roles_setup
from courses.tests.factories import CoursePageFactory, EnrollmentFactory, LessonPageFactory
from lms.errors import NotPermitted
from quizzes.models import QuizAttempt
from quizzes.services import quiz_questions_import

from .factories import QuizPageFactory

pytestmark = pytest.mark.django_db

GIFT = "What drains the upper limb? {=Axillary nodes ~Inguinal nodes ~Popliteal nodes ~Cervical nodes}"
QUIZ_TOOLS = ("quizzes_analysis", "quizzes_gift_export", "quizzes_gift_import")


@pytest.fixture
def instructor(catalogue):
    authoring_roles_setup(catalogue=catalogue)
    return UserFactory(groups=[INSTRUCTORS], verified_email=True)


def quiz_of(catalogue, **course_fields):
    course = CoursePageFactory(parent=catalogue, **course_fields)
    LessonPageFactory(parent=course)
    return QuizPageFactory(parent=course)


def test_an_instructor_uses_the_quiz_tools_of_their_own_course_only(client, catalogue, instructor):
    theirs = quiz_of(catalogue, taught_by=instructor)
    other = quiz_of(catalogue, taught_by=UserFactory(groups=[INSTRUCTORS]))
    client.force_login(instructor)

    for name in QUIZ_TOOLS:
        assert client.get(reverse(name, args=[theirs.pk])).status_code == 200, name
        assert refused(client.get(reverse(name, args=[other.pk]))), name
    assert refused(client.get(reverse("wagtailadmin_pages:view_draft", args=[other.pk])))


def refused(response) -> bool:
    """The admin answers a refusal by sending the person to its dashboard, with nothing of the page."""
    return response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")


def test_the_import_service_checks_who_asks_and_lets_system_callers_through(catalogue, instructor):
    quiz = quiz_of(catalogue)
    revisions = quiz.revisions.count()

    with pytest.raises(NotPermitted):
        quiz_questions_import(quiz=quiz, user=instructor, text=GIFT)
    assert quiz.revisions.count() == revisions

    assert quiz_questions_import(quiz=quiz, user=None, text=GIFT, skip_permission_checks=True) == 1


@pytest.mark.parametrize("role", ["instructor", "reviewer"])
def test_someone_who_can_see_the_answers_cannot_start_the_assessment(client, catalogue, instructor, role):
    person = instructor if role == "instructor" else UserFactory(groups=[REVIEWERS], verified_email=True)
    quiz = quiz_of(catalogue, taught_by=person if role == "instructor" else None)
    EnrollmentFactory(user=person, course=quiz.get_parent().specific)
    client.force_login(person)

    response = client.post(reverse("quizzes:start", args=[quiz.pk]), follow=True)

    assert "You teach or edit this course, so you cannot take its assessments." in response.content.decode()
    assert not QuizAttempt.objects.exists()
