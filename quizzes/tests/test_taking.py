"""A practitioner takes a quiz over HTTP: rules first, then start, answer, save, submit, result."""

import re
from html.parser import HTMLParser

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from wagtail_factories import ImageFactory

from courses.models import LessonPage, LessonProgress
from courses.tests.factories import EnrollmentFactory
from quizzes.models import QuizAttempt
from quizzes.tests.factories import (
    QuizPageFactory,
    image_question,
    mixed_questions,
    right_answer_form,
    wrong_answer_form,
)

pytestmark = pytest.mark.django_db


def start(client, quiz):
    response = client.post(reverse("quizzes:start", args=[quiz.pk]))
    assert response.status_code == 302, response.content[:300]
    return QuizAttempt.objects.get(pk=int(re.search(r"/attempts/(\d+)/", response["Location"]).group(1)))


def test_the_quiz_page_states_the_grading_rules_and_pass_mark_before_the_start(practitioner_client, quiz):
    quiz.time_limit_minutes, quiz.max_attempts = 30, 3
    quiz.save_revision().publish()

    page = practitioner_client.get(quiz.url).content.decode()

    assert "You pass with <strong>70%</strong>" in page
    assert "4 questions" in page
    assert "You have 30 minutes from the start" in page
    assert "You may make 3 attempts" in page
    assert reverse("quizzes:start", args=[quiz.pk]) in page


def test_all_right_answers_pass_and_record_the_final_test_on_the_enrolment(practitioner_client, quiz, enrollment):
    attempt = start(practitioner_client, quiz)

    response = practitioner_client.post(
        reverse("certificates:submit_attempt", args=[attempt.pk]), right_answer_form(attempt)
    )

    assert response.status_code == 302
    result = practitioner_client.get(response["Location"]).content.decode()
    assert "Attempt 1: passed" in result
    assert "4 of 4 points (100%)" in result
    enrollment.refresh_from_db()
    assert enrollment.final_test_passed_at is not None
    course_page = practitioner_client.get(quiz.get_parent().url).content.decode()
    assert "Pass the final assessment." not in course_page


def test_wrong_answers_fail_and_the_course_still_asks_for_the_final_test(practitioner_client, quiz, enrollment):
    attempt = start(practitioner_client, quiz)

    practitioner_client.post(reverse("certificates:submit_attempt", args=[attempt.pk]), wrong_answer_form(attempt))

    attempt.refresh_from_db()
    assert (attempt.passed, attempt.percent) == (False, 0)
    enrollment.refresh_from_db()
    assert enrollment.final_test_passed_at is None
    assert "Pass the final assessment." in practitioner_client.get(quiz.get_parent().url).content.decode()


def test_answers_saved_as_you_go_come_back_on_the_attempt_page(practitioner_client, quiz):
    attempt = start(practitioner_client, quiz)
    question = attempt.questions[0]
    chosen = question["choices"][2]["key"]

    response = practitioner_client.post(
        reverse("quizzes:save", args=[attempt.pk]), {f"q.{question['key']}": chosen}, HTTP_ACCEPT="application/json"
    )

    assert response.status_code == 200 and "saved_at" in response.json()
    page = practitioner_client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    assert f'value="{chosen}" checked' in page


def test_an_image_question_shows_its_image_with_alt_text_and_grades_like_single_choice(
    practitioner_client, course, enrollment
):
    quiz = QuizPageFactory(
        parent=course,
        questions=[image_question(ImageFactory(title="Posterior shoulder", file__filename="infraspinatus.png"))],
    )
    attempt = start(practitioner_client, quiz)

    page = BeautifulSoup(practitioner_client.get(reverse("quizzes:attempt", args=[attempt.pk])).content, "html.parser")
    practitioner_client.post(reverse("certificates:submit_attempt", args=[attempt.pk]), right_answer_form(attempt))

    image = page.select_one(".question img")
    served = practitioner_client.get(image["src"])
    assert image["alt"] == "Posterior view of the scapula, one muscle outlined"
    assert "infraspinatus" not in image["src"].lower()  # the file name may name the answer
    assert served.status_code == 200 and served["Content-Type"].startswith("image/")
    assert "infraspinatus" not in str(served.headers).lower()
    other = EnrollmentFactory(course=course).user
    practitioner_client.force_login(other)
    assert practitioner_client.get(image["src"]).status_code == 404
    attempt.refresh_from_db()
    assert attempt.passed


def test_starting_again_continues_the_open_attempt(practitioner_client, quiz):
    first = start(practitioner_client, quiz)

    assert start(practitioner_client, quiz).pk == first.pk
    assert QuizAttempt.objects.count() == 1


class _PageText(HTMLParser):
    """Everything a browser receives: text, attribute values and script bodies."""

    def __init__(self):
        super().__init__()
        self.parts = []

    def handle_starttag(self, tag, attrs):
        self.parts.extend(value or "" for _, value in attrs)

    def handle_data(self, data):
        self.parts.append(data)


def test_the_attempt_page_and_its_script_hold_no_right_answer_or_feedback(practitioner_client, quiz, settings):
    attempt = start(practitioner_client, quiz)
    html = practitioner_client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    parser = _PageText()
    parser.feed(html)
    received = "\n".join(parser.parts)
    script = (settings.BASE_DIR / "static/js/quiz-attempt.js").read_text()

    secrets = [question["explanation"] for question in attempt.questions]
    secrets += [choice["feedback"] for question in attempt.questions for choice in question["choices"]]
    secrets = [secret for secret in secrets if secret]
    assert secrets
    for secret in secrets:
        assert secret not in html and secret not in received
    assert "correct" not in html.lower()
    assert "correct" not in script.lower()
    # Matching: the right-hand keys offered are not the left-hand keys, so the pairing cannot be read off.
    matching = next(question for question in attempt.questions if question["kind"] == "matching")
    for pair in matching["pairs"]:
        assert pair["left_key"] != pair["right_key"]


