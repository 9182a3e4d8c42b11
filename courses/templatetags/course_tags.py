from decimal import Decimal

from django import template

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
