"""GIFT import measured against Moodle's own cases, the round trip of every type, and a 1,000-question bank.

    .venv/bin/python bench/gift_import.py [--questions 1000] [--repeat 5]

Three tables, for issue 13:

1. Moodle's GIFT cases (moodle/moodle `question/format/gift/tests/giftformat_test.php`, each named by
   its test function, and the fixture `tests/fixtures/questions.gift.txt` that `behat/import_export.feature`
   imports), each with what Moodle's test expects, read by the parser as it was before issue 13
   (`quizzes/gift.py` and the blocks it validated against, at commit 7ba7195, loaded from `git show`)
   and by today's `quizzes.gift.read`. The text of an `test_export_*` case is the GIFT that Moodle's
   exporter writes, and its expectation the question it was written from. Moodle's facts are mapped
   onto our block values: `multichoice` with `single` 1 is single choice and 0 multiple select,
   `truefalse`, `match`, `shortanswer`, `numerical`, `essay` and `description` their namesakes; a
   fraction is a choice's `weight` / 100 where it has one, else 1 for a right single choice and 0 for
   a wrong one, and for an unweighted multiple select with partial credit plus or minus one right
   choice's share (our own rule); HTML answers and matching items compare as their text, since ours
   are plain text. Tags and idnumbers (`[tag:x]`, `[id:x]`) have no counterpart here and are not compared.
2. The round trip of each supported type: a quiz built with the test factories, `gift.export`,
   `gift.read`, export again, read again; the block values and the GIFT text must come out unchanged.
3. `gift.read` of a generated bank of `--questions` questions of every type (median of `--repeat`),
   against reading 10 of them (scaled) and against only splitting the text into questions; and the
   parser before and today on a bank of the four types the parser before could read.

No database is read: the questions are StreamField values built in memory.
"""

import argparse
import functools
import html
import importlib.util
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import django_setup  # noqa: F401 (sets Django up before the imports below)
from django.utils.html import strip_tags
from wagtail.blocks import StreamBlock, StructValue
from wagtail.blocks.list_block import ListValue
from wagtail.rich_text import RichText

from quizzes import gift
from quizzes.blocks import QUESTION_BLOCKS
from quizzes.tests import factories

BEFORE_COMMIT = "7ba7195"
SOURCE = "giftformat_test.php::"
FIXTURE = "fixtures/questions.gift.txt"
CATEGORY_FIXTURE = "fixtures/questions_in_category.gift.txt"
# Moodle's question type (and `single` for multichoice) as our block type.
MOODLE_TYPES = {
    "multichoice single": "single_choice",
    "multichoice multi": "multiple_select",
    "truefalse": "true_false",
    "match": "matching",
    "shortanswer": "short_answer",
    "numerical": "numerical",
    "essay": "essay",
    "description": "description",
}
COLOURS = "What's between orange and green in the spectrum?"
ACTIVITIES = [
    ("An activity supporting asynchronous discussions.", "Forum"),
    ("A teacher asks a question and specifies a choice of multiple responses.", "Choice"),
    ("A bank of record entries which participants can add to.", "Database"),
    ("A collection of web pages that anyone can add to or edit.", "Wiki"),
]
ANIMALS = [
    ("Frog", Decimal(1), "Good!"),
    ("Cat", Decimal("0.5"), "What is it with Moodlers and cats?"),
    ("*", Decimal(0), "Completely wrong"),
]
# Moodle's numerical answer "*" (any other number) has no tolerance.
ONE_TO_FIVE = [(Decimal(3), Decimal(2), Decimal(1), ""), ("*", None, Decimal(0), "Completely wrong")]
PRE = (
    "<p>What would running the test method print?</p>\n<pre>\n    public void test() {\n        method1();\n"
    "        method2();\n        method3();\n    }\n</pre>"
)


@dataclass
class Case:
    source: str
    text: str
    moodle_type: str = ""
    expected: dict = field(default_factory=dict)
    count: int | None = None  # a whole file: how many questions Moodle imports from it


