"""What a practitioner reads after submitting: the score as people write it, which questions were wrong
where the quiz allows it, and what to do next."""

import re
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from courses.tests.factories import LessonPageFactory
from quizzes.models import QuizAttempt
from quizzes.presentation import right_answers
from quizzes.templatetags.quiz_tags import attempt_score
from quizzes.tests.factories import QuizPageFactory, answer_form, single_choice, wrong_answer_form


def graded(score, max_score, percent, *, passed=False) -> QuizAttempt:
    return QuizAttempt(
        score=Decimal(score),
        max_score=Decimal(max_score),
        percent=Decimal(percent),
        pass_mark_percent=Decimal(70),
        passed=passed,
    )


@pytest.mark.parametrize(
    ("attempt", "shown"),
    [
        (graded("5.00", "12.00", "41.66"), "5 of 12 points (42%)"),
        (graded("4.50", "6.00", "75.00", passed=True), "4.5 of 6 points (75%)"),
        (graded("1.00", "3.00", "33.33"), "1 of 3 points (33%)"),
        (graded("40.00", "40.00", "100.00", passed=True), "40 of 40 points (100%)"),
        (graded("0.00", "4.00", "0.00"), "0 of 4 points (0%)"),
    ],
)
def test_a_score_reads_as_points_of_points_and_a_whole_percentage_rounded_as_people_round(attempt, shown):
    assert attempt_score(attempt) == shown


def test_a_failed_score_just_under_the_pass_mark_is_never_rounded_up_to_it():
    assert attempt_score(graded("69.60", "100.00", "69.60")) == "69.6 of 100 points (69.6%)"
    assert attempt_score(graded("69.49", "100.00", "69.49")) == "69.49 of 100 points (69%)"


def start(client, quiz) -> QuizAttempt:
    response = client.post(reverse("quizzes:start", args=[quiz.pk]))
    return QuizAttempt.objects.get(pk=int(re.search(r"/attempts/(\d+)/", response["Location"]).group(1)))


def answers_right_up_to(attempt, count: int) -> dict:
    """The first `count` questions answered right, the others wrongly."""
    data = wrong_answer_form(attempt)
    data.update(answer_form(right_answers(attempt.questions[:count])))
    return data


@pytest.mark.django_db
def test_the_result_and_the_quiz_page_show_five_of_twelve_as_forty_two_percent(course, enrollment, client):
    quiz = QuizPageFactory(parent=course, questions=[single_choice(prompt=f"Question {n}?") for n in range(12)])
    client.force_login(enrollment.user)
    attempt = start(client, quiz)
    client.post(reverse("certificates:submit_attempt", args=[attempt.pk]), answers_right_up_to(attempt, 5))

    attempt.refresh_from_db()
    assert attempt.percent == Decimal("41.66")  # stored rounded down: the pass decision reads exact fractions
    result = client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    assert "5 of 12 points (42%)" in result and "41.66" not in result
    assert "5 of 12 points (42%)" in client.get(quiz.url).content.decode()


@pytest.mark.django_db
def test_a_failed_attempt_names_its_wrong_questions_without_their_answers_where_the_quiz_allows_it(
    course, enrollment, client
):
    quiz = QuizPageFactory(
        parent=course,
        mark_wrong_questions=True,
        reveal="after_passing",
        questions=[single_choice(prompt=f"Question {n}?", right=f"Right {n}") for n in range(4)],
    )
    client.force_login(enrollment.user)
    attempt = start(client, quiz)

    client.post(reverse("certificates:submit_attempt", args=[attempt.pk]), answers_right_up_to(attempt, 2))

    page = BeautifulSoup(client.get(reverse("quizzes:attempt", args=[attempt.pk])).content, "html.parser")
    text = " ".join(page.text.split())
    assert "Questions 3 and 4 did not earn full points; the right answers are not shown." in text
    badges = [legend.select_one(".badge").text for legend in page.select("legend")]
    assert badges == ["Right", "Right", "Wrong", "Wrong"]
    assert "Right answer" not in text  # no choice is marked as the right one


@pytest.mark.django_db
def test_by_default_a_failed_final_names_no_question(course, enrollment, client):
    quiz = QuizPageFactory(parent=course, questions=[single_choice(prompt=f"Question {n}?") for n in range(4)])
    client.force_login(enrollment.user)
    attempt = start(client, quiz)

    client.post(reverse("certificates:submit_attempt", args=[attempt.pk]), answers_right_up_to(attempt, 1))

    page = BeautifulSoup(client.get(reverse("quizzes:attempt", args=[attempt.pk])).content, "html.parser")
    assert "did not earn full points" not in page.text
    assert not page.select("legend .badge")


@pytest.mark.django_db
def test_a_passed_knowledge_check_leads_on_to_the_next_lesson(course, enrollment, client):
    quiz = QuizPageFactory(parent=course, kind="knowledge_check")
    following = LessonPageFactory(parent=course, title="Lesson after the check")
    client.force_login(enrollment.user)
    attempt = start(client, quiz)

    client.post(
        reverse("certificates:submit_attempt", args=[attempt.pk]), answer_form(right_answers(attempt.questions))
    )

    page = BeautifulSoup(client.get(reverse("quizzes:attempt", args=[attempt.pk])).content, "html.parser")
    link = page.select_one(f"a[href='{following.url}']")
    assert link is not None and link.text == "Lesson after the check"
