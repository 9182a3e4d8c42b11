"""Certificate codes: 12 random Crockford base32 symbols and a Luhn mod 32 check symbol.

Printed as `7K3M-9QXR-T2HW-R`. Read the way people type them: case does not matter, spaces and
dashes are ignored, and O reads as 0, I and L as 1. The check symbol catches every single
mistyped symbol and every swap of two neighbours but one (0 and Z, as Luhn misses 09/90 in
decimal), so a typo reads as malformed, not as some other practitioner's certificate.
"""

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
BODY_LENGTH = 12
CODE_LENGTH = BODY_LENGTH + 1
_VALUE = {symbol: value for value, symbol in enumerate(ALPHABET)}
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
# Spaces and dashes of every kind, and the invisible characters a copy from a PDF can carry.
_IGNORED = str.maketrans("", "", " -\t\n\r\u00a0\u00ad\u200b\u200c\u200d\u2060\ufeff\u2010\u2011\u2012\u2013\u2014")


class MalformedCode(ValueError):
    """Text that cannot be a certificate code: wrong length, a symbol outside the alphabet, or a bad check."""


def new_code() -> str:
    """A fresh random code in canonical form (13 symbols, no dashes); never the printed example."""
    while True:
        body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
        if body != EXAMPLE[:BODY_LENGTH]:
            return body + check_symbol(body)


def check_symbol(body: str) -> str:
    """Luhn mod N (N = 32) over the body, the way ISO/IEC 7812's Luhn works over digits."""
    total, factor = 0, 2
    for symbol in reversed(body):
        addend = factor * _VALUE[symbol]
        total += addend // 32 + addend % 32
        factor = 1 if factor == 2 else 2
    return ALPHABET[(32 - total % 32) % 32]


def canonical(text: str) -> str:
    """The canonical form of a typed code; MalformedCode if it cannot be one."""
    if not isinstance(text, str) or len(text) > 64:
        raise MalformedCode("A certificate code has 13 symbols.")
    code = text.translate(_IGNORED)
    if not code.isascii():  # before upper(), which turns some letters into two, or into I
        raise MalformedCode("A certificate code uses only digits and the letters A to Z except U.")
    code = code.upper().translate(_LOOKALIKES)
    if len(code) != CODE_LENGTH:
        raise MalformedCode(f"A certificate code has 13 symbols, not {len(code)}.")
    if any(symbol not in _VALUE for symbol in code):
        raise MalformedCode("A certificate code uses only digits and the letters A to Z except U.")
    if check_symbol(code[:BODY_LENGTH]) != code[BODY_LENGTH]:
        raise MalformedCode("This code has a typing mistake: its last symbol does not match the others.")
    return code


# The code the verification page shows as an example: well-formed, so typing it reads as a code that
# was never issued rather than as a typing mistake, and new_code never hands it out.
EXAMPLE = "7K3M9QXRT2HW" + check_symbol("7K3M9QXRT2HW")


def printed(code: str) -> str:
    """`7K3M9QXRT2HWR` as `7K3M-9QXR-T2HW-R`."""
    return "-".join([code[0:4], code[4:8], code[8:12], code[12:]])
