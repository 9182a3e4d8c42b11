"""Short answer, numerical, essay and description questions as a practitioner meets them over HTTP:
typed into the attempt page, graded from the snapshot, read back on the result."""

import re
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from quizzes.choices import AnswerReveal
from quizzes.models import QuizAttempt
from quizzes.tests.factories import QuizPageFactory, description, essay, numerical, short_answer
from quizzes.tests.test_authoring import instructor  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def start(client, quiz) -> QuizAttempt:
    response = client.post(reverse("quizzes:start", args=[quiz.pk]))
    assert response.status_code == 302, response.content[:300]
    return QuizAttempt.objects.get(pk=int(re.search(r"/attempts/(\d+)/", response["Location"]).group(1)))


def key_of(attempt, kind: str) -> str:
    return next(question["key"] for question in attempt.questions if question["kind"] == kind)


def submit(client, attempt, data: dict):
    return client.post(reverse("certificates:submit_attempt", args=[attempt.pk]), data, follow=True)


@pytest.fixture
def typed_quiz(course):
    return QuizPageFactory(
        parent=course,
        kind="knowledge_check",
        reveal=AnswerReveal.AFTER_EACH_ATTEMPT,
        questions=[
            description("Case: a client, 54, two weeks after knee surgery."),
            short_answer(accepted=[("Levator scapulae", 100), ("levator*", 50)]),
            numerical(value="50", tolerance="0"),
        ],
    )


def test_the_attempt_page_offers_typed_fields_and_shows_a_description_without_a_number(practitioner_client, typed_quiz):
    attempt = start(practitioner_client, typed_quiz)

    page = practitioner_client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    soup = BeautifulSoup(page, "html.parser")

    assert "Case: a client, 54" in soup.select_one(".question-description").text
    legends = [legend.select_one(".question__number").text for legend in soup.select("legend")]
    assert legends == ["Question 1", "Question 2"]
    short = soup.select_one(f"input[name='q.{key_of(attempt, 'short_answer')}']")
    number = soup.select_one(f"input[name='q.{key_of(attempt, 'numerical')}']")
    assert short["type"] == "text" and short["maxlength"] == "500"
    assert number["inputmode"] == "decimal"
    assert soup.find("label", attrs={"for": short["id"]}).text == "Your answer"
    # Nothing the practitioner could read the answer from before submitting.
    assert "Levator scapulae" not in page and "levator*" not in page
    assert "You wrote" not in page


def test_typed_answers_are_graded_as_moodle_reads_them_and_read_back_with_the_right_answers(
    practitioner_client, typed_quiz
):
    attempt = start(practitioner_client, typed_quiz)

    response = submit(
        practitioner_client,
        attempt,
        {f"q.{key_of(attempt, 'short_answer')}": "  levator   SCAPULAE ", f"q.{key_of(attempt, 'numerical')}": "50,0"},
    )

    attempt.refresh_from_db()
    assert (attempt.score, attempt.max_score, attempt.passed) == (2, 2, True)
    soup = BeautifulSoup(response.content, "html.parser")
    answers = [block.text for block in soup.select(".typed-answer")]
    assert "levator   SCAPULAE" in answers[0] and "You wrote Levator scapulae." in answers[0]
    assert "Right answer Levator scapulae" in " ".join(answers[0].split())
    assert "50,0" in answers[1] and "Right answer 50" in " ".join(answers[1].split())


def test_a_wildcard_answer_earns_its_share(practitioner_client, typed_quiz):
    attempt = start(practitioner_client, typed_quiz)

    submit(practitioner_client, attempt, {f"q.{key_of(attempt, 'short_answer')}": "Levator muscle"})

    attempt.refresh_from_db()
    assert Decimal(attempt.question_scores[key_of(attempt, "short_answer")]) == Decimal("0.5")


