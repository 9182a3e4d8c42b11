"""Grading a quiz attempt: pure functions of the questions exactly as presented and the answers given.

An attempt stores its questions as shown (order, wording, choices); grading reads only that snapshot
and the answers, so editing a quiz later never changes a past grade. Points and scores are Decimals.

Choice questions imported from Moodle carry a weight on each choice and are graded as Moodle grades
them: a single choice earns the chosen choice's share, a multiple select the sum of the chosen
choices' shares, clamped to 0..100% of the points. Questions written here carry no weights and keep
our own rules. Essays are scored by the course's instructors; until every essay of an attempt has
its score, the grade is the auto-graded part and the pass is undecided.
"""

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from fractions import Fraction

SHORT_ANSWER_MAX_CHARS = 500
ESSAY_MAX_CHARS = 20_000


class QuestionKind(StrEnum):
    SINGLE = "single"  # one correct choice; image questions are single-choice questions with an image
    MULTIPLE = "multiple"  # select every correct choice
    TRUE_FALSE = "true_false"
    MATCHING = "matching"  # pair each left-hand item with its right-hand item
    SHORT_ANSWER = "short_answer"  # a typed word or phrase, compared with the accepted answers
    NUMERICAL = "numerical"  # a typed number, right within a tolerance
    ESSAY = "essay"  # a written answer, scored by the course's instructors
    DESCRIPTION = "description"  # text between questions: no answer, no points


CHOICE_KINDS = frozenset({QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE})
TYPED_KINDS = frozenset({QuestionKind.SHORT_ANSWER, QuestionKind.NUMERICAL, QuestionKind.ESSAY})


@dataclass(frozen=True)
class Choice:
    key: str
    text: str
    correct: bool = False
    weight: Decimal | None = None  # percent of the points, -100..100; None for questions written here


@dataclass(frozen=True)
class AcceptedAnswer:
    """A short answer's accepted text (`*` matches any run of characters, `\\*` is a star) or a numerical
    answer's value and tolerance (no value: any other number), with the percent of the points it earns."""

    weight: Decimal
    text: str = ""
    value: Decimal | None = None
    tolerance: Decimal = Decimal(0)


@dataclass(frozen=True)
class Question:
    key: str
    kind: QuestionKind
    points: Decimal
    choices: tuple[Choice, ...] = ()
    pairs: Mapping[str, str] = field(default_factory=dict)  # matching: left item -> its right item
    partial_credit: bool = False  # multiple select and matching: a share of the points per right part
    distractors: frozenset[str] = frozenset()  # matching: right-hand items that match no left item
    answers: tuple[AcceptedAnswer, ...] = ()  # short answer and numerical
    case_sensitive: bool = False  # short answer

    @property
    def weighted(self) -> bool:
        return any(choice.weight is not None for choice in self.choices)


class InvalidAnswer(ValueError):
    """An answer that names a question or choice the attempt did not present, or cannot be read."""


@dataclass(frozen=True)
class Grade:
    score: Decimal
    max_score: Decimal
    percent: Decimal
    passed: bool | None  # None while an essay waits for its score
    question_scores: Mapping[str, Decimal]
    awaiting: tuple[str, ...] = ()  # the essays not scored yet


