"""The quiz's rules, on the server's clock: time limits, attempts, waiting times, one grade per attempt."""

import datetime as dt
import random
import threading

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from quizzes import services
from quizzes.models import AnswerReveal, QuizAttempt
from quizzes.services import SUBMISSION_GRACE
from quizzes.tests.factories import QuizPageFactory, matching, pool, right_answer_form, single_choice, wrong_answer_form
from quizzes.tests.test_taking import start

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)


def answers_of(form_data: dict, attempt) -> dict:
    from django.http import QueryDict

    from quizzes.forms import answers_from_post

    query = QueryDict(mutable=True)
    for name, value in form_data.items():
        query.setlist(name, value if isinstance(value, list) else [value])
    return answers_from_post(query, attempt.questions)


def publish(quiz, **settings):
    for name, value in settings.items():
        setattr(quiz, name, value)
    quiz.save_revision().publish()
    quiz.refresh_from_db()
    return quiz


def test_a_submission_within_the_grace_is_graded_on_what_was_sent(practitioner_client, quiz):
    publish(quiz, time_limit_minutes=10)
    with time_machine.travel(T0, tick=False) as clock:
        attempt = start(practitioner_client, quiz)
        clock.move_to(T0 + dt.timedelta(minutes=10) + SUBMISSION_GRACE)
        practitioner_client.post(reverse("certificates:submit_attempt", args=[attempt.pk]), right_answer_form(attempt))

    attempt.refresh_from_db()
    assert attempt.passed and not attempt.timed_out
    assert attempt.submitted_at == T0 + dt.timedelta(minutes=10) + SUBMISSION_GRACE


def test_a_late_submission_is_graded_as_of_the_limit_with_the_answers_saved_by_then(practitioner_client, quiz):
    publish(quiz, time_limit_minutes=10)
    with time_machine.travel(T0, tick=False) as clock:
        attempt = start(practitioner_client, quiz)
        first = attempt.questions[0]
        right = next(choice["key"] for choice in first["choices"] if choice["correct"])
        clock.move_to(T0 + dt.timedelta(minutes=5))
        practitioner_client.post(reverse("quizzes:save", args=[attempt.pk]), {f"q.{first['key']}": right})
        clock.move_to(T0 + dt.timedelta(minutes=10) + SUBMISSION_GRACE + dt.timedelta(seconds=1))
        response = practitioner_client.post(
            reverse("certificates:submit_attempt", args=[attempt.pk]), right_answer_form(attempt)
        )
        result = practitioner_client.get(response["Location"]).content.decode()

    attempt.refresh_from_db()
    assert attempt.timed_out
    assert attempt.submitted_at == T0 + dt.timedelta(minutes=10)
    assert attempt.score == 1  # only the answer saved before the limit
    assert "graded at the time limit" in result


def test_saving_after_the_limit_saves_nothing_and_closes_the_attempt(practitioner_client, quiz):
    publish(quiz, time_limit_minutes=10)
    with time_machine.travel(T0, tick=False) as clock:
        attempt = start(practitioner_client, quiz)
        clock.move_to(T0 + dt.timedelta(minutes=11))
        response = practitioner_client.post(
            reverse("quizzes:save", args=[attempt.pk]), right_answer_form(attempt), HTTP_ACCEPT="application/json"
        )

    assert response.status_code == 409
    assert response.json()["error"].startswith("Time is up")
    attempt.refresh_from_db()
    assert attempt.answers == {} and attempt.timed_out and attempt.score == 0


def test_an_attempt_left_open_past_its_limit_is_graded_when_next_seen(practitioner_client, quiz):
    publish(quiz, time_limit_minutes=10)
    with time_machine.travel(T0, tick=False) as clock:
        attempt = start(practitioner_client, quiz)
        clock.move_to(T0 + dt.timedelta(hours=3))
        page = practitioner_client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()

    assert "not passed" in page
    attempt.refresh_from_db()
    assert attempt.submitted_at == T0 + dt.timedelta(minutes=10)


