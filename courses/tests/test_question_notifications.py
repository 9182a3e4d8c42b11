"""A practitioner's question under a lesson emails the course's instructors, with where to answer it."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.tests.factories import UserFactory
from lms.models import base_url

from .factories import InstructorFactory
from .test_discussion import ask, lesson_with_people  # noqa: F401 (the fixture)


@pytest.fixture
def two_instructors(lesson_with_people):  # noqa: F811
    second = UserFactory(first_name="Tomas", email="tomas@example.com")
    lesson_with_people["course"].instructors.add(
        InstructorFactory(name="Tomas Reyes", user=second), InstructorFactory(name="No Account", user=None)
    )
    lesson_with_people["course"].save()
    return [lesson_with_people["teacher"], second]


def test_a_question_emails_each_instructor_once_with_the_question_and_where_to_answer_it(
    client,
    lesson_with_people,  # noqa: F811
    two_instructors,
    django_capture_on_commit_callbacks,
):
    lesson = lesson_with_people["lesson"]
    client.force_login(lesson_with_people["student"])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        ask(client, lesson, "Can MLD follow a knee replacement in week one?")

    assert sorted(address for message in mail.outbox for address in message.to) == sorted(
        user.email for user in two_instructors
    )
    assert lesson_with_people["student"].email not in {address for message in mail.outbox for address in message.to}
    message = mail.outbox[0]
    assert "Post-operative protocols" in message.subject
    assert "Minh N. asked a question" in message.body
    assert "Can MLD follow a knee replacement in week one?" in message.body
    assert f"{base_url()}{lesson.url}#questions" in message.body
    assert "@example.com" not in message.body  # the asker's address is never given


def test_no_email_leaves_before_the_question_is_committed(client, lesson_with_people, two_instructors):  # noqa: F811
    client.force_login(lesson_with_people["student"])
    mail.outbox.clear()

    ask(client, lesson_with_people["lesson"], "Is cupping contraindicated here?")  # the test's transaction stays open

    assert mail.outbox == []


def test_an_instructors_answer_emails_no_instructor(
    client,
    lesson_with_people,  # noqa: F811
    two_instructors,
    django_capture_on_commit_callbacks,
):
    client.force_login(lesson_with_people["student"])
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, lesson_with_people["lesson"], "How soon after surgery?")
    question = lesson_with_people["lesson"].posts.get()
    mail.outbox.clear()
    client.force_login(lesson_with_people["teacher"])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("courses:answer_question", args=[question.pk]), {"text": "With the surgeon's clearance."})

    assert question.answers.count() == 1
    assert mail.outbox == []
