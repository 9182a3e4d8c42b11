"""Moodle's GIFT text format, in and out: how instructors carry question banks between systems.

Supported: single choice (`=right ~wrong`), multiple select (`~%50%right ~%-50%wrong`), true/false
(`{T}`, `{FALSE#feedback if wrong#feedback if right}`), matching (`=left -> right`), per-answer
feedback (`#`), general feedback as the explanation (`####`), titles (`::title::`), `[html]` and
plain text, comments (`//`), `$CATEGORY:` lines (ignored) and the escapes `\\~ \\= \\# \\{ \\} \\: \\n`.
Other GIFT types (short answer, numerical, essay) have no counterpart here and are refused by line,
as are weights this platform cannot grade as written: a right answer (=) beside weighted ones, or
right answers of unequal weight. A wrong choice picked under partial credit takes back one right
choice's share, whatever its negative weight says.

GIFT has no points, no all-or-nothing multiple select and no one-answer multiple select; export
writes them as comments that import reads back (`// ce:points 2`, `// ce:all-or-nothing`,
`// ce:partial-credit`, `// ce:multiple-select` on the lines before a question), so that a quiz
survives the round trip. Moodle ignores them as comments.

Import is all or nothing: `parse` returns the questions as StreamField block values, or raises
`GiftError` listing every fault with its line number.
"""

import bisect
import html
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import bleach
from django.core.exceptions import ValidationError
from django.utils.html import strip_tags
from wagtail.rich_text import RichText

from lms.errors import DomainError

from .blocks import QUESTION_BLOCKS

SPECIAL = "~=#{}:"
ALLOWED_PROMPT_TAGS = ["p", "br", "b", "strong", "i", "em"]
_BLOCKS = dict(QUESTION_BLOCKS)
_TRUE_FALSE = {"t": True, "true": True, "f": False, "false": False}
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_FORMAT = re.compile(r"^\[(html|moodle|plain|markdown)\]", re.IGNORECASE)
_DIRECTIVE = re.compile(r"^//\s*ce:([a-z-]+)\s*(.*)$")
DIRECTIVES = {"points", "all-or-nothing", "partial-credit", "multiple-select"}
EQUAL_WEIGHT_TOLERANCE = Decimal("0.01")


class GiftError(DomainError):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


class _Fault(ValueError):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


@dataclass
class _Chunk:
    """One question's text, and the file line number of each of its characters' lines."""

    text: str
    first_line: int
    directives: dict = field(default_factory=dict)
    directive_lines: dict = field(default_factory=dict)

    def __post_init__(self):
        self._newlines = [index for index, char in enumerate(self.text) if char == "\n"]

    def line_at(self, index: int) -> int:
        return self.first_line + bisect.bisect_left(self._newlines, index)


def parse(text: str) -> list[tuple[str, dict]]:
    """The questions in `text` as (block type, block value) pairs; GiftError names each bad line."""
    questions, errors = [], []
    for chunk in _chunks(text):
        try:
            questions.append(_question(chunk))
        except _Fault as fault:
            errors.append(f"Line {fault.line}: {fault}")
    if errors:
        raise GiftError(errors)
    if not questions:
        raise GiftError(["No questions found."])
    return questions


def _chunks(text: str):
    """Questions are separated by blank lines; comment and category lines are dropped, except our
    own `// ce:` directives, which belong to the question they precede or sit in."""
    lines, start, directives, directive_lines = [], None, {}, {}
    for number, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        stripped = line.strip()
        if found := _DIRECTIVE.match(stripped):
            directives[found.group(1)] = found.group(2).strip()
            directive_lines[found.group(1)] = number
            continue
        if stripped.startswith("//") or stripped.startswith("$CATEGORY:"):
            continue
        if stripped:
            if start is None:
                start = number
            lines.append(line)
        elif lines:
            yield _Chunk("\n".join(lines), start, directives, directive_lines)
            lines, start, directives, directive_lines = [], None, {}, {}
    if lines:
        yield _Chunk("\n".join(lines), start, directives, directive_lines)


def _unescaped(text: str, chars: str, start: int = 0) -> int:
    """The index of the first of `chars` in `text` from `start` that no backslash escapes, or -1."""
    index = start
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text[index] in chars:
            return index
        index += 1
    return -1