def test_answers_naming_choices_not_presented_are_refused_and_save_nothing(practitioner_client, quiz):
    attempt = start(practitioner_client, quiz)
    question = attempt.questions[0]

    response = practitioner_client.post(
        reverse("certificates:submit_attempt", args=[attempt.pk]), {f"q.{question['key']}": "not-a-choice"}
    )

    assert response.status_code == 400
    assert "was not among those presented" in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.is_open and attempt.answers == {}


def test_answers_to_questions_not_in_the_attempt_are_refused_as_json(practitioner_client, quiz):
    attempt = start(practitioner_client, quiz)

    response = practitioner_client.post(
        reverse("quizzes:save", args=[attempt.pk]), {"q.some-other-question": "x"}, HTTP_ACCEPT="application/json"
    )

    assert response.status_code == 400
    assert response.json() == {"error": "The form named a question that is not part of this attempt."}
    attempt.refresh_from_db()
    assert attempt.answers_saved_at is None


def test_someone_elses_attempt_is_not_found(client, quiz, practitioner_client):
    attempt = start(practitioner_client, quiz)
    from courses.tests.factories import EnrollmentFactory

    other = EnrollmentFactory(course=quiz.get_parent().specific)
    client.force_login(other.user)

    assert client.get(reverse("quizzes:attempt", args=[attempt.pk])).status_code == 404
    assert (
        client.post(reverse("certificates:submit_attempt", args=[attempt.pk]), right_answer_form(attempt)).status_code
        == 404
    )
    attempt.refresh_from_db()
    assert attempt.is_open


def test_a_practitioner_not_enrolled_is_told_to_enrol_and_cannot_start(client, quiz):
    from accounts.tests.factories import UserFactory

    client.force_login(UserFactory(verified_email=True))

    assert "Enroll in" in client.get(quiz.url).content.decode()
    response = client.post(reverse("quizzes:start", args=[quiz.pk]), follow=True)
    assert "Enroll in the course to take its quizzes." in response.content.decode()
    assert not QuizAttempt.objects.exists()


def test_an_unpublished_quiz_cannot_be_started(practitioner_client, course):
    draft = QuizPageFactory(parent=course, live=False, questions=mixed_questions(2))

    assert practitioner_client.post(reverse("quizzes:start", args=[draft.pk])).status_code == 404


@pytest.mark.parametrize("size", [5, 50])
def test_starting_saving_and_submitting_take_the_same_queries_however_many_questions(
    client, course, enrollment, size, django_assert_max_num_queries
):
    """Pinned per step; the same figures hold for 5 and for 50 questions."""
    quiz = QuizPageFactory(parent=course, questions=mixed_questions(size))
    client.force_login(enrollment.user)
    client.get(quiz.url)  # the first request of a site creates its settings row

    with django_assert_max_num_queries(QUIZ_PAGE_QUERIES):
        client.get(quiz.url)
    with django_assert_max_num_queries(START_QUERIES):
        attempt = start(client, quiz)
    with django_assert_max_num_queries(ATTEMPT_PAGE_QUERIES):
        client.get(reverse("quizzes:attempt", args=[attempt.pk]))
    with django_assert_max_num_queries(SAVE_QUERIES):
        client.post(
            reverse("quizzes:save", args=[attempt.pk]), right_answer_form(attempt), HTTP_ACCEPT="application/json"
        )
    with django_assert_max_num_queries(SUBMIT_QUERIES):
        client.post(reverse("certificates:submit_attempt", args=[attempt.pk]), right_answer_form(attempt))
    with django_assert_max_num_queries(RESULT_PAGE_QUERIES):
        client.get(reverse("quizzes:attempt", args=[attempt.pk]))
    attempt.refresh_from_db()
    assert attempt.passed and attempt.max_score == size


QUIZ_PAGE_QUERIES = 20  # with the lessons and study time a final taken early warns about
START_QUERIES = 14  # with the check that the practitioner does not teach or edit the course
ATTEMPT_PAGE_QUERIES = 8
SAVE_QUERIES = 4
SUBMIT_QUERIES = 25  # with the completion state (its assessments, the course-staff check) read after a passed final
RESULT_PAGE_QUERIES = 10  # a passed final links back to its course, where the certificate is


def test_a_final_before_the_lessons_are_done_warns_what_is_left_and_still_starts(practitioner_client, quiz, enrollment):
    page = practitioner_client.get(quiz.url).content.decode()

    assert "You still have 1 lesson to complete and 100 minutes of study time to go." in page
    assert "You may take the final assessment now" in page
    assert start(practitioner_client, quiz).is_open


def test_no_warning_once_the_lessons_and_study_time_are_done_or_for_a_knowledge_check(
    practitioner_client, quiz, course, enrollment
):
    knowledge_check = QuizPageFactory(parent=course, kind="knowledge_check", questions=mixed_questions(2))
    assert "You still have" not in practitioner_client.get(knowledge_check.url).content.decode()
    LessonProgress.objects.create(
        enrollment=enrollment,
        lesson=LessonPage.objects.child_of(course).get(),
        completed_at=enrollment.enrolled_at,
        study_seconds=100 * 60,
    )

    assert "You still have" not in practitioner_client.get(quiz.url).content.decode()
