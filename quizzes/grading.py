"""Grading a quiz attempt: pure functions of the questions exactly as presented and the answers given.

An attempt stores its questions as shown (order, wording, choices); grading reads only that snapshot
and the answers, so editing a quiz later never changes a past grade. Points and scores are Decimals.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum

HUNDREDTH = Decimal("0.01")


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
    """Scores every presented question; an unanswered question scores 0."""
    validate_answers(questions, answers)
    question_scores = {question.key: question_score(question, answers.get(question.key)) for question in questions}
    score = sum(question_scores.values(), Decimal(0))
    max_score = sum((question.points for question in questions), Decimal(0))
    percent = (score * 100 / max_score).quantize(HUNDREDTH, ROUND_DOWN) if max_score else Decimal(0)
    return Grade(score, max_score, percent, percent >= pass_mark_percent, question_scores)


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


def question_score(question: Question, answer) -> Decimal:
    if answer is None:
        return Decimal(0)
    if question.kind == QuestionKind.MULTIPLE:
        return _multiple_select_score(question, frozenset(answer))
    if question.kind == QuestionKind.MATCHING:
        return _matching_score(question, answer)
    correct = {choice.key for choice in question.choices if choice.correct}
    return question.points if answer in correct else Decimal(0)


def _multiple_select_score(question: Question, chosen: frozenset) -> Decimal:
    correct = frozenset(choice.key for choice in question.choices if choice.correct)
    if not question.partial_credit:
        return question.points if chosen == correct else Decimal(0)
    # Each right choice earns a share; each wrong one takes a share back, never below zero.
    shares = len(chosen & correct) - len(chosen - correct)
    return _share(question.points, max(shares, 0), len(correct))


def _matching_score(question: Question, answer: Mapping[str, str]) -> Decimal:
    right = sum(1 for left, item in question.pairs.items() if answer.get(left) == item)
    if not question.partial_credit:
        return question.points if right == len(question.pairs) else Decimal(0)
    return _share(question.points, right, len(question.pairs))


def _share(points: Decimal, part: int, whole: int) -> Decimal:
    return (points * part / whole).quantize(HUNDREDTH, ROUND_DOWN) if whole else Decimal(0)
