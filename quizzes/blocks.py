"""StreamField blocks in which instructors write questions, and pools that draw some of them at random.

Each question block knows its grading kind (`quizzes.grading.QuestionKind`) and checks what it can
check alone (a correct choice exists, a pool can draw what it promises). Checks that depend on the
quiz, such as the number of options a board assessment needs, live in `quizzes.forms`.
"""

import html
import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.html import strip_tags
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.images.blocks import ImageChooserBlock

from .grading import QuestionKind

PROMPT_FEATURES = ["bold", "italic"]
EXPLANATION_FEATURES = ["bold", "italic", "link"]


class ChoiceBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=300)
    correct = blocks.BooleanBlock(required=False)
    feedback = blocks.CharBlock(
        required=False, max_length=500, help_text="Shown beside this choice after submission, if it was picked."
    )
    weight = blocks.DecimalBlock(
        required=False,
        min_value=Decimal(-100),
        max_value=Decimal(100),
        max_digits=8,
        decimal_places=5,
        label="Grade (%)",
        help_text="Leave blank for questions written here. Questions from Moodle carry one per choice: "
        "the share of the points it earns (a negative share takes points away).",
    )

    class Meta:
        icon = "radio-full"


def _choice_errors(choices, *, at_least_one_right: str) -> dict:
    """A right choice exists; where the choices carry grades (Moodle's), Correct marks exactly those above 0%."""
    weighted = any(choice.get("weight") is not None for choice in choices)
    if weighted and any(choice["correct"] != ((choice.get("weight") or 0) > 0) for choice in choices):
        return {
            "choices": ValidationError(
                "These choices carry grades: tick Correct on exactly the choices whose grade is above 0%."
            )
        }
    if not any(choice["correct"] for choice in choices):
        return {"choices": ValidationError(at_least_one_right)}
    return {}


class QuestionBlock(blocks.StructBlock):
    """What every question has: a prompt, an optional image, points and an explanation."""

    prompt = blocks.RichTextBlock(features=PROMPT_FEATURES)
    image = ImageChooserBlock(required=False)
    image_alt = blocks.CharBlock(
        required=False,
        max_length=250,
        label="Image alt text",
        help_text="Describe the image without giving away the answer.",
    )
    points = blocks.DecimalBlock(default=Decimal(1), min_value=Decimal("0.25"), max_digits=5, decimal_places=2)
    explanation = blocks.RichTextBlock(
        features=EXPLANATION_FEATURES,
        required=False,
        help_text="Why the right answer is right; shown after submission.",
    )

    kind = None  # a QuestionKind, set by each question type

    def clean(self, value):
        value = super().clean(value)
        errors = self.question_errors(value)
        if value.get("image") and not value.get("image_alt"):
            errors["image_alt"] = ValidationError("An image needs alt text.")
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value

    def question_errors(self, value) -> dict:
        return {}


class SingleChoiceQuestionBlock(QuestionBlock):
    choices = blocks.ListBlock(ChoiceBlock(), min_num=2, max_num=10)

    kind = QuestionKind.SINGLE

    def question_errors(self, value):
        # Several right choices are allowed (Moodle's `{=spring =summer ~easter}`): any of them earns the points.
        return _choice_errors(value["choices"], at_least_one_right="Mark at least one choice as correct.")

    class Meta:
        icon = "radio-full"
        label = "Single choice"


class ImageQuestionBlock(SingleChoiceQuestionBlock):
    """A single-choice question about an image, for example "identify the muscle"."""

    image = ImageChooserBlock()

    class Meta:
        icon = "image"
        label = "Image question"


class MultipleSelectQuestionBlock(QuestionBlock):
    choices = blocks.ListBlock(ChoiceBlock(), min_num=2, max_num=10)
    partial_credit = blocks.BooleanBlock(
        required=False,
        help_text="Give a share of the points for each right choice, less a share for each wrong one. "
        "Off: all or nothing.",
    )

    kind = QuestionKind.MULTIPLE

    def question_errors(self, value):
        return _choice_errors(value["choices"], at_least_one_right="Mark at least one choice as correct.")

    class Meta:
        icon = "tasks"
        label = "Multiple select"


class TrueFalseQuestionBlock(QuestionBlock):
    answer = blocks.BooleanBlock(required=False, label="The statement is true")
    feedback_if_true = blocks.CharBlock(required=False, max_length=500, help_text="Shown to those who answered True.")
    feedback_if_false = blocks.CharBlock(required=False, max_length=500, help_text="Shown to those who answered False.")

    kind = QuestionKind.TRUE_FALSE

    class Meta:
        icon = "tick"
        label = "True or false"


