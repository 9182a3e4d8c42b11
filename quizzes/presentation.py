"""Turning a quiz's questions into what one attempt presents, and that snapshot back into gradable questions.

The snapshot is plain JSON stored on the attempt: the questions in the order shown, their wording as
rendered, and choices under keys made up for this attempt, so that a key tells nothing about a choice
(its position, whether it is right, what it was called in an earlier attempt). Only question keys are
stable (the StreamField block ids), so that pools can prefer questions not seen before and the
analysis can follow a question across attempts.
"""

import random
import re
from collections.abc import Iterable
from decimal import Decimal

from wagtail.rich_text import expand_db_html

from .blocks import QUESTION_BLOCKS
from .grading import AcceptedAnswer, Choice, Question, QuestionKind

KIND_OF_BLOCK = {name: block.kind for name, block in QUESTION_BLOCKS}
_unescaped_stars = re.compile(r"(?<!\\)\*")


def present_questions(
    stream, *, rng: random.Random, seen_keys: Iterable[str] = (), shuffle_questions: bool, shuffle_choices: bool
) -> list[dict]:
    """The snapshot of one attempt: every question block, and each pool's draw, optionally shuffled."""
    seen = frozenset(seen_keys)
    chosen = []
    for block in stream:
        if block.block_type == "pool":
            chosen.extend(_draw(block.value["questions"], block.value["draw"], rng=rng, seen=seen))
        else:
            chosen.append(block)
    if shuffle_questions:
        rng.shuffle(chosen)
    return [_snapshot(block, rng=rng, shuffle_choices=shuffle_choices) for block in chosen]


def every_question(stream, *, rng: random.Random) -> list[dict]:
    """Every question of the quiz, pools included, in authored order: the editor's preview."""
    questions = []
    for block in stream:
        questions.extend(block.value["questions"] if block.block_type == "pool" else [block])
    return [_snapshot(question, rng=rng, shuffle_choices=False) for question in questions]


def _draw(pool, count: int, *, rng: random.Random, seen: frozenset) -> list:
    """`count` questions of the pool at random, those this practitioner has not seen first, in pool order."""
    unseen = [block for block in pool if block.id not in seen]
    seen_before = [block for block in pool if block.id in seen]
    rng.shuffle(unseen)
    rng.shuffle(seen_before)
    drawn = {block.id for block in (unseen + seen_before)[:count]}
    return [block for block in pool if block.id in drawn]


def _snapshot(block, *, rng: random.Random, shuffle_choices: bool) -> dict:
    value = block.value
    kind = KIND_OF_BLOCK[block.block_type]
    if kind == QuestionKind.DESCRIPTION:
        return _description_snapshot(block)
    question = {
        "key": block.id,
        "kind": kind.value,
        "points": str(value["points"]),
        "partial_credit": bool(value.get("partial_credit")),
        "prompt": expand_db_html(value["prompt"].source),
        "image_id": value["image"].pk if value["image"] else None,
        "image_alt": value["image_alt"],
        "explanation": expand_db_html(value["explanation"].source) if value["explanation"] else "",
        "choices": [],
        "pairs": [],
    }
    keys = _KeyMaker(rng)
    if kind == QuestionKind.TRUE_FALSE:
        question["choices"] = [
            {
                "key": keys(),
                "text": "True",
                "correct": value["answer"],
                "feedback": value["feedback_if_true"],
                "weight": None,
            },
            {
                "key": keys(),
                "text": "False",
                "correct": not value["answer"],
                "feedback": value["feedback_if_false"],
                "weight": None,
            },
        ]
    elif kind == QuestionKind.MATCHING:
        pairs = [
            {"left_key": keys(), "left": pair["left"], "right_key": keys(), "right": pair["right"]}
            for pair in value["pairs"]
        ]
        question["pairs"] = pairs
        question["distractors"] = [{"key": keys(), "text": text} for text in value.get("distractors") or []]
        # The right-hand items are always shuffled: in the authored order they would give the answer away.
        right_keys = [pair["right_key"] for pair in pairs] + [item["key"] for item in question["distractors"]]
        question["right_order"] = rng.sample(right_keys, len(right_keys))
    elif kind == QuestionKind.SHORT_ANSWER:
        question["case_sensitive"] = bool(value["case_sensitive"])
        question["answers"] = [
            {"text": answer["text"], "weight": str(answer["weight"]), "feedback": answer["feedback"]}
            for answer in value["answers"]
        ]
    elif kind == QuestionKind.NUMERICAL:
        question["answers"] = [
            {
                "value": None if answer["value"] is None else str(answer["value"]),
                "tolerance": str(answer["tolerance"]),
                "weight": str(answer["weight"]),
                "feedback": answer["feedback"],
            }
            for answer in value["answers"]
        ]
    elif kind == QuestionKind.ESSAY:
        # For the graders only: selectors never hand it to the practitioner's pages.
        question["grader_info"] = expand_db_html(value["grader_info"].source) if value["grader_info"] else ""
    else:
        weighted = any(choice.get("weight") is not None for choice in value["choices"])
        question["choices"] = [
            {
                "key": keys(),
                "text": choice["text"],
                # Graded by its weights, a choice is right when it earns something.
                "correct": (choice.get("weight") or 0) > 0 if weighted else choice["correct"],
                "feedback": choice["feedback"],
                "weight": None if choice.get("weight") is None else str(choice["weight"]),
            }
            for choice in value["choices"]
        ]
        if shuffle_choices:
            rng.shuffle(question["choices"])
    return question


