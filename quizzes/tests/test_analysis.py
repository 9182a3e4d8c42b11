"""Item analysis: pass rate, score distribution, and which questions are too easy, too hard or weak."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from courses.services import REVIEWERS, authoring_roles_setup
from courses.tests.factories import EnrollmentFactory
from quizzes import services
from quizzes.admin_views import _analysis_csv
from quizzes.analysis import SubmittedAttempt, analyse
from quizzes.forms import answers_from_post
from quizzes.tests.factories import QuizPageFactory, single_choice


def attempt(percent, right: set, keys=("good", "easy", "bad")):
    questions = [{"key": key, "kind": "single", "prompt": f"<p>Question {key}</p>", "points": "1"} for key in keys]
    scores = {key: "1" if key in right else "0" for key in keys}
    return SubmittedAttempt(Decimal(percent), Decimal(percent) >= 70, questions, scores)


def test_difficulty_discrimination_and_flags():
    # Strong practitioners get "good" right and weak ones miss it; everyone gets "easy";
    # the weakest get "bad" right and the strongest miss it.
    attempts = [
        attempt(100, {"good", "easy"}),
        attempt(90, {"good", "easy"}),
        attempt(70, {"good", "easy"}),
        attempt(40, {"easy", "bad"}),
        attempt(30, {"easy", "bad"}),
        attempt(20, {"easy", "bad"}),
    ]

    result = analyse(attempts)

    assert (result.attempts, result.passed, result.pass_percent) == (6, 3, 50)
    assert result.average_percent == Decimal("58.33")
    assert dict(result.distribution)["90-100%"] == 2 and dict(result.distribution)["20-29%"] == 1
    by_key = {item.key: item for item in result.questions}
    assert (by_key["good"].difficulty, by_key["good"].discrimination, by_key["good"].flags) == (0.5, 1.0, [])
    assert by_key["easy"].difficulty == 1.0 and by_key["easy"].flags == ["very easy", "weak discrimination"]
    assert by_key["bad"].discrimination == -1.0
    assert "stronger practitioners miss it more" in by_key["bad"].flags
    assert by_key["good"].prompt == "Question good"


def test_a_description_between_questions_is_not_analysed_as_one():
    graded = attempt(100, {"good"}, keys=("good",))
    graded.questions.append({"key": "case", "kind": "description", "prompt": "<p>A case.</p>", "points": "0"})

    assert [item.key for item in analyse([graded]).questions] == ["good"]


def test_no_attempts_gives_an_empty_analysis():
    result = analyse([])
    assert (result.attempts, result.pass_percent, result.average_percent, result.questions) == (0, None, None, [])


@pytest.mark.django_db
def test_reviewers_read_the_analysis_and_download_it_as_csv(client, catalogue):
    authoring_roles_setup(catalogue=catalogue)
    from courses.tests.factories import CoursePageFactory

    course = CoursePageFactory(parent=catalogue)
    quiz = QuizPageFactory(parent=course, questions=[single_choice(prompt="=HYPERLINK(1)"), single_choice()])
    for right in (True, True, False):
        taken = services.attempt_start(quiz=quiz, user=EnrollmentFactory(course=course).user)
        answers = {}
        for question in taken.questions:
            choice = next(c for c in question["choices"] if c["correct"] is right)
            answers[f"q.{question['key']}"] = choice["key"]
        from django.http import QueryDict

        data = QueryDict(mutable=True)
        data.update(answers)
        services.attempt_submit(attempt=taken, answers=answers_from_post(data, taken.questions))
    client.force_login(UserFactory(groups=[REVIEWERS]))

    page = client.get(reverse("quizzes_analysis", args=[quiz.pk])).content.decode()
    download = client.get(reverse("quizzes_analysis", args=[quiz.pk]), {"export": "csv"})

    assert "Submitted attempts</dt><dd>3" in page
    assert "67% (2 passed)" in page
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert rows[0][:4] == ["Question", "Presented", "Difficulty (share fully right)", "Discrimination"]
    assert rows[1][:3] == ["'=HYPERLINK(1)", "3", "0.67"]  # a formula-looking prompt stays text


def test_the_analysis_csv_keeps_formula_prompts_as_text_and_negative_discrimination_a_number():
    def taken(percent, right: set):
        questions = [
            {"key": key, "kind": "single", "prompt": f"<p>{key}</p>", "points": "1"}
            for key in ("@SUM(A1)", "-2+3", "+cmd")
        ]
        scores = {question["key"]: "1" if question["key"] in right else "0" for question in questions}
        return SubmittedAttempt(Decimal(percent), Decimal(percent) >= 70, questions, scores)

    # The weakest get "-2+3" right and the strongest miss it: its discrimination is -1.00.
    result = analyse([taken(100, {"@SUM(A1)", "+cmd"}), taken(90, {"@SUM(A1)", "+cmd"}), taken(30, {"-2+3"})])
    quiz = QuizPageFactory.build(title="Shoulder girdle final test")

    response = _analysis_csv(quiz, result)

    assert response["Content-Disposition"] == 'attachment; filename="shoulder-girdle-final-test-analysis.csv"'
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row[0] for row in rows[1:]] == ["'@SUM(A1)", "'-2+3", "'+cmd"]
    assert rows[2][2:4] == ["0.33", "-1.00"]