class MatchingPairBlock(blocks.StructBlock):
    left = blocks.CharBlock(max_length=200)
    right = blocks.CharBlock(max_length=200)


class MatchingQuestionBlock(QuestionBlock):
    pairs = blocks.ListBlock(MatchingPairBlock(), min_num=2, max_num=10)
    distractors = blocks.ListBlock(
        blocks.CharBlock(max_length=200),
        default=[],
        max_num=10,
        label="Extra right-hand items",
        help_text="Wrong answers offered in every drop-down beside the right ones.",
    )
    partial_credit = blocks.BooleanBlock(
        required=False, help_text="Give a share of the points for each right pair. Off: all or nothing."
    )

    kind = QuestionKind.MATCHING

    def question_errors(self, value):
        for side in ("left", "right"):
            items = [pair[side].strip().casefold() for pair in value["pairs"]]
            if len(set(items)) != len(items):
                return {"pairs": ValidationError(f"Each {side}-hand item must be different.")}
        rights = [pair["right"].strip().casefold() for pair in value["pairs"]]
        extras = [item.strip().casefold() for item in value.get("distractors") or []]
        if len(set(rights + extras)) != len(rights) + len(extras):
            return {
                "distractors": ValidationError(
                    "Each extra item must differ from the others and from every right-hand item."
                )
            }
        return {}

    class Meta:
        icon = "list-ul"
        label = "Matching"


SHARE_OF_POINTS = {"min_value": Decimal(0), "max_value": Decimal(100), "max_digits": 8, "decimal_places": 5}


class ShortAnswerBlock(blocks.StructBlock):
    text = blocks.CharBlock(
        max_length=255, help_text="A * stands for any run of characters (\\* for a star itself), e.g. “trapez*”."
    )
    weight = blocks.DecimalBlock(
        default=Decimal(100), label="Grade (%)", help_text="The share of the points it earns.", **SHARE_OF_POINTS
    )
    feedback = blocks.CharBlock(
        required=False, max_length=500, help_text="Shown after submission to those who gave it."
    )


class ShortAnswerQuestionBlock(QuestionBlock):
    """A word or phrase typed in, compared with each accepted answer with spaces tidied."""

    answers = blocks.ListBlock(ShortAnswerBlock(), min_num=1, max_num=20, label="Accepted answers")
    case_sensitive = blocks.BooleanBlock(
        required=False, default=False, help_text="Off: “Deltoid” and “deltoid” are the same answer."
    )

    kind = QuestionKind.SHORT_ANSWER

    def question_errors(self, value):
        if not any(answer["weight"] > 0 for answer in value["answers"]):
            return {"answers": ValidationError("At least one answer must earn more than 0%.")}
        return {}

    class Meta:
        icon = "pilcrow"
        label = "Short answer"


class NumericalAnswerBlock(blocks.StructBlock):
    # Empty: any other number (Moodle's `*` answer), so that a wrong number can get its own feedback.
    value = blocks.DecimalBlock(
        required=False, help_text="Leave empty for any other number: it earns 0% and gives its feedback."
    )
    tolerance = blocks.DecimalBlock(
        default=Decimal(0), min_value=Decimal(0), help_text="Answers this far either side of the value are right too."
    )
    weight = blocks.DecimalBlock(
        default=Decimal(100), label="Grade (%)", help_text="The share of the points it earns.", **SHARE_OF_POINTS
    )
    feedback = blocks.CharBlock(
        required=False, max_length=500, help_text="Shown after submission to those who gave it."
    )


class NumericalQuestionBlock(QuestionBlock):
    """A number typed in (with a decimal point or comma), right within a tolerance of an answer."""

    answers = blocks.ListBlock(NumericalAnswerBlock(), min_num=1, max_num=20, label="Accepted answers")

    kind = QuestionKind.NUMERICAL

    def question_errors(self, value):
        numbers = [answer for answer in value["answers"] if answer["value"] is not None]
        others = [answer for answer in value["answers"] if answer["value"] is None]
        if not any(answer["weight"] > 0 for answer in numbers):
            return {"answers": ValidationError("At least one answer must earn more than 0%.")}
        if len(others) > 1 or any(answer["weight"] != 0 for answer in others):
            return {
                "answers": ValidationError(
                    "Only one answer may be left without a number (any other number), and it earns 0%."
                )
            }
        return {}

    class Meta:
        icon = "order"
        label = "Numerical"