def test_submitting_twice_grades_once(practitioner_client, quiz):
    attempt = start(practitioner_client, quiz)
    submit_url = reverse("certificates:submit_attempt", args=[attempt.pk])

    practitioner_client.post(submit_url, wrong_answer_form(attempt))
    practitioner_client.post(submit_url, right_answer_form(attempt))

    attempt.refresh_from_db()
    assert attempt.passed is False and attempt.percent == 0
    assert QuizAttempt.objects.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_racing_submissions_grade_once(catalogue):
    """Eight requests submit the same attempt at once, half right and half wrong: one grade stands."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    from courses.tests.factories import CoursePageFactory, EnrollmentFactory

    course = CoursePageFactory(parent=catalogue)
    quiz = QuizPageFactory(parent=course)
    enrollment = EnrollmentFactory(course=course)
    attempt = services.attempt_start(quiz=quiz, user=enrollment.user)
    forms = [right_answer_form(attempt), wrong_answer_form(attempt)]
    barrier = threading.Barrier(8)
    outcomes = []

    def submit(n):
        try:
            mine = QuizAttempt.objects.select_related("quiz").get(pk=attempt.pk)
            barrier.wait()
            graded = services.attempt_submit(attempt=mine, answers=answers_of(forms[n % 2], mine))
            outcomes.append((graded.passed, graded.submitted_at))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    attempt.refresh_from_db()
    assert len(outcomes) == 8
    assert set(outcomes) == {(attempt.passed, attempt.submitted_at)}


def test_attempts_beyond_the_maximum_are_refused(practitioner_client, quiz):
    publish(quiz, max_attempts=2)
    for _ in range(2):
        attempt = start(practitioner_client, quiz)
        practitioner_client.post(reverse("certificates:submit_attempt", args=[attempt.pk]), wrong_answer_form(attempt))

    response = practitioner_client.post(reverse("quizzes:start", args=[quiz.pk]), follow=True)

    assert "You have used all 2 attempts at this quiz." in response.content.decode()
    assert QuizAttempt.objects.count() == 2


def test_the_next_attempt_waits_and_the_message_says_when_it_opens(practitioner_client, quiz):
    publish(quiz, wait_minutes=60)
    with time_machine.travel(T0, tick=False) as clock:
        attempt = start(practitioner_client, quiz)
        practitioner_client.post(reverse("certificates:submit_attempt", args=[attempt.pk]), wrong_answer_form(attempt))
        clock.move_to(T0 + dt.timedelta(minutes=59))
        refused = practitioner_client.post(reverse("quizzes:start", args=[quiz.pk]), follow=True).content.decode()
        clock.move_to(T0 + dt.timedelta(minutes=60, seconds=1))
        second = start(practitioner_client, quiz)

    assert "Your next attempt opens on November 24, 2026 at 05:00 EST." in refused
    assert second.number == 2


def test_a_passed_final_assessment_is_not_taken_again(practitioner_client, quiz):
    attempt = start(practitioner_client, quiz)
    practitioner_client.post(reverse("certificates:submit_attempt", args=[attempt.pk]), right_answer_form(attempt))

    response = practitioner_client.post(reverse("quizzes:start", args=[quiz.pk]), follow=True)

    assert "You have passed this assessment." in response.content.decode()


@pytest.mark.parametrize(
    ("reveal", "passes", "max_attempts", "shown"),
    [
        (AnswerReveal.AFTER_EACH_ATTEMPT, False, None, True),
        (AnswerReveal.AFTER_PASSING, False, None, False),
        (AnswerReveal.AFTER_PASSING, True, None, True),
        (AnswerReveal.AFTER_LAST_ATTEMPT, False, 2, False),
        (AnswerReveal.AFTER_LAST_ATTEMPT, False, 1, True),
        (AnswerReveal.NEVER, True, None, False),
    ],
)
def test_right_answers_and_explanations_show_as_the_reveal_setting_allows(
    practitioner_client, quiz, reveal, passes, max_attempts, shown
):
    publish(quiz, reveal=reveal, max_attempts=max_attempts)
    attempt = start(practitioner_client, quiz)
    form = right_answer_form(attempt) if passes else wrong_answer_form(attempt)

    response = practitioner_client.post(reverse("certificates:submit_attempt", args=[attempt.pk]), form, follow=True)

    page = response.content.decode()
    assert ("Because of Supraspinatus." in page) is shown
    assert ("Right answer" in page) is shown
    picked_feedback = "Yes: Supraspinatus is right." if passes else "No: not Teres minor."
    assert (picked_feedback in page) is shown
    assert ("scored" in page) is shown  # a question's own score would give its answer away


def test_pools_draw_questions_not_seen_before_first(practitioner_client, course):
    questions = [pool(draw=2, questions=[single_choice(prompt=f"Pool question {n}?") for n in range(4)])]
    quiz = QuizPageFactory(parent=course, kind="knowledge_check", questions=questions)
    seen = []
    for _ in range(2):
        attempt = start(practitioner_client, quiz)
        assert len(attempt.questions) == 2
        seen.append({question["key"] for question in attempt.questions})
        practitioner_client.post(reverse("certificates:submit_attempt", args=[attempt.pk]), wrong_answer_form(attempt))

    assert seen[0].isdisjoint(seen[1])


def test_choices_and_questions_shuffle_per_attempt_when_set(course):
    from quizzes.presentation import present_questions

    quiz = QuizPageFactory(parent=course, questions=[single_choice(prompt=f"Q{n}") for n in range(6)])
    orders = set()
    for seed in range(10):
        snapshot = present_questions(
            quiz.questions, rng=random.Random(seed), shuffle_questions=True, shuffle_choices=True
        )
        orders.add(tuple(question["prompt"] for question in snapshot))
        orders.add(tuple(choice["text"] for choice in snapshot[0]["choices"]))
    plain = present_questions(quiz.questions, rng=random.Random(1), shuffle_questions=False, shuffle_choices=False)

    assert len(orders) > 10
    assert [question["prompt"] for question in plain] == [f"<p>Q{n}</p>" for n in range(6)]
    assert plain[0]["choices"][0]["text"] == "Supraspinatus"


def test_editing_the_quiz_later_never_changes_a_past_grade(practitioner_client, quiz):
    attempt = start(practitioner_client, quiz)
    practitioner_client.post(reverse("certificates:submit_attempt", args=[attempt.pk]), right_answer_form(attempt))
    before = QuizAttempt.objects.get(pk=attempt.pk)

    quiz.questions = [matching(prompt="A new question"), single_choice(prompt="Another")]
    quiz.save_revision().publish()
    page = practitioner_client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()

    after = QuizAttempt.objects.get(pk=attempt.pk)
    assert (after.score, after.percent, after.questions) == (before.score, before.percent, before.questions)
    assert "Question 1?" in page and "A new question" not in page


def test_starting_records_the_deadline_on_the_server_clock(practitioner_client, quiz):
    publish(quiz, time_limit_minutes=45)
    with time_machine.travel(T0, tick=False):
        attempt = start(practitioner_client, quiz)
    assert attempt.deadline == T0 + dt.timedelta(minutes=45)
    assert attempt.started_at == T0 and timezone.is_aware(attempt.deadline)


def test_an_attempt_left_to_expire_still_counts_towards_the_maximum(practitioner_client, quiz):
    publish(quiz, max_attempts=2, time_limit_minutes=10, reveal=AnswerReveal.AFTER_LAST_ATTEMPT)
    with time_machine.travel(T0, tick=False) as clock:
        first = start(practitioner_client, quiz)
        practitioner_client.post(reverse("certificates:submit_attempt", args=[first.pk]), wrong_answer_form(first))
        second = start(practitioner_client, quiz)
        clock.move_to(T0 + dt.timedelta(minutes=30))
        refused = practitioner_client.post(reverse("quizzes:start", args=[quiz.pk]), follow=True).content.decode()

    assert "You have used all 2 attempts at this quiz." in refused
    assert QuizAttempt.objects.count() == 2
    second.refresh_from_db()
    assert second.timed_out and second.submitted_at == T0 + dt.timedelta(minutes=10)


def test_the_quiz_page_grades_an_attempt_left_past_its_limit(practitioner_client, quiz):
    publish(quiz, time_limit_minutes=10)
    with time_machine.travel(T0, tick=False) as clock:
        attempt = start(practitioner_client, quiz)
        clock.move_to(T0 + dt.timedelta(hours=2))
        page = practitioner_client.get(quiz.url).content.decode()

    assert "Continue attempt" not in page
    assert "(time limit)" in page
    attempt.refresh_from_db()
    assert not attempt.is_open


def test_bad_answers_after_the_limit_do_not_keep_the_attempt_open(practitioner_client, quiz):
    publish(quiz, time_limit_minutes=10)
    with time_machine.travel(T0, tick=False) as clock:
        attempt = start(practitioner_client, quiz)
        clock.move_to(T0 + dt.timedelta(minutes=20))
        response = practitioner_client.post(
            reverse("certificates:submit_attempt", args=[attempt.pk]), {"q.nonsense": "x"}
        )

    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.timed_out and not attempt.is_open


def test_a_knowledge_check_passed_before_it_became_the_final_does_not_count_as_the_final(practitioner_client, quiz):
    publish(quiz, kind="knowledge_check")
    attempt = start(practitioner_client, quiz)
    practitioner_client.post(reverse("certificates:submit_attempt", args=[attempt.pk]), right_answer_form(attempt))

    publish(quiz, kind="final")
    page = practitioner_client.get(quiz.url).content.decode()

    assert "You have passed this assessment." not in page
    assert "Start attempt 2" in page


def test_autosave_after_the_session_ends_answers_401_in_json(client, quiz, practitioner_client):
    attempt = start(practitioner_client, quiz)
    practitioner_client.logout()

    response = practitioner_client.post(
        reverse("quizzes:save", args=[attempt.pk]), right_answer_form(attempt), HTTP_ACCEPT="application/json"
    )

    assert response.status_code == 401
    assert response.json() == {"error": "You are no longer logged in: log in again to save your answers."}