def _split(text: str, separator: str) -> list[str]:
    parts, start = [], 0
    while (index := _unescaped(text, separator, start)) >= 0:
        parts.append(text[start:index])
        start = index + 1
    parts.append(text[start:])
    return parts


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), text).strip()


def _question(chunk: _Chunk) -> tuple[str, dict]:
    text = chunk.text
    opening = _unescaped(text, "{")
    if opening < 0:
        raise _Fault(chunk.first_line, "No answers: a question needs its answers in { }.")
    closing = _unescaped(text, "}", opening + 1)
    if closing < 0:
        raise _Fault(chunk.line_at(opening), "The { that opens the answers is never closed.")
    if _unescaped(text, "{", closing + 1) >= 0:
        raise _Fault(chunk.line_at(closing), "Only one set of answers { } per question.")
    head, answers, tail = text[:opening], text[opening + 1 : closing], text[closing + 1 :]
    head = _without_title(head, chunk)
    is_html = bool((found := _FORMAT.match(head.strip())) and found.group(1).lower() == "html")
    head = _FORMAT.sub("", head.strip())
    prompt = f"{head.strip()} _____ {tail.strip()}" if tail.strip() else head
    if not _unescape(prompt):
        raise _Fault(chunk.first_line, "The question has no text.")
    body_start = opening + 1
    explanation = ""
    if (general := answers.find("####")) >= 0:
        explanation = answers[general + 4 :]
        answers = answers[:general]
    common = {
        "prompt": _rich_text(prompt, is_html),
        "image": None,
        "image_alt": "",
        "points": Decimal(1),
        "explanation": RichText(_rich_html(explanation, is_html) if _unescape(explanation) else ""),
    }
    block_type, value = _answers(answers, chunk=chunk, offset=body_start, is_html=is_html)
    block_type, value = _apply_directives(chunk, block_type, {**common, **value})
    _validate(block_type, value, line=chunk.first_line)
    return block_type, value


def _apply_directives(chunk: _Chunk, block_type: str, value: dict) -> tuple[str, dict]:
    for name, argument in chunk.directives.items():
        line = chunk.directive_lines[name]
        if name not in DIRECTIVES:
            raise _Fault(line, f"Unknown directive “ce:{name}”; known: {', '.join(sorted(DIRECTIVES))}.")
        if name == "points":
            try:
                value["points"] = Decimal(argument)
            except InvalidOperation as error:
                raise _Fault(line, f"“{argument}” is not a number of points.") from error
        elif name == "multiple-select":
            if block_type not in ("single_choice", "multiple_select"):
                raise _Fault(line, "ce:multiple-select applies only to a question with choices.")
            block_type = "multiple_select"
            value.setdefault("partial_credit", True)
        else:
            if block_type not in ("multiple_select", "matching"):
                raise _Fault(line, f"ce:{name} applies only to multiple select and matching questions.")
            value["partial_credit"] = name == "partial-credit"
    return block_type, value


def _without_title(head: str, chunk: _Chunk) -> str:
    stripped = head.lstrip()
    if not stripped.startswith("::"):
        return head
    end = stripped.find("::", 2)
    if end < 0:
        raise _Fault(chunk.first_line, "The title that opens with :: is never closed with ::.")
    return stripped[end + 2 :]


def _answers(body: str, *, chunk: _Chunk, offset: int, is_html: bool) -> tuple[str, dict]:
    stripped = body.strip()
    line = chunk.line_at(offset)
    if not stripped:
        raise _Fault(line, "Essay questions ({} with nothing inside) are not supported.")
    if stripped.startswith("#"):
        raise _Fault(line, "Numerical questions ({#...}) are not supported.")
    parts = _split(stripped, "#")
    if parts[0].strip().lower() in _TRUE_FALSE:
        return _true_false(parts, is_html)
    answers = _answer_list(body, chunk=chunk, offset=offset, is_html=is_html)
    if any("->" in answer.text for answer in answers):
        return _matching(answers, is_html)
    return _choices(answers, line=line, is_html=is_html)


def _true_false(parts: list[str], is_html: bool) -> tuple[str, dict]:
    answer = _TRUE_FALSE[parts[0].strip().lower()]
    if_wrong = _plain(parts[1], is_html) if len(parts) > 1 else ""
    if_right = _plain(parts[2], is_html) if len(parts) > 2 else ""
    return "true_false", {
        "answer": answer,
        "feedback_if_true": if_right if answer else if_wrong,
        "feedback_if_false": if_wrong if answer else if_right,
    }


