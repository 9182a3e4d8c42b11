"""Grading is a pure function of the questions as presented and the answers: fair, bounded, order-blind."""

import random
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizzes.grading import Choice, InvalidAnswer, Question, QuestionKind, grade, question_score

PASS_MARK = Decimal(70)


def single(key, correct="b", points=1):
    return Question(
        key,
        QuestionKind.SINGLE,
        Decimal(points),
        tuple(Choice(letter, f"Choice {letter}", letter == correct) for letter in "abcd"),
    )


def multiple(key, correct=("a", "c"), partial=False, points=2):
    return Question(
        key,
        QuestionKind.MULTIPLE,
        Decimal(points),
        tuple(Choice(letter, f"Choice {letter}", letter in correct) for letter in "abcd"),
        partial_credit=partial,
    )


def matching(key, partial=False, points=3):
    pairs = {"Supraspinatus": "Abduction", "Infraspinatus": "External rotation", "Subscapularis": "Internal rotation"}
    return Question(key, QuestionKind.MATCHING, Decimal(points), pairs=pairs, partial_credit=partial)


def test_a_single_choice_scores_its_points_only_when_right():
    assert question_score(single("q"), "b") == Decimal(1)
    assert question_score(single("q"), "a") == Decimal(0)
    assert question_score(single("q"), None) == Decimal(0)


def test_multiple_select_is_all_or_nothing_unless_partial_credit_is_on():
    assert question_score(multiple("q"), {"a", "c"}) == Decimal(2)
    assert question_score(multiple("q"), {"a"}) == Decimal(0)
    assert question_score(multiple("q", partial=True), {"a"}) == Decimal(1)
    assert question_score(multiple("q", partial=True), {"a", "b"}) == Decimal(0)  # a wrong choice takes a share back
    assert question_score(multiple("q", partial=True), {"b", "d"}) == Decimal(0)  # never below zero


def test_matching_counts_pairs():
    right = {"Supraspinatus": "Abduction", "Infraspinatus": "External rotation", "Subscapularis": "Internal rotation"}
    one_wrong = {**right, "Subscapularis": "Abduction"}
    assert question_score(matching("q"), right) == Decimal(3)
    assert question_score(matching("q"), one_wrong) == Decimal(0)
    assert question_score(matching("q", partial=True), one_wrong) == Decimal(2)


def test_a_grade_reports_score_percent_and_pass_at_the_mark():
    questions = [single("1"), single("2"), single("3"), multiple("4", points=7)]

    passed = grade(questions, {"1": "b", "2": "b", "4": ["c", "a"]}, pass_mark_percent=PASS_MARK)
    failed = grade(questions, {"1": "b", "2": "b", "3": "b"}, pass_mark_percent=PASS_MARK)

    assert (passed.score, passed.max_score, passed.percent, passed.passed) == (
        Decimal(9),
        Decimal(10),
        Decimal(90),
        True,
    )
    assert (failed.percent, failed.passed) == (Decimal(30), False)


@pytest.mark.parametrize(
    "answers",
    [{"99": "a"}, {"1": "z"}, {"2": ["a", "z"]}, {"2": "a"}, {"1": ["b"]}, {"3": {"Deltoid": "Abduction"}}, {"3": "a"}],
)
def test_answers_naming_questions_or_choices_not_presented_are_rejected(answers):
    with pytest.raises(InvalidAnswer):
        grade([single("1"), multiple("2"), matching("3")], answers, pass_mark_percent=PASS_MARK)


@st.composite
def attempts(draw):
    """A random quiz of every kind of question, and random (valid) answers to it."""
    questions, answers = [], {}
    for number in range(draw(st.integers(1, 12))):
        key = f"q{number}"
        kind = draw(st.sampled_from(list(QuestionKind)))
        points = Decimal(draw(st.integers(1, 5)))
        partial = draw(st.booleans())
        if kind == QuestionKind.MATCHING:
            lefts = [f"L{n}" for n in range(draw(st.integers(2, 5)))]
            pairs = {left: f"R{index}" for index, left in enumerate(lefts)}
            questions.append(Question(key, kind, points, pairs=pairs, partial_credit=partial))
            answers[key] = {left: draw(st.sampled_from(list(pairs.values()))) for left in lefts}
            continue
        count = 2 if kind == QuestionKind.TRUE_FALSE else draw(st.integers(2, 6))
        correct = draw(st.sets(st.integers(0, count - 1), min_size=1, max_size=1 if kind != "multiple" else count))
        choices = tuple(Choice(f"c{n}", f"Choice {n}", n in correct) for n in range(count))
        questions.append(Question(key, kind, points, choices, partial_credit=partial))
        if kind == QuestionKind.MULTIPLE:
            answers[key] = draw(st.sets(st.sampled_from([c.key for c in choices])))
        else:
            answers[key] = draw(st.one_of(st.none(), st.sampled_from([c.key for c in choices])))
    return questions, answers


def all_correct(questions):
    answers = {}
    for question in questions:
        correct = [choice.key for choice in question.choices if choice.correct]
        if question.kind == QuestionKind.MATCHING:
            answers[question.key] = dict(question.pairs)
        elif question.kind == QuestionKind.MULTIPLE:
            answers[question.key] = set(correct)
        else:
            answers[question.key] = correct[0]
    return answers


@given(attempts())
def test_the_score_lies_between_zero_and_the_maximum(attempt):
    questions, answers = attempt
    result = grade(questions, answers, pass_mark_percent=PASS_MARK)

    assert Decimal(0) <= result.score <= result.max_score
    assert Decimal(0) <= result.percent <= Decimal(100)


@given(attempts(), st.randoms())
def test_reordering_questions_or_choices_does_not_change_the_grade(attempt, rng: random.Random):
    questions, answers = attempt
    shuffled = [
        Question(q.key, q.kind, q.points, tuple(rng.sample(q.choices, len(q.choices))), q.pairs, q.partial_credit)
        for q in rng.sample(questions, len(questions))
    ]

    assert grade(shuffled, answers, pass_mark_percent=PASS_MARK) == grade(
        questions, answers, pass_mark_percent=PASS_MARK
    )


@given(attempts())
def test_answering_everything_correctly_scores_the_maximum(attempt):
    questions, _ = attempt
    result = grade(questions, all_correct(questions), pass_mark_percent=PASS_MARK)

    assert result.score == result.max_score and result.percent == Decimal(100) and result.passed


def test_shares_add_up_exactly_before_the_pass_mark_is_applied():
    """Six whole questions and three thirds of partly right ones make exactly 7 of 10 points: a pass at 70%."""
    questions = [single(f"s{n}") for n in range(6)] + [matching(f"m{n}", points=1, partial=True) for n in range(3)]
    questions.append(single("last"))
    answers = {f"s{n}": "b" for n in range(6)}
    answers.update({f"m{n}": {"Supraspinatus": "Abduction"} for n in range(3)})  # one pair of three right in each

    result = grade(questions, answers, pass_mark_percent=PASS_MARK)

    assert (result.score, result.percent, result.passed) == (Decimal(7), Decimal(70), True)
    assert result.question_scores["m0"] == Decimal("0.33")  # shown rounded down; summed exactly