def case(name, text, moodle_type, prompt, explanation="", **expected):
    return Case(SOURCE + name, text, moodle_type, {"prompt": prompt, "explanation": explanation, **expected})


CASES = [
    case("test_import_essay", "\n// essay\n::Q8:: How are you? {}", "essay", "How are you?"),
    case(
        "test_import_match",
        "\n// question: 2  name: Moodle activities\n"
        "::Moodle activities::[html]Match the <b>activity</b> to the description.{\n"
        "    =[html]An activity supporting asynchronous discussions. -> Forum\n"
        "    =[moodle]A teacher asks a question and specifies a choice of multiple responses. -> Choice\n"
        "    =[plain]A bank of record entries which participants can add to. -> Database\n"
        "    =[markdown]A collection of web pages that anyone can add to or edit. -> Wiki\n"
        "    = -> Chat\n}",
        "match",
        "Match the <b>activity</b> to the description.",
        pairs=ACTIVITIES,
        distractors=["Chat"],
    ),
    case(
        "test_import_multichoice",
        f"\n// multiple choice with specified feedback for right and wrong answers\n::Q2:: {COLOURS}\n{{\n"
        "    =yellow # right; good!\n    ~red # [html]wrong, it's yellow\n    ~[plain]blue # wrong, it's yellow\n}",
        "multichoice single",
        COLOURS,
        choices=[
            ("yellow", Decimal(1), "right; good!"),
            ("red", Decimal(0), "wrong, it's yellow"),
            ("blue", Decimal(0), "wrong, it's yellow"),
        ],
    ),
    case(
        "test_import_multichoice_multi",
        f"\n// multiple choice, multiple response\n::colours:: {COLOURS}\n{{\n"
        "    ~%50%yellow # right; good!\n    ~%-100%red # [html]wrong\n"
        "    ~%50%off-beige # right; good!\n    ~%-100%[plain]blue # wrong\n}",
        "multichoice multi",
        COLOURS,
        choices=[
            ("yellow", Decimal("0.5"), "right; good!"),
            ("red", Decimal(-1), "wrong"),
            ("off-beige", Decimal("0.5"), "right; good!"),
            ("blue", Decimal(-1), "wrong"),
        ],
    ),
    case(
        "test_import_multichoice_multi_tricky",
        f"\n// multiple choice, multiple response\n::colours:: {COLOURS}\n{{\n"
        "    ~%100%yellow # right; good!\n    ~%-50%red # wrong\n    ~%-50%blue # wrong\n}",
        "multichoice multi",
        COLOURS,
        choices=[
            ("yellow", Decimal(1), "right; good!"),
            ("red", Decimal("-0.5"), "wrong"),
            ("blue", Decimal("-0.5"), "wrong"),
        ],
    ),
    case(
        "test_import_numerical",
        "\n// math range question\n::Q5:: What is a number from 1 to 5? {#3:2~#Completely wrong}",
        "numerical",
        "What is a number from 1 to 5?",
        numbers=ONE_TO_FIVE,
    ),
    case(
        "test_import_shortanswer",
        "\n// question: 666  name: Shortanswer\n::Shortanswer::Which is the best animal?{\n"
        "    =Frog#Good!\n    =%50%Cat#What is it with Moodlers and cats?\n    =%0%*#Completely wrong\n}",
        "shortanswer",
        "Which is the best animal?",
        answers=ANIMALS,
    ),
    case(
        "test_import_shortanswer_with_general_feedback",
        "\n// question: 666  name: Shortanswer\n::Shortanswer::Which is the best animal?{\n"
        "    =Frog#Good!\n    =%50%Cat#What is it with Moodlers and cats?\n    =%0%*#Completely wrong\n"
        "    ####[html]Here is some general feedback!\n}",
        "shortanswer",
        "Which is the best animal?",
        explanation="Here is some general feedback!",
        answers=ANIMALS,
    ),
    case(
        "test_import_truefalse",
        "\n// true/false\n::Q1:: 42 is the Absolute Answer to everything.{\n"
        "FALSE#42 is the Ultimate Answer.#You gave the right answer.}",
        "truefalse",
        "42 is the Absolute Answer to everything.",
        answer=False,
        feedback_if_true="42 is the Ultimate Answer.",
        feedback_if_false="You gave the right answer.",
    ),
    case(
        "test_import_truefalse_true_answer1",
        "// name 0-11\n::2-08 TSL::TSL is blablabla.{T}",
        "truefalse",
        "TSL is blablabla.",
        answer=True,
        feedback_if_true="",
        feedback_if_false="",
    ),
    case(
        "test_import_truefalse_true_answer2",
        "// name 0-11\n::2-08 TSL::TSL is blablabla.{TRUE}",
        "truefalse",
        "TSL is blablabla.",
        answer=True,
        feedback_if_true="",
        feedback_if_false="",
    ),
    case("test_import_backslash", "\n// essay\n::double backslash:: A \\\\ B \\\\\\\\ C{}", "essay", "A \\ B \\\\ C"),
    case(
        "test_import_pre_content",
        "\n::Q001::[html]<p>What would running the test method print?</p>\n<pre>\n    public void test() \\{\n"
        "        method1();\n        method2();\n        method3();\n    \\}\n</pre>\n{}",
        "essay",
        PRE,
    ),
    case(
        "test_import_question_with_tags",
        "\n// This question is to test importing tags: [tag:tag] [tag:other-tag].\n// And an idnumber: [id:myid].\n"
        "::Question name:: How are you? {}",
        "essay",
        "How are you?",
    ),
    case("test_export_essay", "// question: 666  name: Q8\n::Q8::How are you?{}\n\n", "essay", "How are you?"),
    case(
        "test_export_match",
        "// question: 666  name: Moodle activities\n"
        "::Moodle activities::[html]Match the <b>activity</b> to the description.{\n"
        '\t=<div class\\="frog">An activity supporting asynchronous discussions.</div> -> Forum\n'
        "\t=[moodle]A teacher asks a question and specifies a choice of multiple responses. -> Choice\n"
        "\t=[plain]A bank of record entries which participants can add to. -> Database\n"
        "\t=[markdown]A collection of web pages that anyone can add to or edit. -> Wiki\n"
        "\t= -> Chat\n}\n\n",
        "match",
        "Match the <b>activity</b> to the description.",
        pairs=ACTIVITIES,
        distractors=["Chat"],
    ),
    case(
        "test_export_multichoice",
        f"// question: 666  name: Q8\n::Q8::{COLOURS}{{\n\t=yellow#right; good!\n"
        "\t~red#[html]wrong, it's yellow\n\t~[plain]blue#wrong, it's yellow\n}\n\n",
        "multichoice single",
        COLOURS,
        choices=[
            ("yellow", Decimal(1), "right; good!"),
            ("red", Decimal(0), "wrong, it's yellow"),
            ("blue", Decimal(0), "wrong, it's yellow"),
        ],
    ),
    case(
        "test_export_multichoice_multi_tricky",
        f"// question: 666  name: Q8\n::Q8::{COLOURS}{{\n\t~%100%yellow#right; good!\n"
        "\t~%-50%red#wrong, it's yellow\n\t~%-50%blue#wrong, it's yellow\n}\n\n",
        "multichoice multi",
        COLOURS,
        choices=[
            ("yellow", Decimal(1), "right; good!"),
            ("red", Decimal("-0.5"), "wrong, it's yellow"),
            ("blue", Decimal("-0.5"), "wrong, it's yellow"),
        ],
    ),
    case(
        "test_export_numerical",
        "// question: 666  name: Q5\n::Q5::What is a number from 1 to 5?{#\n\t=%100%3:2#\n\t~#Completely wrong\n}\n\n",
        "numerical",
        "What is a number from 1 to 5?",
        numbers=ONE_TO_FIVE,
    ),
    case(
        "test_export_shortanswer",
        "// question: 666  name: Shortanswer\n::Shortanswer::Which is the best animal?{\n\t=%100%Frog#Good!\n"
        "\t=%50%Cat#What is it with Moodlers and cats?\n\t=%0%*#Completely wrong\n}\n\n",
        "shortanswer",
        "Which is the best animal?",
        answers=ANIMALS,
    ),
    case(
        "test_export_shortanswer_with_general_feedback",
        "// question: 666  name: Shortanswer\n::Shortanswer::Which is the best animal?{\n\t=%100%Frog#Good!\n"
        "\t=%50%Cat#What is it with Moodlers and cats?\n\t=%0%*#Completely wrong\n"
        "\t####[html]Here is some general feedback!\n}\n\n",
        "shortanswer",
        "Which is the best animal?",
        explanation="Here is some general feedback!",
        answers=ANIMALS,
    ),
    case(
        "test_export_truefalse",
        "// question: 666  name: Q1\n::Q1::42 is the Absolute Answer to everything."
        "{TRUE#[html]42 is the Ultimate Answer.#You gave the right answer.}\n\n",
        "truefalse",
        "42 is the Absolute Answer to everything.",
        answer=True,
        feedback_if_true="You gave the right answer.",
        feedback_if_false="42 is the Ultimate Answer.",
    ),
    case(
        "test_export_backslash",
        "// question: 666  name: backslash\n::backslash::A \\\\ B \\\\\\\\ C{}\n\n",
        "essay",
        "A \\ B \\\\ C",
    ),
    case(
        "test_export_question_with_tags_and_idnumber",
        "// question: 1  name: True/false question\n// [id:myid] [tag:tag1] [tag:tag2]\n"
        "::True/false question::[html]The answer is true.{TRUE#This is the wrong answer.#This is the right answer."
        "####You should have selected true.}\n\n",
        "truefalse",
        "The answer is true.",
        explanation="You should have selected true.",
        answer=True,
        feedback_if_true="This is the right answer.",
        feedback_if_false="This is the wrong answer.",
    ),
    Case(
        f"{FIXTURE} (behat/import_export.feature: “Importing 9 questions from file”)",
        "// essay\n::Q8:: How are you? {}\n\n// question: 2  name: Moodle activities\n"
        "::Moodle activities::[html]Match the <b>activity</b> to the description.{\n"
        "    =[html]An activity supporting asynchronous discussions. -> Forum\n"
        "    =[moodle]A teacher asks a question and specifies a choice of multiple responses. -> Choice\n"
        "    =[plain]A bank of record entries which participants can add to. -> Database\n"
        "    =[markdown]A collection of web pages that anyone can add to or edit. -> Wiki\n"
        "    = -> Chat\n}\n\n"
        f"// multiple choice with specified feedback for right and wrong answers\n::Q2:: {COLOURS}\n{{\n"
        "    =yellow # right; good!\n    ~red # [html]wrong, it's yellow\n    ~[plain]blue # wrong, it's yellow\n}\n\n"
        "// multiple choice, multiple response with specified feedback for right and wrong answers\n"
        f"::colours:: {COLOURS}\n{{\n    ~%50%yellow # right; good!\n    ~%-100%red # [html]wrong\n"
        "    ~%50%off-beige # right; good!\n    ~%-100%[plain]blue # wrong\n}\n\n"
        '// math range question\n::Q5:: What is a number from 1 to 5? {#3:2~#Completely wrong}";\n\n'
        "// question: 666  name: Shortanswer\n::Shortanswer::Which is the best animal?{\n    =Frog#Good!\n"
        "    =%50%Cat#What is it with Moodlers and cats?\n    =%0%*#Completely wrong\n}\n\n"
        "// true/false, with general feedback\n::Q1:: 42 is the Absolute Answer to everything.{\n"
        "FALSE#42 is the Ultimate Answer.#You gave the right answer.\n"
        "####This is, of course, a Hitchiker's Guide to the Galaxy reference.}\";\n\n"
        "// name 0-11\n::2-08 TSL::TSL is blablabla.{T}\n\n// name 0-11\n::2-08 TSL::TSL is blablabla.{TRUE}\n",
        count=9,
    ),
    Case(
        f"{CATEGORY_FIXTURE} (a $CATEGORY line, then a matching, a choice, a short answer and a true/false)",
        (
            "// question: 0  name: switch category to $course$/Default for New Features\n"
            "$CATEGORY: $course$/Default for New Features\n"
            "\n"
            "// question: 44  name: Moodle activities\n"
            "::Moodle activities::[html]Match the activity to the description.{\n"
            "\t=An activity supporting asynchronous discussions. -> Forum\n"
            "\t=A teacher asks a question and specifies a choice of multiple responses. -> Choice\n"
            "\t=A bank of record entries which participants can add to. -> Database\n"
            "\t=A collection of web pages that anyone can add to or edit. -> Wiki\n"
            "\t= -> Chat\n"
            "}\n"
            "\n"
            "// question: 43  name: Greeting\n"
            '::Greeting::[html]<a href\\="http\\://demo.moodle.net/file.php/5/media/bonjour.mp3">Listen to this greeting\\:</a><br /><br />What language is being spoken?{\n'  # noqa: E501 (Moodle's line as written)
            "\t~English#Sorry, listen again.\n"
            "\t=French#Yes, well done!\n"
            "\t~German#Sorry, listen again.\n"
            "\t~Spanish#Sorry, listen again.\n"
            "}\n"
            "\n"
            "// question: 46  name: Moodle user\n"
            "::Moodle user::[html]Anyone who uses Moodle is a ...{\n"
            "\t=%100%Moodler#\n"
            "}\n"
            "\n"
            "// question: 45  name: Moodle acronym\n"
            '::Moodle acronym::[html]Moodle is an acronym for <span style\\="font-style\\: italic;">Modular Object-Oriented Dynamic Learning Environment</span>.{TRUE}\n'  # noqa: E501
        ),
        count=4,
    ),
]