def _description_snapshot(block) -> dict:
    """Text shown where it was placed: the same fields as a question, with no points and nothing to answer."""
    return {
        "key": block.id,
        "kind": QuestionKind.DESCRIPTION.value,
        "points": "0",
        "partial_credit": False,
        "prompt": expand_db_html(block.value["text"].source),
        "image_id": None,
        "image_alt": "",
        "explanation": "",
        "choices": [],
        "pairs": [],
    }


class _KeyMaker:
    """Short random keys, distinct within one question."""

    def __init__(self, rng: random.Random):
        self.rng, self.used = rng, set()

    def __call__(self) -> str:
        while (key := f"{self.rng.getrandbits(40):010x}") in self.used:
            pass
        self.used.add(key)
        return key


def graded_question(question: dict) -> Question:
    return Question(
        key=question["key"],
        kind=QuestionKind(question["kind"]),
        points=Decimal(question["points"]),
        choices=tuple(
            Choice(c["key"], c["text"], c["correct"], _decimal_or_none(c.get("weight"))) for c in question["choices"]
        ),
        pairs={pair["left_key"]: pair["right_key"] for pair in question["pairs"]},
        partial_credit=question["partial_credit"],
        distractors=frozenset(item["key"] for item in question.get("distractors", [])),
        answers=tuple(
            AcceptedAnswer(
                weight=Decimal(answer["weight"]),
                text=answer.get("text", ""),
                value=_decimal_or_none(answer.get("value")),
                tolerance=Decimal(answer.get("tolerance", "0")),
            )
            for answer in question.get("answers", [])
        ),
        case_sensitive=question.get("case_sensitive", False),
    )


def _decimal_or_none(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def graded_questions(snapshot: list[dict]) -> list[Question]:
    """The snapshot's questions as grading reads them; descriptions, which ask nothing, are left out."""
    return [graded_question(question) for question in snapshot if question["kind"] != QuestionKind.DESCRIPTION]


def right_answers(snapshot: list[dict]) -> dict:
    """Answers that score every presented question in full, in the shape grading reads (an essay's
    answer is some text, which its grader still has to score)."""
    answers = {}
    for question in snapshot:
        kind, key = question["kind"], question["key"]
        if kind == QuestionKind.MATCHING:
            answers[key] = {pair["left_key"]: pair["right_key"] for pair in question["pairs"]}
        elif kind == QuestionKind.SHORT_ANSWER:
            answers[key] = short_answer_example(question)
        elif kind == QuestionKind.NUMERICAL:
            numbers = [answer for answer in question["answers"] if answer["value"] is not None]
            answers[key] = max(numbers, key=lambda answer: Decimal(answer["weight"]))["value"]
        elif kind == QuestionKind.ESSAY:
            answers[key] = "An answer for the grader to score."
        elif kind == QuestionKind.DESCRIPTION:
            continue
        elif kind == QuestionKind.MULTIPLE:
            answers[key] = [choice["key"] for choice in question["choices"] if choice["correct"]]
        else:
            best = max(question["choices"], key=_full_marks_first)
            answers[key] = best["key"]
    return answers


def _full_marks_first(choice: dict):
    return (choice["correct"], Decimal(choice["weight"]) if choice.get("weight") is not None else Decimal(0))


def short_answer_example(question: dict) -> str:
    """A response the best-graded accepted answer takes: its text, each `*` standing for nothing."""
    best = max(question["answers"], key=lambda answer: Decimal(answer["weight"]))
    example = "".join(part.replace("\\*", "*") for part in _unescaped_stars.split(best["text"]))
    return example


def question_count(stream) -> int:
    """How many questions each attempt presents (a description asks nothing, so is not counted)."""
    return sum(
        block.value["draw"] if block.block_type == "pool" else 1
        for block in stream
        if block.block_type != "description"
    )
