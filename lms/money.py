"""Money as the platform keeps it: integer minor units (cents) with an ISO currency code, as course
prices, orders and Stripe all count it. One place says how many decimals a currency has."""

import re
from decimal import Decimal

CURRENCY_SYMBOLS = {"USD": "$", "CAD": "CA$", "EUR": "€", "GBP": "£"}
# Stripe's list of currencies without a minor unit, as far as providers here may price in them.
ZERO_DECIMAL_CURRENCIES = {"JPY", "KRW"}
# Digits with an optional fraction, as people write money: no exponents, no "NaN", no "Infinity".
_TYPED_AMOUNT = re.compile(r"^\d{1,12}(\.\d+)?$")


def decimal_places(currency: str) -> int:
    return 0 if currency.upper() in ZERO_DECIMAL_CURRENCIES else 2


def money(amount_minor: int, currency: str) -> str:
    """Formats integer minor units: money(4900, "USD") gives $49.00."""
    currency = currency.upper()
    places = decimal_places(currency)
    figure = f"{Decimal(amount_minor).scaleb(-places):,.{places}f}"
    symbol = CURRENCY_SYMBOLS.get(currency)
    return f"{symbol}{figure}" if symbol else f"{figure} {currency}"


def major_units(amount_minor: int, currency: str) -> Decimal:
    """Integer minor units as a decimal amount in the major unit: 4900 USD is Decimal("49.00")."""
    places = decimal_places(currency)
    return Decimal(amount_minor).scaleb(-places).quantize(Decimal(1).scaleb(-places))


def minor_units(amount: str | Decimal, currency: str, *, allow_zero: bool = False) -> int:
    """The amount a person typed in dollars (or the currency's major unit) as integer minor units;
    ValueError when it is not a positive amount the currency can be paid in ("49.999", "-5", "1e400").
    `allow_zero` accepts zero too, as a price may be (a free course) and a refund may not."""
    typed = str(amount).strip().replace(",", "").removeprefix("$").strip()
    if typed.startswith("-"):
        raise ValueError("Give an amount above zero.")
    if not _TYPED_AMOUNT.match(typed):
        raise ValueError(f"“{amount}” is not an amount of money.")
    major = Decimal(typed)
    if major == 0 and allow_zero:
        return 0
    if major <= 0:
        raise ValueError("Give an amount above zero.")
    places = decimal_places(currency)
    minor = major.scaleb(places)
    if minor != minor.to_integral_value():
        raise ValueError(f"{currency.upper()} amounts have {places or 'no'} decimal place{'' if places == 1 else 's'}.")
    return int(minor)