def grade(
    questions: Sequence[Question],
    answers: Mapping[str, object],
    *,
    pass_mark_percent: Decimal,
    essay_scores: Mapping[str, Decimal] | None = None,
) -> Grade:
    """Scores every presented question; an unanswered question scores 0.

    An essay scores what its grader gave (`essay_scores`); one not scored yet leaves the pass
    undecided and is left out of the score, but not of the maximum. Shares of points (a third of a
    question, say) are kept as exact fractions and rounded down to hundredths only for display, so
    three thirds make a whole and 7 of 10 points is exactly 70%.
    """
    validate_answers(questions, answers)
    essay_scores = essay_scores or {}
    awaiting = tuple(
        question.key
        for question in questions
        if question.kind == QuestionKind.ESSAY and question.key not in essay_scores
    )
    exact = {
        question.key: Fraction(essay_scores[question.key])
        if question.kind == QuestionKind.ESSAY
        else question_score(question, answers.get(question.key))
        for question in questions
        if question.key not in awaiting
    }
    score = sum(exact.values(), Fraction(0))
    max_score = sum((Fraction(question.points) for question in questions), Fraction(0))
    percent = score * 100 / max_score if max_score else Fraction(0)
    return Grade(
        score=_hundredths(score),
        max_score=_hundredths(max_score),
        percent=_hundredths(percent),
        passed=None if awaiting else bool(max_score) and percent >= Fraction(pass_mark_percent),
        question_scores={key: _hundredths(value) for key, value in exact.items()},
        awaiting=awaiting,
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
        if question.kind in TYPED_KINDS:
            _validate_typed(question, answer)
            continue
        if question.kind == QuestionKind.MATCHING:
            right_items = set(question.pairs.values()) | question.distractors
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


def _validate_typed(question: Question, answer) -> None:
    if not isinstance(answer, str):
        raise InvalidAnswer(f"Question {question.key!r} takes a typed answer.")
    limit = ESSAY_MAX_CHARS if question.kind == QuestionKind.ESSAY else SHORT_ANSWER_MAX_CHARS
    if len(answer) > limit:
        raise InvalidAnswer(f"An answer is longer than {limit:,} characters; shorten it.")
    if question.kind == QuestionKind.NUMERICAL and read_number(answer) is None:
        raise InvalidAnswer(f"“{answer.strip()}” is not a number: write it with digits, such as 3.5 or 3,5.")


def read_number(text: str) -> Decimal | None:
    """A typed number, with a decimal point or a decimal comma ("3,5" is 3.5); None if it is not one."""
    try:
        number = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def question_score(question: Question, answer) -> Fraction:
    if answer is None:
        return Fraction(0)
    if question.kind in (QuestionKind.SHORT_ANSWER, QuestionKind.NUMERICAL):
        return _weighted(question.points, [_typed_share(question, answer)])
    if question.kind == QuestionKind.MULTIPLE:
        return _multiple_select_score(question, frozenset(answer))
    if question.kind == QuestionKind.MATCHING:
        return _matching_score(question, answer)
    if question.weighted:
        chosen = next((choice for choice in question.choices if choice.key == answer), None)
        return _weighted(question.points, [chosen.weight] if chosen else [])
    correct = {choice.key for choice in question.choices if choice.correct}
    return Fraction(question.points) if answer in correct else Fraction(0)


def _weighted(points: Decimal, weights) -> Fraction:
    """Moodle's rule: the chosen weights added up, kept within 0..100% of the points."""
    total = sum((Fraction(weight) for weight in weights if weight is not None), Fraction(0))
    return Fraction(points) * min(max(total, Fraction(0)), Fraction(100)) / 100


def _multiple_select_score(question: Question, chosen: frozenset) -> Fraction:
    if question.weighted:
        return _weighted(question.points, [choice.weight for choice in question.choices if choice.key in chosen])
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


def normalise_text(text: str) -> str:
    """Stripped, with every run of whitespace one space, in one Unicode form (an é typed either way)."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def short_answer_matches(accepted: str, response: str, *, case_sensitive: bool = False) -> bool:
    """Whether the response is the accepted answer, where `*` stands for any run of characters (none
    included) and `\\*` for a star, after both are whitespace-normalised; case-blind unless asked."""
    accepted, response = normalise_text(accepted), normalise_text(response)
    if not case_sensitive:
        accepted, response = accepted.casefold(), response.casefold()
    literal_parts = (part.replace("\\*", "*") for part in re.split(r"(?<!\\)\*", accepted))
    pattern = ".*".join(re.escape(part) for part in literal_parts)
    return re.fullmatch(pattern, response, flags=re.DOTALL) is not None


def best_matching_answer(question: Question, response: str) -> int | None:
    """The index of the best-graded accepted answer that a short-answer or numerical response matches."""
    if question.kind == QuestionKind.NUMERICAL:
        number = read_number(response)
        matches = [
            number is not None and answer.value is not None and abs(number - answer.value) <= answer.tolerance
            for answer in question.answers
        ]
        if number is not None and not any(matches):
            # Any other number: the answer without a value, if the question has one.
            matches = [answer.value is None for answer in question.answers]
    else:
        matches = (
            short_answer_matches(answer.text, response, case_sensitive=question.case_sensitive)
            for answer in question.answers
        )
    matched = [index for index, match in enumerate(matches) if match]
    return max(matched, key=lambda index: question.answers[index].weight, default=None)


def _typed_share(question: Question, response: str) -> Decimal | None:
    matched = best_matching_answer(question, response)
    return None if matched is None else question.answers[matched].weight
