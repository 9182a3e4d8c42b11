from decimal import Decimal

from django import template
from django.utils.safestring import mark_safe

from courses.sanitize import sanitize_html

register = template.Library()

CURRENCY_SYMBOLS = {"USD": "$", "CAD": "CA$", "EUR": "€", "GBP": "£"}
ZERO_DECIMAL_CURRENCIES = {"JPY", "KRW"}


@register.simple_tag
def money(amount_minor: int, currency: str) -> str:
    """Formats integer minor units: money 4900 "USD" gives $49.00."""
    currency = currency.upper()
    exponent = 0 if currency in ZERO_DECIMAL_CURRENCIES else 2
    major = Decimal(amount_minor).scaleb(-exponent)
    figure = f"{major:,.{exponent}f}"
    symbol = CURRENCY_SYMBOLS.get(currency)
    return f"{symbol}{figure}" if symbol else f"{figure} {currency}"


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