def test_any_other_number_scores_nothing_and_reads_back_its_feedback(practitioner_client, course):
    # Moodle's test_import_numerical: {#3:2~#Completely wrong} is 3±2 at 100% and "*" at 0% with feedback.
    quiz = QuizPageFactory(
        parent=course,
        kind="knowledge_check",
        reveal=AnswerReveal.AFTER_EACH_ATTEMPT,
        questions=[numerical("What is a number from 1 to 5?", value="3", tolerance="2", any_other="Completely wrong")],
    )
    wrong = start(practitioner_client, quiz)

    response = submit(practitioner_client, wrong, {f"q.{key_of(wrong, 'numerical')}": "9"})

    wrong.refresh_from_db()
    assert (wrong.score, wrong.passed) == (0, False)
    read_back = " ".join(BeautifulSoup(response.content, "html.parser").select_one(".typed-answer").text.split())
    assert "Completely wrong" in read_back and "Right answer 3 (± 2)" in read_back

    right = start(practitioner_client, quiz)
    response = submit(practitioner_client, right, {f"q.{key_of(right, 'numerical')}": "4,5"})

    right.refresh_from_db()
    assert (right.score, right.passed) == (1, True)
    assert "Completely wrong" not in BeautifulSoup(response.content, "html.parser").select_one(".typed-answer").text


def test_a_number_that_is_not_one_is_refused_with_the_reason_and_nothing_is_graded(practitioner_client, typed_quiz):
    attempt = start(practitioner_client, typed_quiz)

    response = practitioner_client.post(
        reverse("certificates:submit_attempt", args=[attempt.pk]), {f"q.{key_of(attempt, 'numerical')}": "fifty"}
    )

    assert response.status_code == 400
    assert "“fifty” is not a number" in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.is_open


def test_an_essay_waits_for_grading_and_the_final_is_not_passed_until_then(practitioner_client, course, enrollment):
    final = QuizPageFactory(parent=course, questions=[essay(), short_answer(accepted=[("Deltoid", 100)])])

    page = practitioner_client.get(final.url).content.decode()
    assert "Written answers are graded by the course's instructors" in page
    assert "so does the course's completion and certificate" in page

    attempt = start(practitioner_client, final)
    form = practitioner_client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    textarea = BeautifulSoup(form, "html.parser").select_one(f"textarea[name='q.{key_of(attempt, 'essay')}']")
    assert textarea["maxlength"] == "20000"
    assert "Mentions embolism" not in form  # the grader's guidance stays with the graders

    response = submit(
        practitioner_client,
        attempt,
        {
            f"q.{key_of(attempt, 'essay')}": "Pressure may dislodge the clot.",
            f"q.{key_of(attempt, 'short_answer')}": "deltoid",
        },
    )

    attempt.refresh_from_db()
    enrollment.refresh_from_db()
    assert attempt.awaits_grading and attempt.passed is None
    assert enrollment.final_test_passed_at is None
    result = " ".join(BeautifulSoup(response.content, "html.parser").text.split())
    assert "Attempt 1: waiting for grading" in result
    assert "1 of 2 points so far, before grading" in result
    assert "Mentions embolism" not in result
    quiz_page = BeautifulSoup(practitioner_client.get(final.url).content, "html.parser")
    assert "Waiting for grading" in quiz_page.select_one("table").text


def test_the_editors_preview_shows_each_accepted_answer_with_its_weight_and_the_graders_guidance(
    client,
    course,
    instructor,  # noqa: F811
    django_assert_max_num_queries,
):
    quiz = QuizPageFactory(
        parent=course,
        questions=[
            short_answer(accepted=[("Levator scapulae", 100), ("levator*", 50)]),
            numerical(value="50", tolerance="2", any_other="Boards count 50 minutes."),
            essay(grader_info="Mentions embolism."),
        ],
    )

    with django_assert_max_num_queries(32):
        response = client.get(reverse("wagtailadmin_pages:view_draft", args=[quiz.pk]))

    soup = BeautifulSoup(response.content, "html.parser")
    shown = [" ".join(block.text.split()) for block in soup.select(".typed-answer")]
    assert shown[0] == (
        "Accepted answers Levator scapulae · 100% of the points You wrote Levator scapulae. "
        "levator* · 50% of the points You wrote levator*."
    )
    assert shown[1] == (
        "Accepted answers 50 (± 2) · 100% of the points Any other number · 0% of the points Boards count 50 minutes."
    )
    assert shown[2] == "Guidance for graders Mentions embolism."
    assert "(no answer)" not in soup.text and "Waiting for grading" not in soup.text


def test_an_attempt_never_shows_the_accepted_answers_or_the_graders_guidance(practitioner_client, course):
    quiz = QuizPageFactory(
        parent=course,
        questions=[numerical(any_other="Count the minutes again."), essay(grader_info="Mentions embolism.")],
    )
    attempt = start(practitioner_client, quiz)

    page = practitioner_client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()

    assert "Mentions embolism" not in page and "Count the minutes again" not in page and "Accepted answers" not in page
