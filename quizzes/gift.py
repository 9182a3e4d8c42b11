"""Moodle's GIFT text format, in and out: how instructors carry question banks between systems.

Read as Moodle's `question/format/gift/format.php` reads it: no braces is a description, `{}` an
essay, `{#...}` numerical (`value:tolerance`, `min..max`, several `=%w%` answers, decimal point or
comma, `~#feedback` for any other number at 0%), `{T}`/`{FALSE#if wrong#if right}` true/false, `~`
answers multiple choice (single choice when some answer is `=`, any `=` earning full marks; multiple
select graded by its `%weight%`s when none is), `=left -> right` on every answer matching (`= -> x`
an extra wrong right-hand item), and only `=` answers short answer (`=%50%close`). Per-answer
feedback (`#`), general feedback as the explanation (`####`), titles (`::title::`), comments (`//`),
`$CATEGORY:` lines (ignored), a format tag (`[html]`, `[plain]`, `[moodle]`, `[markdown]`) at the
start of the question text and of each answer, feedback, matching item and general feedback, and the
escapes `\\~ \\= \\# \\{ \\} \\: \\n \\\\`; any other backslash is kept as written, so TeX such as
`\\(\\frac\\{1\\}\\{2\\}\\)` reads `\\(\\frac{1}{2}\\)`. Weights are read onto the choices
(`weight`), and extra right-hand items onto `distractors`, so an imported question is graded as
Moodle grades it.

HTML in an `[html]` question keeps what the allow-list can keep safely (paragraphs, bold, italic,
links to http, https and mailto addresses, lists, pre/code, sub/sup); an image by URL is not
fetched from elsewhere but replaced by its alt text; answers and feedback are plain text. What was
removed is reported per question.

GIFT has no points, no all-or-nothing multiple select, no case-sensitive short answer and no
grader's guidance; export writes them as comments that import reads back (`// ce:points 2`,
`// ce:all-or-nothing`, `// ce:partial-credit`, `// ce:case-sensitive`, `// ce:grader-info ...` on
the lines before a question), so that a quiz survives the round trip. Moodle ignores them as
comments. A multiple select written with `ce:partial-credit` or `ce:all-or-nothing` was authored
here and keeps our own grading rule rather than weights.

`read` returns an `ImportReport`: the questions that can be imported (as StreamField block
values), each refused question with its line and reason, and the HTML removed from each question.
`parse` is the strict form, raising `GiftError` when any question is refused.
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
ESCAPABLE = SPECIAL + "n\\"
ALLOWED_PROMPT_TAGS = ["p", "br", "b", "strong", "i", "em", "a", "ul", "ol", "li", "pre", "code", "sub", "sup"]
ALLOWED_ATTRIBUTES = {"a": ["href"]}
ALLOWED_PROTOCOLS = ["http", "https", "mailto"]
_BLOCKS = dict(QUESTION_BLOCKS)
_TRUE_FALSE = {"t": True, "true": True, "f": False, "false": False}
_WEIGHT = re.compile(r"^%(-?\d+(?:[.,]\d+)?)%")
_FORMAT = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]", re.IGNORECASE)
_DIRECTIVE = re.compile(r"^//\s*ce:([a-z-]+)\s*(.*)$")
_TAG = re.compile(r"<\s*([a-zA-Z][a-zA-Z0-9]*)")
_IMAGE = re.compile(r"<img\b[^>]*?>", re.IGNORECASE)
_ALT = re.compile(r"""\balt\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_LINK = re.compile(r"""<a\b[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
DIRECTIVES = {"points", "all-or-nothing", "partial-credit", "multiple-select", "case-sensitive", "grader-info"}
TYPE_NAMES = {
    "short_answer": "Short-answer",
    "numerical": "Numerical",
    "essay": "Essay",
    "description": "Description",
}


class GiftError(DomainError):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


class _Fault(ValueError):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


@dataclass
class ImportedQuestion:
    line: int
    block_type: str
    value: dict
    removed_html: list[str]


@dataclass(frozen=True)
class Refusal:
    line: int  # 0 for the file as a whole
    reason: str

    def __str__(self):
        return f"Line {self.line}: {self.reason}" if self.line else self.reason


@dataclass
class ImportReport:
    """What an import would do, for the instructor to confirm before anything is saved."""

    imported: list[ImportedQuestion]
    refused: list[Refusal]

    @property
    def questions(self) -> list[tuple[str, dict]]:
        return [(question.block_type, question.value) for question in self.imported]

    @property
    def reformatted(self) -> list[ImportedQuestion]:
        """The questions that lose some of their HTML on the way in."""
        return [question for question in self.imported if question.removed_html]

    @property
    def needs_confirmation(self) -> bool:
        """Whether the instructor should see what is left out before anything is imported."""
        return bool(self.refused or self.reformatted)

    @property
    def messages(self) -> list[str]:
        return [str(refusal) for refusal in self.refused]

    def refuse(self, index: int, reason: str) -> None:
        """Moves an importable question to the refused, for a rule of the quiz it goes into."""
        question = self.imported.pop(index)
        self.refused.append(Refusal(question.line, reason))
        self.refused.sort(key=lambda refusal: refusal.line)


@dataclass
class _Chunk:
    """One question's text, and the file line number of each of its characters' lines."""

    text: str
    first_line: int
    directives: dict = field(default_factory=dict)
    directive_lines: dict = field(default_factory=dict)
    removed_html: list = field(default_factory=list)

    def __post_init__(self):
        self._newlines = [index for index, char in enumerate(self.text) if char == "\n"]

    def line_at(self, index: int) -> int:
        return self.first_line + bisect.bisect_left(self._newlines, index)


def read(text: str) -> ImportReport:
    """Every question in `text`, imported or refused with its line and reason."""
    imported, refused = [], []
    for chunk in _chunks(text):
        try:
            block_type, value = _question(chunk)
        except _Fault as fault:
            refused.append(Refusal(fault.line, str(fault)))
        else:
            imported.append(ImportedQuestion(chunk.first_line, block_type, value, sorted(set(chunk.removed_html))))
    if not imported and not refused:
        refused.append(Refusal(0, "No questions found."))
    return ImportReport(imported, refused)


def parse(text: str) -> list[tuple[str, dict]]:
    """The questions in `text` as (block type, block value) pairs; GiftError names each bad line."""
    report = read(text)
    if report.refused:
        raise GiftError(report.messages)
    return report.questions


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
        if text[index] == "\\" and text[index + 1 : index + 2] in tuple(ESCAPABLE):
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
    # Moodle reads only these escapes; a backslash before anything else (TeX, "Wrong \ 2") is text.
    return re.sub(r"\\([~=#{}:n\\])", lambda m: "\n" if m.group(1) == "n" else m.group(1), text).strip()


def _formatted(text: str, default_html: bool) -> tuple[str, bool]:
    """The text without its leading format tag, and whether it is HTML."""
    if found := _FORMAT.match(text):
        return text[found.end() :], found.group(1).lower() == "html"
    return text, default_html


def _question(chunk: _Chunk) -> tuple[str, dict]:
    text = chunk.text
    opening = _unescaped(text, "{")
    closing = _unescaped(text, "}", opening + 1) if opening >= 0 else -1
    if opening >= 0 and closing < 0:
        raise _Fault(chunk.line_at(opening), "The { that opens the answers is never closed.")
    if opening >= 0 and _unescaped(text, "{", closing + 1) >= 0:
        raise _Fault(chunk.line_at(closing), "Only one set of answers { } per question.")
    if opening < 0:
        head, answers, tail = text, None, ""
    else:
        head, answers, tail = text[:opening], text[opening + 1 : closing], text[closing + 1 :]
    head, is_html = _formatted(_without_title(head, chunk), False)
    prompt = f"{head.strip()} _____ {tail.strip()}" if tail.strip() else head
    if not _unescape(prompt):
        raise _Fault(chunk.first_line, "The question has no text.")
    if answers is None:
        block_type, value = "description", {"text": _rich_text(prompt, is_html, chunk)}
    else:
        explanation = ""
        if (general := answers.find("####")) >= 0:
            explanation, answers = answers[general + 4 :], answers[:general]
        explanation, explanation_html = _formatted(explanation, is_html)
        common = {
            "prompt": _rich_text(prompt, is_html, chunk),
            "image": None,
            "image_alt": "",
            "points": Decimal(1),
            "explanation": _rich_text(explanation, explanation_html, chunk) if _unescape(explanation) else RichText(""),
        }
        block_type, value = _answers(answers, chunk=chunk, offset=opening + 1, is_html=is_html)
        value = {**common, **value}
    block_type, value = _apply_directives(chunk, block_type, value)
    _validate(block_type, value, line=chunk.first_line)
    return block_type, value


def _apply_directives(chunk: _Chunk, block_type: str, value: dict) -> tuple[str, dict]:
    for name, argument in chunk.directives.items():
        line = chunk.directive_lines[name]
        if name not in DIRECTIVES:
            raise _Fault(line, f"Unknown directive “ce:{name}”; known: {', '.join(sorted(DIRECTIVES))}.")
        if name == "points":
            if block_type == "description":
                raise _Fault(line, "ce:points does not apply to a description, which has no answer.")
            try:
                value["points"] = Decimal(argument)
            except InvalidOperation as error:
                raise _Fault(line, f"“{argument}” is not a number of points.") from error
        elif name == "multiple-select":
            if block_type not in ("single_choice", "multiple_select"):
                raise _Fault(line, "ce:multiple-select applies only to a question with choices.")
            block_type = "multiple_select"
            value.setdefault("partial_credit", True)
        elif name == "case-sensitive":
            if block_type != "short_answer":
                raise _Fault(line, "ce:case-sensitive applies only to short-answer questions.")
            value["case_sensitive"] = True
        elif name == "grader-info":
            if block_type != "essay":
                raise _Fault(line, "ce:grader-info applies only to essay questions.")
            value["grader_info"] = _rich_text(argument, True, chunk)
        else:
            if block_type not in ("multiple_select", "matching"):
                raise _Fault(line, f"ce:{name} applies only to multiple select and matching questions.")
            value["partial_credit"] = name == "partial-credit"
            if block_type == "multiple_select":
                # Written here: graded by our own rule, not by the shares the export wrote for Moodle.
                for choice in value["choices"]:
                    choice["weight"] = None
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
        return "essay", {"grader_info": RichText("")}
    if stripped.startswith("#"):
        return _numerical(body, chunk=chunk, offset=offset + body.index("#") + 1)
    parts = _split(stripped, "#")
    if parts[0].strip().lower() in _TRUE_FALSE:
        return _true_false(parts, is_html, chunk)
    answers = _answer_list(body, chunk=chunk, offset=offset, is_html=is_html)
    if any(answer.marker == "~" for answer in answers):
        return _choices(answers, line=line, is_html=is_html, chunk=chunk)
    if any("->" in answer.text for answer in answers):
        return _matching(answers, is_html, chunk)
    return _short_answer(answers, is_html, chunk)


def _true_false(parts: list[str], is_html: bool, chunk: _Chunk) -> tuple[str, dict]:
    answer = _TRUE_FALSE[parts[0].strip().lower()]
    if_wrong = _plain(*_formatted(parts[1], is_html), chunk) if len(parts) > 1 else ""
    if_right = _plain(*_formatted(parts[2], is_html), chunk) if len(parts) > 2 else ""
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
        weight, raw = _weight(raw, line)
        text, *feedback = _split(raw, "#")
        feedback, feedback_html = _formatted("#".join(feedback), is_html)
        answers.append(_Answer(body[index], text, weight, _plain(feedback, feedback_html, chunk), line))
        index = following
    return answers


def _weight(raw: str, line: int) -> tuple[Decimal | None, str]:
    if not (found := _WEIGHT.match(raw.strip())):
        return None, raw
    try:
        weight = Decimal(found.group(1).replace(",", "."))
    except InvalidOperation as error:
        raise _Fault(line, f"“{found.group(0)}” is not a percentage.") from error
    return weight, raw.strip()[found.end() :]


def _answer_text(answer: _Answer, is_html: bool, chunk: _Chunk, what: str = "An answer") -> str:
    text, text_html = _formatted(answer.text, is_html)
    if not _unescape(text):
        raise _Fault(answer.line, f"{what} has no text.")
    return _plain(text, text_html, chunk)


def _matching(answers: list[_Answer], is_html: bool, chunk: _Chunk) -> tuple[str, dict]:
    pairs, distractors = [], []
    for answer in answers:
        if "->" not in answer.text:
            raise _Fault(answer.line, "In a matching question every line is “=left -> right”.")
        left, right = answer.text.split("->", 1)
        left, left_html = _formatted(left, is_html)
        right, right_html = _formatted(right, is_html)
        if not _unescape(right):
            raise _Fault(answer.line, "A matching pair needs text on the right of ->.")
        if not _unescape(left):
            distractors.append(_plain(right, right_html, chunk))
        else:
            pairs.append({"left": _plain(left, left_html, chunk), "right": _plain(right, right_html, chunk)})
    return "matching", {"pairs": pairs, "distractors": distractors, "partial_credit": False}


def _choices(answers: list[_Answer], *, line: int, is_html: bool, chunk: _Chunk) -> tuple[str, dict]:
    weighted = any(answer.weight is not None for answer in answers)
    # Moodle: with an = answer the question has one answer (any = earns full marks); without,
    # it is multiple response, graded by the sum of the chosen answers' weights.
    single = any(answer.marker == "=" for answer in answers)

    def weight_of(answer):
        if answer.weight is not None:
            return answer.weight
        return Decimal(100) if answer.marker == "=" else Decimal(0)

    choices = [
        {
            "text": _answer_text(answer, is_html, chunk),
            "correct": weight_of(answer) > 0,
            "feedback": answer.feedback,
            "weight": weight_of(answer) if weighted else None,
        }
        for answer in answers
    ]
    if not any(choice["correct"] for choice in choices):
        raise _Fault(line, "No right answer: mark one with = or give it a positive %weight%.")
    if single:
        return "single_choice", {"choices": choices}
    return "multiple_select", {"choices": choices, "partial_credit": True}


def _short_answer(answers: list[_Answer], is_html: bool, chunk: _Chunk) -> tuple[str, dict]:
    accepted = [
        {
            "text": _answer_text(answer, is_html, chunk, "A short-answer answer"),
            "weight": Decimal(100) if answer.weight is None else answer.weight,
            "feedback": answer.feedback,
        }
        for answer in answers
    ]
    for answer, item in zip(answers, accepted, strict=True):
        if not Decimal(0) <= item["weight"] <= Decimal(100):
            raise _Fault(answer.line, "A short-answer answer's weight must be between 0% and 100%.")
    if not any(item["weight"] > 0 for item in accepted):
        raise _Fault(answers[0].line, "A short-answer question needs an answer worth more than 0%.")
    return "short_answer", {"answers": accepted, "case_sensitive": False}


def _number(text: str, line: int) -> Decimal:
    try:
        return Decimal(text.strip().replace(",", "."))
    except InvalidOperation as error:
        raise _Fault(line, f"“{text.strip()}” is not a number.") from error


def _numerical(body: str, *, chunk: _Chunk, offset: int) -> tuple[str, dict]:
    """`{#3.5:0.1}`, `{#1..5}` or `{#=%100%3:0 #exact =%50%3:1 #close ~#wrong}`: as Moodle reads it,
    everything from the first `~` is the feedback for any other number, which earns 0%."""
    hash_at = body.index("#")
    rest = body[hash_at + 1 :]
    line = chunk.line_at(offset)
    catch_all = None
    if (tilde := _unescaped(rest, "~")) >= 0:
        catch_all = _catch_all(rest[tilde + 1 :], chunk=chunk, line=chunk.line_at(offset + tilde))
        rest = rest[:tilde]
    if _unescaped(rest, "=") >= 0:
        first = _unescaped(rest, "=")
        raws, index = [], first
        while index >= 0:
            following = _unescaped(rest, "=", index + 1)
            raws.append((rest[index + 1 : following if following >= 0 else len(rest)], chunk.line_at(offset + index)))
            index = following
    else:
        raws = [(rest, line)]
    answers = []
    for raw, answer_line in raws:
        weight, raw = _weight(raw, answer_line)
        number, *feedback = _split(raw, "#")
        feedback, feedback_html = _formatted("#".join(feedback), False)
        number = number.strip()
        if not number:
            raise _Fault(answer_line, "A numerical answer has no number.")
        if ".." in number:
            low, high = (_number(part, answer_line) for part in number.split("..", 1))
            if low > high:
                raise _Fault(answer_line, f"The range {number} ends below where it starts.")
            value, tolerance = (low + high) / 2, (high - low) / 2
        elif ":" in number:
            value, tolerance = (_number(part, answer_line) for part in number.split(":", 1))
        else:
            value, tolerance = _number(number, answer_line), Decimal(0)
        if tolerance < 0:
            raise _Fault(answer_line, "A numerical answer's tolerance cannot be negative.")
        weight = Decimal(100) if weight is None else weight
        if not Decimal(0) <= weight <= Decimal(100):
            raise _Fault(answer_line, "A numerical answer's weight must be between 0% and 100%.")
        answers.append(
            {
                "value": value,
                "tolerance": tolerance,
                "weight": weight,
                "feedback": _plain(feedback, feedback_html, chunk),
            }
        )
    if not any(answer["weight"] > 0 for answer in answers):
        raise _Fault(line, "A numerical question needs an answer worth more than 0%.")
    return "numerical", {"answers": answers + ([catch_all] if catch_all else [])}


def _catch_all(raw: str, *, chunk: _Chunk, line: int) -> dict:
    """`~#feedback`: any other number, at 0%, with its feedback (the answer Moodle calls `*`)."""
    number, *feedback = _split(raw, "#")
    if _unescape(number):
        raise _Fault(line, "A ~ answer in a numerical question stands for any other number: write only ~#feedback.")
    feedback, feedback_html = _formatted("#".join(feedback), False)
    feedback = _plain(feedback, feedback_html, chunk)
    return {"value": None, "tolerance": Decimal(0), "weight": Decimal(0), "feedback": feedback}


def _validate(block_type: str, value: dict, *, line: int) -> None:
    """The editor's own checks (lengths, a right answer, distinct pairs), so an import saves only what it could."""
    block = _BLOCKS[block_type]
    try:
        block.clean(block.to_python(block.get_prep_value(value)))
    except ValidationError as error:
        name = TYPE_NAMES.get(block_type, block.meta.label or block_type).lower()
        raise _Fault(line, f"As a {name} question: " + " ".join(_messages(error))) from error


def _messages(error) -> list[str]:
    if not hasattr(error, "block_errors"):
        return list(error.messages)
    messages = [message for inner in error.non_block_errors.as_data() for message in inner.messages]
    for name, inner in error.block_errors.items():
        messages += [f"{name}: {message}" if isinstance(name, str) else message for message in _messages(inner)]
    return messages


def _plain(text: str, is_html: bool, chunk: _Chunk) -> str:
    text = _unescape(text)
    if not is_html:
        return text
    chunk.removed_html += [f"<{tag}>" for tag in _tags(text)]
    return html.unescape(strip_tags(text)).strip()


def _tags(text: str) -> set[str]:
    return {tag.lower() for tag in _TAG.findall(text)}


def _image_as_alt(found) -> str:
    alt = _ALT.search(found.group(0))
    text = (alt.group(1) or alt.group(2) or "").strip() if alt else ""
    return f"[Image: {html.escape(html.unescape(text), quote=False)}]" if text else "[Image]"


def _rich_html(text: str, is_html: bool, chunk: _Chunk) -> str:
    text = _unescape(text)
    if not is_html:
        return "".join(
            f"<p>{html.escape(paragraph, quote=False)}</p>" for paragraph in text.split("\n\n") if paragraph.strip()
        )
    # An image elsewhere on the web would be fetched by every practitioner's browser (and the CSP
    # refuses it); its alt text keeps the question readable, and the report says it was replaced.
    if _IMAGE.search(text):
        chunk.removed_html.append("<img> (replaced by its alt text)")
        text = _IMAGE.sub(_image_as_alt, text)
    chunk.removed_html += [f"<{tag}>" for tag in _tags(text) - set(ALLOWED_PROMPT_TAGS)]
    for found in _LINK.finditer(text):
        href = (found.group(1) or found.group(2) or "").strip().lower()
        if href.split(":", 1)[0] not in ALLOWED_PROTOCOLS:
            chunk.removed_html.append(f"a link to “{href[:60]}”")
    cleaned = bleach.clean(
        text, tags=ALLOWED_PROMPT_TAGS, attributes=ALLOWED_ATTRIBUTES, protocols=ALLOWED_PROTOCOLS, strip=True
    )
    cleaned = cleaned.replace("<strong>", "<b>").replace("</strong>", "</b>")
    cleaned = cleaned.replace("<em>", "<i>").replace("</em>", "</i>")
    return cleaned if re.match(r"\s*<(p|ul|ol|pre)\b", cleaned) else f"<p>{cleaned}</p>"


def _rich_text(text: str, is_html: bool, chunk: _Chunk) -> RichText:
    return RichText(_rich_html(text, is_html, chunk))


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
    comment = "".join(f"{line}\n" for line in _directives_for(block))
    if block.block_type == "description":
        return f"{comment}::Q{number}:: [html]{_escape(value['text'].source)}"
    head = f"::Q{number}:: [html]{_escape(value['prompt'].source)}"
    explanation = f"\n####[html]{_escape(value['explanation'].source)}" if value["explanation"] else ""
    if block.block_type == "essay":
        return f"{comment}{head} {{{explanation}}}"
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
        answers += [f"= -> {_escape_text(text)}" for text in value.get("distractors") or []]
    elif block.block_type == "short_answer":
        answers = [
            f"={_weight_mark(answer['weight'])}{_choice_text(answer)}{_feedback(answer)}" for answer in value["answers"]
        ]
    elif block.block_type == "numerical":
        answers = [
            f"={_weight_mark(answer['weight'])}{_decimal(answer['value'])}:{_decimal(answer['tolerance'])}"
            f"{_feedback(answer)}"
            for answer in value["answers"]
            if answer["value"] is not None
        ]
        # As Moodle writes its `*` answer; last, since import reads everything after a ~ as its feedback.
        answers += [f"~#{_escape_text(answer['feedback'])}" for answer in value["answers"] if answer["value"] is None]
        return f"{comment}{head} {{#\n" + "\n".join(answers) + f"{explanation}\n}}"
    elif _weighted(value):
        answers = [_weighted_choice(block.block_type, choice) for choice in value["choices"]]
    elif block.block_type == "multiple_select":
        # Moodle's shares for a reader there; `ce:partial-credit`/`ce:all-or-nothing` tell our import
        # to keep the rule the question was written with.
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


def _weighted(value) -> bool:
    return any(choice.get("weight") is not None for choice in value.get("choices", []))


def _weighted_choice(block_type: str, choice) -> str:
    weight = Decimal(choice["weight"] if choice.get("weight") is not None else 0)
    if block_type != "multiple_select" and weight == 100:
        return f"={_choice_text(choice)}{_feedback(choice)}"
    return f"~%{_percent(weight)}%{_choice_text(choice)}{_feedback(choice)}"


def _weight_mark(weight) -> str:
    return "" if Decimal(weight) == 100 else f"%{_percent(Decimal(weight))}%"


def _directives_for(block) -> list[str]:
    """What GIFT cannot say about the question, as comments that `parse` reads back."""
    value, lines = block.value, []
    if block.block_type == "image_question":
        lines.append("// Image question: its image does not travel in GIFT.")
    if block.block_type == "description":
        return lines
    if value["points"] != 1:
        lines.append(f"// ce:points {value['points']:f}")
    if block.block_type == "multiple_select" and not _weighted(value):
        if sum(1 for c in value["choices"] if c["correct"]) == 1:
            lines.append("// ce:multiple-select")
        lines.append("// ce:partial-credit" if value["partial_credit"] else "// ce:all-or-nothing")
    if block.block_type == "matching":
        lines.append("// ce:partial-credit" if value["partial_credit"] else "// ce:all-or-nothing")
    if block.block_type == "short_answer" and value.get("case_sensitive"):
        lines.append("// ce:case-sensitive")
    if block.block_type == "essay" and value.get("grader_info"):
        lines.append(f"// ce:grader-info {value['grader_info'].source}".replace("\n", " "))
    return lines


def _choice_text(choice) -> str:
    text = _escape_text(choice["text"])
    # GIFT has no escape for %; in an [html] question an entity keeps it from reading as a weight.
    return f"&\\#37;{text[1:]}" if text.startswith("%") else text


def _feedback(choice) -> str:
    return f" #{_escape_text(choice['feedback'])}" if choice["feedback"] else ""


def _percent(value: Decimal) -> str:
    return f"{Decimal(value).quantize(Decimal('0.00001')).normalize():f}"


def _decimal(value) -> str:
    return f"{Decimal(value).normalize():f}"


def _escape_text(text: str) -> str:
    """Plain text inside an [html] question: HTML-escaped, then GIFT-escaped."""
    return _escape(html.escape(text, quote=False))


def _escape(text: str) -> str:
    text = "".join(f"\\{char}" if char in SPECIAL or char == "\\" else char for char in str(text))
    return text.replace("\n", "\\n")