@dataclass
class _Answer:
    marker: str  # "=" or "~"
    text: str
    weight: Decimal | None
    feedback: str
    line: int


def _answer_list(body: str, *, chunk: _Chunk, offset: int, is_html: bool) -> list[_Answer]:
    first = _unescaped(body, "=~")
    if first < 0:
        raise _Fault(chunk.line_at(offset), "No answers: mark each one with = (right) or ~ (wrong).")
    if body[:first].strip():
        raise _Fault(chunk.line_at(offset), f"Unexpected text before the first answer: “{body[:first].strip()}”.")
    answers, index = [], first
    while index >= 0:
        following = _unescaped(body, "=~", index + 1)
        raw = body[index + 1 : following if following >= 0 else len(body)]
        line = chunk.line_at(offset + index)
        weight = None
        if found := _WEIGHT.match(raw.strip()):
            try:
                weight = Decimal(found.group(1))
            except InvalidOperation as error:
                raise _Fault(line, f"“{found.group(0)}” is not a percentage.") from error
            raw = raw.strip()[found.end() :]
        text, *feedback = _split(raw, "#")
        if not _unescape(text):
            raise _Fault(line, "An answer has no text.")
        answers.append(_Answer(body[index], text, weight, _plain("#".join(feedback), is_html), line))
        index = following
    return answers


def _matching(answers: list[_Answer], is_html: bool) -> tuple[str, dict]:
    pairs = []
    for answer in answers:
        if answer.marker != "=" or "->" not in answer.text:
            raise _Fault(answer.line, "In a matching question every line is “=left -> right”.")
        left, right = answer.text.split("->", 1)
        if not _unescape(left) or not _unescape(right):
            raise _Fault(answer.line, "A matching pair needs text on both sides of ->.")
        pairs.append({"left": _plain(left, is_html), "right": _plain(right, is_html)})
    return "matching", {"pairs": pairs, "partial_credit": False}


def _choices(answers: list[_Answer], *, line: int, is_html: bool) -> tuple[str, dict]:
    weighted = [answer for answer in answers if answer.weight is not None]
    if not weighted and all(answer.marker == "=" for answer in answers):
        raise _Fault(line, "Short-answer questions (only = answers) are not supported.")
    if weighted and any(answer.marker == "=" for answer in answers):
        raise _Fault(
            weighted[0].line,
            "A right answer (=) beside weighted answers (%…%) gives partial credit on a single-choice "
            "question, which is not supported: weight every answer, or none.",
        )
    positive = [answer for answer in weighted if answer.weight > 0]
    if positive and any(
        abs(answer.weight - Decimal(100) / len(positive)) > EQUAL_WEIGHT_TOLERANCE for answer in positive
    ):
        raise _Fault(positive[0].line, "The right answers' weights must be equal and add up to 100%.")

    def is_right(answer):
        return answer.weight > 0 if answer.weight is not None else answer.marker == "="

    choices = [
        {"text": _plain(answer.text, is_html), "correct": is_right(answer), "feedback": answer.feedback}
        for answer in answers
    ]
    right = [answer for answer in answers if is_right(answer)]
    if not right:
        raise _Fault(line, "No right answer: mark one with = or give it a positive %weight%.")
    if len(right) == 1:
        return "single_choice", {"choices": choices}
    # Moodle gives multiple-answer questions partial credit by their weights.
    return "multiple_select", {"choices": choices, "partial_credit": True}


def _validate(block_type: str, value: dict, *, line: int) -> None:
    """The editor's own checks (lengths, a right answer, distinct pairs), so an import saves only what it could."""
    block = _BLOCKS[block_type]
    try:
        block.clean(block.to_python(block.get_prep_value(value)))
    except ValidationError as error:
        raise _Fault(line, " ".join(_messages(error))) from error


def _messages(error) -> list[str]:
    if not hasattr(error, "block_errors"):
        return list(error.messages)
    messages = [message for inner in error.non_block_errors.as_data() for message in inner.messages]
    for name, inner in error.block_errors.items():
        messages += [f"{name}: {message}" if isinstance(name, str) else message for message in _messages(inner)]
    return messages


def _plain(text: str, is_html: bool) -> str:
    text = _unescape(text)
    return html.unescape(strip_tags(text)) if is_html else text