@functools.cache
def parser_before():
    """`quizzes.gift` as it was at BEFORE_COMMIT, with the blocks and grading kinds of that time."""
    folder = Path(tempfile.mkdtemp(prefix="ce-gift-before-")) / "quizzes_before"
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    for name in ("gift", "blocks", "grading"):
        source = subprocess.run(  # noqa: S603 (git, on this checkout)
            ["git", "show", f"{BEFORE_COMMIT}:quizzes/{name}.py"],  # noqa: S607
            cwd=Path(__file__).resolve().parents[1],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        (folder / f"{name}.py").write_text(source)
    spec = importlib.util.spec_from_file_location("quizzes_before", folder / "__init__.py")
    package = importlib.util.module_from_spec(spec)
    sys.modules["quizzes_before"] = package
    spec.loader.exec_module(package)
    return importlib.import_module("quizzes_before.gift")


def read_before(module, text):
    """The parser before had only the strict form: a file with one bad question was refused whole."""
    try:
        return module.parse(text), []
    except module.GiftError as error:
        return [], error.errors


def read_today(text):
    report = gift.read(text)
    return report.questions, report.messages


def inner_html(source: str) -> str:
    """Our rich text wraps plain text in one paragraph; Moodle's question text has none. A newline just
    after <pre> is no part of its content in HTML (the sanitizer's parser drops it), so neither side keeps it."""
    source = source.strip().replace("<pre>\n", "<pre>")
    if source.startswith("<p>") and source.endswith("</p>") and source.count("<p>") == 1:
        return source[3:-4]
    return source


def text_of(source: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(strip_tags(source))).strip()


def fraction(block_type, value, choice):
    if choice.get("weight") is not None:
        return Decimal(choice["weight"]) / 100
    if block_type == "multiple_select":
        if not value.get("partial_credit"):
            return "all or nothing"
        share = Decimal(1) / sum(1 for other in value["choices"] if other["correct"])
        return share if choice["correct"] else -share
    return Decimal(1) if choice["correct"] else Decimal(0)


def facts(block_type, value) -> dict:
    """Our block value in the terms of Moodle's expectations."""
    found = {"prompt": inner_html((value.get("prompt") or value.get("text")).source)}
    if "explanation" in value:
        found["explanation"] = text_of(value["explanation"].source)
    if "choices" in value:
        found["choices"] = [
            (choice["text"], fraction(block_type, value, choice), choice["feedback"]) for choice in value["choices"]
        ]
    if block_type == "true_false":
        found |= {name: value[name] for name in ("answer", "feedback_if_true", "feedback_if_false")}
    if block_type == "matching":
        found["pairs"] = [(pair["left"], pair["right"]) for pair in value["pairs"]]
        found["distractors"] = list(value.get("distractors") or [])
    if block_type == "short_answer":
        found["answers"] = [(a["text"], Decimal(a["weight"]) / 100, a["feedback"]) for a in value["answers"]]
    if block_type == "numerical":
        # An answer with no number is Moodle's "*": any other number.
        found["numbers"] = [
            ("*", None, Decimal(a["weight"]) / 100, a["feedback"])
            if a["value"] is None
            else (Decimal(a["value"]), Decimal(a["tolerance"]), Decimal(a["weight"]) / 100, a["feedback"])
            for a in value["answers"]
        ]
    return found


def judge(case, questions, refused) -> tuple[str, str]:
    """("match" | "refused" | "differs", why)."""
    if case.count is not None:
        if len(questions) == case.count and not refused:
            return "match", ""
        return ("refused" if refused else "differs"), f"{len(questions)} of {case.count} imported; " + "; ".join(
            refused
        )
    if refused or not questions:
        return "refused", "; ".join(refused)
    (block_type, value), *rest = questions
    expected_type = MOODLE_TYPES[case.moodle_type]
    if rest or block_type != expected_type:
        return "differs", f"read as {[t for t, _ in questions]}, Moodle: {case.moodle_type} ({expected_type})"
    ours = facts(block_type, value)
    wrong = [
        f"{name}: Moodle {expected!r}, ours {ours.get(name)!r}"
        for name, expected in case.expected.items()
        if ours.get(name) != (inner_html(expected) if name == "prompt" else expected)
    ]
    return ("differs", "; ".join(wrong)) if wrong else ("match", "")


def moodle_table():
    before_module = parser_before()
    rows = []
    for item in CASES:
        before = judge(item, *read_before(before_module, item.text))
        after = judge(item, *read_today(item.text))
        rows.append((item, before, after))
    print(f"Moodle's GIFT cases (moodle/moodle question/format/gift/tests), before ({BEFORE_COMMIT}) and today")
    print(f"{'case':<62} {'before':<8} {'today':<8}")
    for item, before, after in rows:
        print(f"{item.source[:62]:<62} {before[0]:<8} {after[0]:<8}")
    counts = {
        when: {result: sum(1 for row in rows if row[index][0] == result) for result in ("match", "differs", "refused")}
        for index, when in ((1, "before"), (2, "today"))
    }
    print()
    print(f"{'':<10} {'cases':>5} {'as Moodle':>10} {'differ':>7} {'refused':>8}")
    for when, count in counts.items():
        print(f"{when:<10} {len(rows):>5} {count['match']:>10} {count['differs']:>7} {count['refused']:>8}")
    print()
    print("Still not as Moodle today:" if any(after[0] != "match" for _, _, after in rows) else "All as Moodle today.")
    for item, _, after in rows:
        if after[0] != "match":
            print(f"- {item.source}: {after[0]}: {after[1]}")


STREAM = StreamBlock(QUESTION_BLOCKS)


def stream_of(questions):
    return STREAM.to_python(
        [
            {"type": block_type, "value": STREAM.child_blocks[block_type].get_prep_value(v)}
            for block_type, v in questions
        ]
    )


def plain(value):
    if isinstance(value, (StructValue, dict)):
        return {name: plain(item) for name, item in value.items()}
    if isinstance(value, (ListValue, list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, RichText):
        return ("rich text", value.source)
    return value


def choice(text, correct, weight, feedback=""):
    return {"text": text, "correct": correct, "feedback": feedback, "weight": Decimal(weight)}


def round_trip_questions():
    _, weighted_single = factories.single_choice(prompt="Which stroke suits a trigger point best?")
    weighted_single["choices"] = [
        choice("Ischemic compression", True, 100, "Yes."),
        choice("Friction", True, 50, "Partly."),
        choice("Effleurage", False, 0),
        choice("Tapotement", False, 0),
    ]
    _, weighted_multiple = factories.multiple_select(partial_credit=True)
    weighted_multiple["choices"] = [
        choice("Supraspinatus", True, 50),
        choice("Infraspinatus", True, 50),
        choice("Deltoid", False, -100, "Not a cuff muscle."),
        choice("Pectoralis major", False, -25),
    ]
    return {
        "single_choice": factories.single_choice(),
        "multiple_select": factories.multiple_select(),
        "multiple_select, partial credit": factories.multiple_select(partial_credit=True, points=2),
        "true_false": factories.true_false(answer=True),
        "matching": factories.matching(),
        "short_answer": factories.short_answer(),
        "numerical": factories.numerical(value="2.5", tolerance="0.25"),
        "essay": factories.essay(),
        "description": factories.description(),
        "weighted single choice": ("single_choice", weighted_single),
        "weighted multiple select": ("multiple_select", weighted_multiple),
    }


def round_trip_table():
    print("Round trip: export, read, export, read")
    print(f"{'type':<34} {'values':<10} {'text':<10} unchanged")
    for name, question in round_trip_questions().items():
        original = stream_of([question])
        text = gift.export(original)
        first = gift.read(text)
        second_text = gift.export(stream_of(first.questions)) if first.questions else ""
        second = gift.read(second_text) if second_text else first
        values = (
            not first.refused
            and not second.refused
            and [plain(block.value) for block in original]
            == [plain(stream_of([q])[0].value) for q in first.questions]
            == [plain(stream_of([q])[0].value) for q in second.questions]
        )
        same_text = text == second_text
        print(
            f"{name:<34} {'same' if values else 'changed':<10} {'same' if same_text else 'changed':<10} "
            f"{'yes' if values and same_text else 'no'}"
        )
        if first.refused:
            print(f"    refused: {first.messages}")


def timed(function, repeat):
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def bank(count, makers):
    questions = [makers[i % len(makers)] for i in range(count)]
    questions = [
        (t, {**v, "prompt": RichText(f"<p>Question {i + 1}?</p>")} if "prompt" in v else v)
        for i, (t, v) in enumerate(questions)
    ]
    return gift.export(stream_of(questions), title="Bench bank")


def timing_table(count, repeat):
    every_type = [q for name, q in round_trip_questions().items() if name != "multiple_select, partial credit"]
    old_types = [factories.single_choice(), factories.multiple_select(), factories.true_false(), factories.matching()]
    mixed, small = bank(count, every_type), bank(10, every_type)
    assert len(gift.read(mixed).imported) == count, "every generated question should import"
    before_module = parser_before()
    old_bank = bank(count, old_types)
    assert len(before_module.parse(old_bank)) == count
    rows = [
        (f"split at blank lines, {count}", timed(lambda: mixed.split("\n\n"), repeat)),
        (f"gift.read, 10 questions x {count // 10}", timed(lambda: gift.read(small), repeat) * (count // 10)),
        (f"gift.read, {count} questions", timed(lambda: gift.read(mixed), repeat)),
        (f"before: parse, {count} of 4 old types", timed(lambda: before_module.parse(old_bank), repeat)),
        (f"today: read, {count} of 4 old types", timed(lambda: gift.read(old_bank), repeat)),
    ]
    baseline = rows[0][1]
    print(f"Import time, median of {repeat} ({len(mixed) / 1024:.0f} KiB of GIFT, {count} questions of 10 kinds)")
    print(f"{'what':<42} {'ms':>9} {'per question':>13} {'x split':>8}")
    for name, seconds in rows:
        print(f"{name:<42} {seconds * 1000:>9.1f} {seconds / count * 1e6:>10.1f} µs {seconds / baseline:>7.0f}x")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    moodle_table()
    print()
    round_trip_table()
    print()
    timing_table(args.questions, args.repeat)


if __name__ == "__main__":
    main()
