import pytest

from courses.tests.factories import CoursePageFactory, EnrollmentFactory, LessonPageFactory
from quizzes.tests.factories import QuizPageFactory


@pytest.fixture
def course(catalogue):
    course = CoursePageFactory(parent=catalogue)
    LessonPageFactory(parent=course)
    return course


@pytest.fixture
def quiz(course):
    return QuizPageFactory(parent=course)


@pytest.fixture
def enrollment(course):
    return EnrollmentFactory(course=course)


@pytest.fixture
def practitioner_client(client, enrollment):
    client.force_login(enrollment.user)
    return client
