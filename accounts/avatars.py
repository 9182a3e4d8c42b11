"""The admin's picture of a person who has not uploaded one: their initials, drawn here.

Wagtail would otherwise ask Gravatar, which this site does not use (it would send a hash of every
staff member's email address elsewhere, and shows a broken image where the network is closed)."""

from urllib.parse import quote

from django.utils.html import escape

_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 100 100">'
    '<rect width="100" height="100" fill="#1f5f5b"/>'
    '<text x="50" y="50" dy="0.35em" text-anchor="middle" font-family="system-ui, sans-serif" '
    'font-size="42" fill="#ffffff">{initials}</text></svg>'
)


def initials(user) -> str:
    """Up to two letters: the first and last words of the legal name, else the email's first letter."""
    words = [word for word in (user.legal_name or "").split() if word[:1].isalpha()]
    if words:
        return (words[0][0] + (words[-1][0] if len(words) > 1 else "")).upper()
    return (user.email[:1] or "?").upper()


def initials_avatar_url(user, size: int) -> str:
    svg = _SVG.format(size=int(size), initials=escape(initials(user)))
    return "data:image/svg+xml;charset=utf-8," + quote(svg)
