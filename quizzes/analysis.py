"""Item analysis of a quiz's submitted attempts (pure; no database).

Difficulty is the share of attempts that scored a question's full points. Discrimination compares
the upper and lower 27% of attempts by total score (Kelley's groups): the share of the upper group
answering fully right minus the share of the lower. A question the stronger practitioners miss as
often as the weaker ones (below 0.2), or one almost nobody or almost everybody gets right, is
flagged for the instructor to review.
"""

import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.html import strip_tags

from .grading import QuestionKind

GROUP_SHARE = 0.27
WEAK_DISCRIMINATION = 0.2
TOO_HARD, TOO_EASY = 0.3, 0.95


@dataclass(frozen=True)
class SubmittedAttempt:
    percent: Decimal
    passed: bool
    questions: list  # the snapshot as presented
    question_scores: dict  # question key -> score as a string


@dataclass
class QuestionAnalysis:
    key: str
    prompt: str
    presented: int = 0
    fully_right: int = 0
    discrimination: float | None = None

    @property
    def difficulty(self) -> float | None:
        return self.fully_right / self.presented if self.presented else None

    @property
    def flags(self) -> list[str]:
        flags = []
        if self.difficulty is not None and self.difficulty < TOO_HARD:
            flags.append("very hard")
        if self.difficulty is not None and self.difficulty > TOO_EASY:
            flags.append("very easy")
        if self.discrimination is not None and self.discrimination < WEAK_DISCRIMINATION:
            flags.append("weak discrimination" if self.discrimination >= 0 else "stronger practitioners miss it more")
        return flags


@dataclass
class QuizAnalysis:
    attempts: int
    passed: int
    average_percent: Decimal | None
    distribution: list[tuple[str, int]]
    questions: list[QuestionAnalysis] = field(default_factory=list)

    @property
    def pass_percent(self) -> int | None:
        return round(100 * self.passed / self.attempts) if self.attempts else None


def analyse(attempts: list[SubmittedAttempt]) -> QuizAnalysis:
    count = len(attempts)
    analysis = QuizAnalysis(
        attempts=count,
        passed=sum(1 for attempt in attempts if attempt.passed),
        average_percent=(sum(a.percent for a in attempts) / count).quantize(Decimal("0.01")) if count else None,
        distribution=_distribution(attempts),
    )
    by_key: dict[str, QuestionAnalysis] = {}
    for attempt in attempts:
        for question in attempt.questions:
            if question["kind"] == QuestionKind.DESCRIPTION:
                continue
            item = by_key.setdefault(question["key"], QuestionAnalysis(question["key"], strip_tags(question["prompt"])))
            item.presented += 1
            item.fully_right += _fully_right(question, attempt)
    ranked = sorted(attempts, key=lambda attempt: attempt.percent)
    group = math.ceil(count * GROUP_SHARE) if count >= 2 else 0
    lower, upper = ranked[:group], ranked[count - group :] if group else []
    for item in by_key.values():
        upper_share, lower_share = _share_right(item.key, upper), _share_right(item.key, lower)
        if upper_share is not None and lower_share is not None:
            item.discrimination = round(upper_share - lower_share, 2)
    analysis.questions = list(by_key.values())
    return analysis


def _fully_right(question: dict, attempt: SubmittedAttempt) -> bool:
    return Decimal(attempt.question_scores.get(question["key"], "0")) >= Decimal(question["points"])


def _share_right(key: str, group: list[SubmittedAttempt]) -> float | None:
    outcomes = [
        _fully_right(question, attempt) for attempt in group for question in attempt.questions if question["key"] == key
    ]
    return sum(outcomes) / len(outcomes) if outcomes else None


def _distribution(attempts) -> list[tuple[str, int]]:
    """Attempts per tenth of the score: 0-9%, 10-19%, ..., 90-100%."""
    buckets = [0] * 10
    for attempt in attempts:
        buckets[min(int(attempt.percent // 10), 9)] += 1
    return [(f"{10 * n}-{10 * n + 9 if n < 9 else 100}%", buckets[n]) for n in range(10)]
