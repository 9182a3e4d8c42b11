"""What a certificate prints must read as typed: one line, no invisible characters."""

import unicodedata

from django.core.exceptions import ValidationError

# Control characters (line breaks, tabs), format characters (right-to-left overrides, zero-width
# spaces and joiners, soft hyphens) and the Unicode line and paragraph separators: each prints as
# nothing, or reorders or splits what a certificate, an email subject or a board's record says.
_UNPRINTABLE = {"Cc", "Cf", "Zl", "Zp"}


def validate_printable_line(value: str) -> None:
    unprintable = sorted({char for char in value if unicodedata.category(char) in _UNPRINTABLE})
    if unprintable:
        codes = ", ".join(f"U+{ord(char):04X}" for char in unprintable)
        raise ValidationError(
            f"Use one line of letters, digits, spaces and punctuation: this holds invisible or control "
            f"characters ({codes}), which certificates cannot print.",
            code="unprintable",
        )


def one_line(text: str) -> str:
    """`text` with every run of whitespace (line breaks included) as one space, for email subjects."""
    return " ".join(text.split())
