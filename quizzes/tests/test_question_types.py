"""The question types Moodle banks hold: how the editor checks them and how an attempt presents them."""

import random
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from wagtail.rich_text import RichText
from wagtail.test.utils.form_data import rich_text

from quizzes.blocks import QUESTION_BLOCKS, PoolBlock, reads_as_yes_no
from quizzes.grading import grade
from quizzes.presentation import graded_questions, present_questions, right_answers
from quizzes.tests.factories import (
    QuizPageFactory,
    description,
    essay,
    matching,
    multiple_select,
    numerical,
    short_answer,
    single_choice,
)
from quizzes.tests.test_authoring import block_errors, instructor, post_quiz  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
BLOCKS = dict(QUESTION_BLOCKS)


def clean(block_type, value):
    block = BLOCKS[block_type]
    return block.clean(block.to_python(block.get_prep_value(value)))


def messages_of(error: ValidationError, field: str) -> list[str]:
    return error.block_errors[field].messages


def snapshot_of(*questions):
    quiz = QuizPageFactory(questions=list(questions))
    return present_questions(quiz.questions, rng=random.Random(1), shuffle_questions=False, shuffle_choices=False), quiz


def test_a_single_choice_may_have_several_right_choices(course):
    block_type, value = single_choice(right="Spring")
    value["choices"][1]["correct"] = True

    assert clean(block_type, value)


def test_choices_with_grades_must_tick_correct_on_exactly_those_above_zero():
    block_type, value = multiple_select()
    for choice, weight in zip(value["choices"], [50, 50, -50, None], strict=True):
        choice["weight"] = None if weight is None else Decimal(weight)
    assert clean(block_type, value)

    value["choices"][2]["correct"] = True
    with pytest.raises(ValidationError) as raised:
        clean(block_type, value)
    assert "tick Correct on exactly the choices whose grade is above 0%" in messages_of(raised.value, "choices")[0]


def test_an_extra_right_hand_item_must_differ_from_the_right_ones():
    block_type, value = matching()
    value["distractors"] = ["Elevation"]
    assert clean(block_type, value)

    value["distractors"] = ["abduction"]
    with pytest.raises(ValidationError) as raised:
        clean(block_type, value)
    assert messages_of(raised.value, "distractors") == [
        "Each extra item must differ from the others and from every right-hand item."
    ]


@pytest.mark.parametrize("block", [short_answer(accepted=[("a", 0)]), numerical()])
def test_a_typed_question_needs_an_answer_worth_something(block):
    block_type, value = block
    for answer in value["answers"]:
        answer["weight"] = Decimal(0)

    with pytest.raises(ValidationError) as raised:
        clean(block_type, value)
    assert messages_of(raised.value, "answers") == ["At least one answer must earn more than 0%."]


def test_a_numerical_question_takes_one_answer_for_any_other_number_at_0_percent():
    block_type, value = numerical(any_other="Count the minutes again.")
    clean(block_type, value)  # Moodle's "*" answer: no number, 0%, its own feedback

    value["answers"][1]["weight"] = Decimal(50)
    with pytest.raises(ValidationError) as raised:
        clean(block_type, value)
    assert messages_of(raised.value, "answers") == [
        "Only one answer may be left without a number (any other number), and it earns 0%."
    ]


@pytest.mark.parametrize(
    "prompt",
    [
        "<p>Is deep pressure safe over an acute DVT?</p>",
        "<p>Read the case. <b>Should</b> the therapist proceed?</p>",
        "<p>Does the client need a physician\u2019s release</p>",
        "<p>Can\u2019t this wait?</p>",
        "<p>Have you ever treated lymphedema?</p>",
    ],
)
def test_an_essay_prompt_that_a_yes_or_no_answers_is_refused_with_the_reason(prompt):
    block_type, value = essay()
    value["prompt"] = RichText(prompt)

    with pytest.raises(ValidationError) as raised:
        clean(block_type, value)
    assert "yes/no question, which boards do not accept as an essay" in messages_of(raised.value, "prompt")[0]


@pytest.mark.parametrize(
    "prompt",
    [
        "Explain why deep pressure is avoided over an acute DVT.",
        "Is massage indicated here? Explain why or why not.",
        "How does manual lymphatic drainage move fluid?",
        "Do not name the muscle; describe its action.",
        "Describe the client\u2019s posture",
    ],
)
def test_an_essay_prompt_that_asks_for_an_explanation_is_accepted(prompt):
    assert not reads_as_yes_no(f"<p>{prompt}</p>")


def test_the_editor_refuses_a_yes_no_essay_on_its_prompt(client, course, instructor):  # noqa: F811
    essay_block = (
        "essay",
        {
            "prompt": rich_text("<p>Is massage safe after surgery?</p>"),
            "image": "",
            "image_alt": "",
            "points": "2",
            "explanation": rich_text(""),
            "grader_info": rich_text(""),
        },
    )

    response = post_quiz(client, course, [essay_block], kind="knowledge_check")

    assert response.status_code == 200
    assert "yes/no question" in block_errors(response)[0].block_errors["prompt"].messages[0]


def test_a_pool_holds_no_description():
    assert "description" not in PoolBlock().child_blocks["questions"].child_blocks


def test_a_description_is_shown_in_place_but_is_no_question_and_scores_nothing(course):
    snapshot, quiz = snapshot_of(description(), short_answer(), numerical())

    assert quiz.question_count == 2
    assert [question["kind"] for question in snapshot] == ["description", "short_answer", "numerical"]
    assert "two weeks after knee surgery" in snapshot[0]["prompt"]
    assert [question.key for question in graded_questions(snapshot)] == [snapshot[1]["key"], snapshot[2]["key"]]


def test_the_snapshot_keeps_what_grading_reads_as_text(course):
    single = single_choice()
    for choice, weight in zip(single[1]["choices"], [100, -50, None, Decimal("33.33333")], strict=True):
        choice["weight"], choice["correct"] = (None if weight is None else Decimal(weight)), weight not in (None, -50)
    pairs = matching()
    pairs[1]["distractors"] = ["Elevation"]
    snapshot, _ = snapshot_of(single, pairs, short_answer(), numerical(value="3.5", tolerance="0.25"), essay())
    weighted, matched, typed, number, written = snapshot

    assert [choice["weight"] for choice in weighted["choices"]] == ["100", "-50", None, "33.33333"]
    assert [choice["correct"] for choice in weighted["choices"]] == [True, False, False, True]
    assert [item["text"] for item in matched["distractors"]] == ["Elevation"]
    assert matched["distractors"][0]["key"] in matched["right_order"] and len(matched["right_order"]) == 4
    assert typed["answers"][1] == {"text": "levator*", "weight": "50", "feedback": "You wrote levator*."}
    assert typed["case_sensitive"] is False
    assert number["answers"] == [{"value": "3.5", "tolerance": "0.25", "weight": "100", "feedback": ""}]
    assert written["grader_info"] == "<p>Mentions embolism.</p>"


def test_the_right_answers_score_every_auto_graded_question_in_full(course):
    snapshot, _ = snapshot_of(
        single_choice(),
        multiple_select(),
        matching(),
        short_answer(accepted=[("trapez*", 100)]),
        numerical(),
        description(),
        essay(),
    )
    essay_key = snapshot[-1]["key"]

    result = grade(
        graded_questions(snapshot),
        right_answers(snapshot),
        pass_mark_percent=Decimal(70),
        essay_scores={essay_key: Decimal(1)},
    )

    assert result.score == result.max_score == Decimal(6)
    assert right_answers(snapshot)[snapshot[3]["key"]] == "trapez"
