"""The vocabulary of quiz rules, shared by the models and the editor form."""

from decimal import Decimal

from django.db import models

BOARD_PASS_MARK = Decimal(70)  # boards accept a home-study test only with a pass mark of at least 70%


class QuizKind(models.TextChoices):
    FINAL = "final", "Final assessment"
    KNOWLEDGE_CHECK = "knowledge_check", "Knowledge check"


class AnswerReveal(models.TextChoices):
    """When a practitioner sees the right answers, the feedback on their choices and the explanations."""

    AFTER_EACH_ATTEMPT = "after_each_attempt", "After each attempt"
    AFTER_PASSING = "after_passing", "Once they have passed"
    AFTER_LAST_ATTEMPT = "after_last_attempt", "After their last allowed attempt"
    NEVER = "never", "Never"