def _rich_html(text: str, is_html: bool) -> str:
    text = _unescape(text)
    if not is_html:
        return "".join(
            f"<p>{html.escape(paragraph, quote=False)}</p>" for paragraph in text.split("\n\n") if paragraph.strip()
        )
    cleaned = bleach.clean(text, tags=ALLOWED_PROMPT_TAGS, attributes={}, strip=True)
    cleaned = cleaned.replace("<strong>", "<b>").replace("</strong>", "</b>")
    cleaned = cleaned.replace("<em>", "<i>").replace("</em>", "</i>")
    return cleaned if cleaned.lstrip().startswith("<p>") else f"<p>{cleaned}</p>"


def _rich_text(text: str, is_html: bool) -> RichText:
    return RichText(_rich_html(text, is_html))


# Export


def export(stream, *, title: str = "") -> str:
    """The quiz's questions as GIFT; pools become comments, since GIFT has no draws."""
    lines = [f"// {title}" if title else "// Exported quiz", ""]
    number = 0
    for block in stream:
        if block.block_type == "pool":
            children = list(block.value["questions"])
            lines += [
                f"// Pool “{block.value['title']}”: each attempt draws {block.value['draw']} "
                f"of the next {len(children)} questions.",
                "",
            ]
        else:
            children = [block]
        for child in children:
            number += 1
            lines += [_export_question(child, number), ""]
    return "\n".join(lines)


def _export_question(block, number: int) -> str:
    value = block.value
    head = f"::Q{number}:: [html]{_escape(value['prompt'].source)}"
    comment = "".join(f"{line}\n" for line in _directives_for(block))
    explanation = f"\n####{_escape(value['explanation'].source)}" if value["explanation"] else ""
    if block.block_type == "true_false":
        right, wrong = (
            (value["feedback_if_true"], value["feedback_if_false"])
            if value["answer"]
            else (value["feedback_if_false"], value["feedback_if_true"])
        )
        feedback = f"#{_escape_text(wrong)}#{_escape_text(right)}" if wrong or right else ""
        return f"{comment}{head} {{{'TRUE' if value['answer'] else 'FALSE'}{feedback}{explanation}\n}}"
    if block.block_type == "matching":
        answers = [f"={_escape_text(pair['left'])} -> {_escape_text(pair['right'])}" for pair in value["pairs"]]
    elif block.block_type == "multiple_select":
        right_count = sum(1 for choice in value["choices"] if choice["correct"])
        share = _percent(Decimal(100) / right_count)
        answers = [
            f"~%{share if choice['correct'] else '-' + share}%{_choice_text(choice)}{_feedback(choice)}"
            for choice in value["choices"]
        ]
    else:
        answers = [
            f"{'=' if choice['correct'] else '~'}{_choice_text(choice)}{_feedback(choice)}"
            for choice in value["choices"]
        ]
    return f"{comment}{head} {{\n" + "\n".join(answers) + f"{explanation}\n}}"


def _directives_for(block) -> list[str]:
    """What GIFT cannot say about the question, as comments that `parse` reads back."""
    value, lines = block.value, []
    if block.block_type == "image_question":
        lines.append("// Image question: its image does not travel in GIFT.")
    if value["points"] != 1:
        lines.append(f"// ce:points {value['points']:f}")
    if block.block_type == "multiple_select" and sum(1 for c in value["choices"] if c["correct"]) == 1:
        lines.append("// ce:multiple-select")
    if block.block_type in ("multiple_select", "matching"):
        lines.append("// ce:partial-credit" if value["partial_credit"] else "// ce:all-or-nothing")
    return lines


def _choice_text(choice) -> str:
    text = _escape_text(choice["text"])
    return f"\\{text}" if text.startswith("%") else text  # not to be read as a weight


def _feedback(choice) -> str:
    return f" #{_escape_text(choice['feedback'])}" if choice["feedback"] else ""


def _percent(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.00001')).normalize():f}"


def _escape_text(text: str) -> str:
    """Plain text inside an [html] question: HTML-escaped, then GIFT-escaped."""
    return _escape(html.escape(text, quote=False))


def _escape(text: str) -> str:
    text = "".join(f"\\{char}" if char in SPECIAL or char == "\\" else char for char in str(text))
    return text.replace("\n", "\\n")
