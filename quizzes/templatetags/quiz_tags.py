"""How a graded attempt's score reads: "5 of 12 points (42%)"."""

from decimal import ROUND_HALF_UP, Decimal

from django import template

from credits.presentation import and_list

register = template.Library()


@register.filter
def attempt_score(attempt) -> str:
    """The points earned of the points offered, and the percentage to a whole number.

    Grading stores the percentage rounded down to hundredths (quizzes.grading), so "41.66" is 5/12; rounded
    half up from there to a whole number it is exactly what 5/12 rounds to. Where that whole number would
    cross the pass mark (69.6% shown as 70% beside "not passed"), the stored hundredths are shown instead.
    """
    if attempt.awaits_grading:
        return f"{plain_number(attempt.score)} of {plain_number(attempt.max_score)} points so far, before grading"
    return f"{plain_number(attempt.score)} of {plain_number(attempt.max_score)} points ({percent_shown(attempt)}%)"


register.filter("and_list", and_list)


@register.inclusion_tag("quizzes/includes/attempt_status.html")
def attempt_status(attempt) -> dict:
    return {"attempt": attempt}


def percent_shown(attempt) -> str:
    whole = attempt.percent.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if (whole >= attempt.pass_mark_percent) != bool(attempt.passed):
        return plain_number(attempt.percent)
    return plain_number(whole)


@register.filter
def plain_number(value) -> str:
    """5.00 as "5", 4.50 as "4.5", 40 as "40"."""
    return f"{Decimal(value).normalize():f}"
