"""Turning a quiz's questions into what one attempt presents, and that snapshot back into gradable questions.

The snapshot is plain JSON stored on the attempt: the questions in the order shown, their wording as
rendered, and choices under keys made up for this attempt, so that a key tells nothing about a choice
(its position, whether it is right, what it was called in an earlier attempt). Only question keys are
stable (the StreamField block ids), so that pools can prefer questions not seen before and the
analysis can follow a question across attempts.
"""

import random
from collections.abc import Iterable
from decimal import Decimal

from wagtail.rich_text import expand_db_html

from .blocks import QUESTION_BLOCKS
from .grading import Choice, Question, QuestionKind

KIND_OF_BLOCK = {name: block.kind for name, block in QUESTION_BLOCKS}


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
            {"key": keys(), "text": "True", "correct": value["answer"], "feedback": value["feedback_if_true"]},
            {"key": keys(), "text": "False", "correct": not value["answer"], "feedback": value["feedback_if_false"]},
        ]
    elif kind == QuestionKind.MATCHING:
        pairs = [
            {"left_key": keys(), "left": pair["left"], "right_key": keys(), "right": pair["right"]}
            for pair in value["pairs"]
        ]
        question["pairs"] = pairs
        # The right-hand items are always shuffled: in the authored order they would give the answer away.
        question["right_order"] = rng.sample([pair["right_key"] for pair in pairs], len(pairs))
    else:
        question["choices"] = [
            {"key": keys(), "text": choice["text"], "correct": choice["correct"], "feedback": choice["feedback"]}
            for choice in value["choices"]
        ]
        if shuffle_choices:
            rng.shuffle(question["choices"])
    return question


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
        choices=tuple(Choice(c["key"], c["text"], c["correct"]) for c in question["choices"]),
        pairs={pair["left_key"]: pair["right_key"] for pair in question["pairs"]},
        partial_credit=question["partial_credit"],
    )


def graded_questions(snapshot: list[dict]) -> list[Question]:
    return [graded_question(question) for question in snapshot]


def right_answers(snapshot: list[dict]) -> dict:
    """The answers that score every presented question in full, in the shape grading reads."""
    answers = {}
    for question in snapshot:
        right = [choice["key"] for choice in question["choices"] if choice["correct"]]
        if question["kind"] == QuestionKind.MATCHING:
            answers[question["key"]] = {pair["left_key"]: pair["right_key"] for pair in question["pairs"]}
        elif question["kind"] == QuestionKind.MULTIPLE:
            answers[question["key"]] = right
        else:
            answers[question["key"]] = right[0]
    return answers


def question_count(stream) -> int:
    """How many questions each attempt presents."""
    return sum(block.value["draw"] if block.block_type == "pool" else 1 for block in stream)