# A question that opens with one of these and asks nothing more can be answered "yes" or "no".
YES_NO_OPENERS = frozenset(
    {
        *("am", "is", "are", "was", "were", "do", "does", "did", "has", "have", "had"),
        *("can", "could", "should", "would", "will", "shall", "may", "might", "must"),
        *("isn't", "aren't", "wasn't", "weren't", "don't", "doesn't", "didn't", "hasn't", "haven't"),
        *("can't", "couldn't", "shouldn't", "wouldn't", "won't"),
    }
)
_CURLY_APOSTROPHE = "\u2019"
_SENTENCE = re.compile(r"[^.?!]+[.?!]*")


def reads_as_yes_no(prompt_html: str) -> bool:
    """Whether the prompt's last sentence is a question that a yes or a no answers ("Is deep pressure
    safe over a DVT?"), rather than one that asks for an explanation ("Explain why ...")."""
    text = html.unescape(strip_tags(prompt_html)).replace(_CURLY_APOSTROPHE, "'")
    sentences = [sentence.strip() for sentence in _SENTENCE.findall(text) if sentence.strip()]
    if not sentences:
        return False
    words = sentences[-1].split()
    opener = words[0].strip('“"(').casefold()
    asks = sentences[-1].endswith("?") or sentences[-1][-1] not in ".!"
    imperative = len(words) > 1 and words[1].casefold() == "not"  # "Do not name the muscle; describe ..."
    return opener in YES_NO_OPENERS and asks and not imperative


class EssayQuestionBlock(QuestionBlock):
    """A written answer, scored by the course's instructors from their grading queue."""

    grader_info = blocks.RichTextBlock(
        features=EXPLANATION_FEATURES,
        required=False,
        label="Guidance for the grader",
        help_text="What a full answer covers. Shown to the course's instructors when they grade, never to the "
        "practitioner.",
    )

    kind = QuestionKind.ESSAY

    def question_errors(self, value):
        if reads_as_yes_no(value["prompt"].source):
            return {
                "prompt": ValidationError(
                    "This reads as a yes/no question, which boards do not accept as an essay: ask for an "
                    "explanation instead, e.g. “Explain why …” or “Describe how …”."
                )
            }
        return {}

    class Meta:
        icon = "doc-full"
        label = "Essay"


class DescriptionBlock(blocks.StructBlock):
    """Text between the questions (a case to read, an instruction): no answer and no points."""

    text = blocks.RichTextBlock(features=[*EXPLANATION_FEATURES, "ul", "ol"])

    kind = QuestionKind.DESCRIPTION

    class Meta:
        icon = "info-circle"
        label = "Description (no answer)"


QUESTION_BLOCKS = [
    ("single_choice", SingleChoiceQuestionBlock()),
    ("multiple_select", MultipleSelectQuestionBlock()),
    ("true_false", TrueFalseQuestionBlock()),
    ("matching", MatchingQuestionBlock()),
    ("image_question", ImageQuestionBlock()),
    ("short_answer", ShortAnswerQuestionBlock()),
    ("numerical", NumericalQuestionBlock()),
    ("essay", EssayQuestionBlock()),
    ("description", DescriptionBlock()),
]
CHOICE_QUESTION_TYPES = {"single_choice", "multiple_select", "image_question"}
# A pool draws questions at random; a description is read where it was placed, so pools hold none.
POOL_QUESTION_BLOCKS = [(name, block) for name, block in QUESTION_BLOCKS if name != "description"]


class PoolBlock(blocks.StructBlock):
    """Questions of which each attempt draws a few at random, preferring those not seen before."""

    title = blocks.CharBlock(max_length=100, help_text="For editors only, e.g. “Rotator cuff”.")
    draw = blocks.IntegerBlock(min_value=1, help_text="How many questions each attempt draws from this pool.")
    questions = blocks.StreamBlock(POOL_QUESTION_BLOCKS, min_num=1)

    def clean(self, value):
        value = super().clean(value)
        if value["draw"] > len(value["questions"]):
            raise StructBlockValidationError(
                block_errors={
                    "draw": ValidationError(
                        f"The pool holds {len(value['questions'])} questions; it cannot draw {value['draw']}."
                    )
                }
            )
        return value

    class Meta:
        icon = "folder-open-inverse"
        label = "Question pool"


# A quiz's questions: each question block is always asked; each pool draws some of its own.
QUIZ_BLOCKS = [*QUESTION_BLOCKS, ("pool", PoolBlock())]
