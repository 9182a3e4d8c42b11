from django import template
from django.utils.safestring import mark_safe

from courses.models.learning import STUDY_IDLE_MINUTES
from courses.sanitize import sanitize_html
from lms.money import money

register = template.Library()

register.simple_tag(money, name="money")  # {% money 4900 "USD" %} gives $49.00


@register.simple_tag
def study_idle_minutes() -> int:
    return STUDY_IDLE_MINUTES


@register.filter
def sanitized(html: str) -> str:
    """Post HTML cleaned again on output, so that nothing unsafe reaches the page even if stored."""
    return mark_safe(sanitize_html(html))  # noqa: S308 - sanitize_html keeps only allow-listed markup


@register.filter
def display_name(user) -> str:
    """How a practitioner is shown to others: first name and initial, never the email address."""
    if not user.first_name:
        return "A practitioner"
    initial = f" {user.last_name[0]}." if user.last_name else ""
    return f"{user.first_name}{initial}"
