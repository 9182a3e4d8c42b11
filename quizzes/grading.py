"""Grading a quiz attempt: pure functions of the questions exactly as presented and the answers given.

An attempt stores its questions as shown (order, wording, choices); grading reads only that snapshot
and the answers, so editing a quiz later never changes a past grade. Points and scores are Decimals.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction


class QuestionKind(StrEnum):
    SINGLE = "single"  # one correct choice; image questions are single-choice questions with an image
    MULTIPLE = "multiple"  # select every correct choice
    TRUE_FALSE = "true_false"
    MATCHING = "matching"  # pair each left-hand item with its right-hand item


@dataclass(frozen=True)
class Choice:
    key: str
    text: str
    correct: bool = False


@dataclass(frozen=True)
class Question:
    key: str
    kind: QuestionKind
    points: Decimal
    choices: tuple[Choice, ...] = ()
    pairs: Mapping[str, str] = field(default_factory=dict)  # matching: left item -> its right item
    partial_credit: bool = False  # multiple select and matching: a share of the points per right part


class InvalidAnswer(ValueError):
    """An answer that names a question or choice the attempt did not present."""


@dataclass(frozen=True)
class Grade:
    score: Decimal
    max_score: Decimal
    percent: Decimal
    passed: bool
    question_scores: Mapping[str, Decimal]


def grade(questions: Sequence[Question], answers: Mapping[str, object], *, pass_mark_percent: Decimal) -> Grade:
    """Scores every presented question; an unanswered question scores 0.

    Shares of points (a third of a question, say) are kept as exact fractions and rounded down to
    hundredths only for display, so three thirds make a whole and 7 of 10 points is exactly 70%.
    """
    validate_answers(questions, answers)
    exact = {question.key: question_score(question, answers.get(question.key)) for question in questions}
    score = sum(exact.values(), Fraction(0))
    max_score = sum((Fraction(question.points) for question in questions), Fraction(0))
    percent = score * 100 / max_score if max_score else Fraction(0)
    return Grade(
        score=_hundredths(score),
        max_score=_hundredths(max_score),
        percent=_hundredths(percent),
        passed=bool(max_score) and percent >= Fraction(pass_mark_percent),
        question_scores={key: _hundredths(value) for key, value in exact.items()},
    )


def _hundredths(value: Fraction) -> Decimal:
    """Rounded down to two places: a score is never shown higher than earned."""
    return Decimal(math.floor(value * 100)) / 100


def validate_answers(questions: Sequence[Question], answers: Mapping[str, object]) -> None:
    presented = {question.key: question for question in questions}
    for key, answer in answers.items():
        question = presented.get(key)
        if question is None:
            raise InvalidAnswer(f"Question {key!r} was not part of this attempt.")
        if answer is None:
            continue
        if question.kind == QuestionKind.MATCHING:
            right_items = set(question.pairs.values())
            if not isinstance(answer, Mapping) or not all(
                left in question.pairs and right in right_items for left, right in answer.items()
            ):
                raise InvalidAnswer(f"The pairs given for question {key!r} were not among those presented.")
            continue
        if question.kind == QuestionKind.MULTIPLE:
            if not isinstance(answer, set | frozenset | list | tuple):
                raise InvalidAnswer(f"Question {key!r} takes a list of choices.")
            chosen = set(answer)
        elif isinstance(answer, str):
            chosen = {answer}
        else:
            raise InvalidAnswer(f"Question {key!r} takes one choice.")
        if not chosen <= {choice.key for choice in question.choices}:
            raise InvalidAnswer(f"A choice given for question {key!r} was not among those presented.")


def question_score(question: Question, answer) -> Fraction:
    if answer is None:
        return Fraction(0)
    if question.kind == QuestionKind.MULTIPLE:
        return _multiple_select_score(question, frozenset(answer))
    if question.kind == QuestionKind.MATCHING:
        return _matching_score(question, answer)
    correct = {choice.key for choice in question.choices if choice.correct}
    return Fraction(question.points) if answer in correct else Fraction(0)


def _multiple_select_score(question: Question, chosen: frozenset) -> Fraction:
    correct = frozenset(choice.key for choice in question.choices if choice.correct)
    if not question.partial_credit:
        return Fraction(question.points) if chosen == correct else Fraction(0)
    # Each right choice earns a share; each wrong one takes a share back, never below zero.
    shares = len(chosen & correct) - len(chosen - correct)
    return _share(question.points, max(shares, 0), len(correct))


def _matching_score(question: Question, answer: Mapping[str, str]) -> Fraction:
    right = sum(1 for left, item in question.pairs.items() if answer.get(left) == item)
    if not question.partial_credit:
        return Fraction(question.points) if right == len(question.pairs) else Fraction(0)
    return _share(question.points, right, len(question.pairs))


def _share(points: Decimal, part: int, whole: int) -> Fraction:
    return Fraction(points) * part / whole if whole else Fraction(0)
