"""The HTML practitioners and instructors may write in lesson questions and answers (pure functions)."""

import bleach
from bleach.linkifier import DEFAULT_CALLBACKS

ALLOWED_TAGS = frozenset({"p", "br", "strong", "b", "em", "i", "ul", "ol", "li", "code", "pre", "blockquote", "a"})
ALLOWED_ATTRIBUTES = {"a": ["href", "title"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})


def _no_follow(attrs, new=False):
    attrs[(None, "rel")] = "nofollow noopener noreferrer"
    return attrs


def post_html(text: str) -> str:
    """What a person typed, as safe HTML: plain-text paragraphs become <p>, and the result is sanitised."""
    if "<" not in text:
        paragraphs = [part.strip() for part in text.replace("\r\n", "\n").split("\n\n") if part.strip()]
        text = "".join(f"<p>{bleach.clean(part).replace(chr(10), '<br>')}</p>" for part in paragraphs)
    return sanitize_html(text)


def sanitize_html(html: str) -> str:
    """Keeps the allow-listed tags and safe links; drops every other tag, attribute, style, script and
    `javascript:` address. Sanitising its own output changes nothing, so it runs again on output."""
    cleaned = bleach.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, protocols=ALLOWED_PROTOCOLS, strip=True
    )
    return bleach.linkify(cleaned, callbacks=[*DEFAULT_CALLBACKS, _no_follow], skip_tags={"pre", "code"})
