"""StreamField blocks in which instructors write questions, and pools that draw some of them at random.

Each question block knows its grading kind (`quizzes.grading.QuestionKind`) and checks what it can
check alone (a correct choice exists, a pool can draw what it promises). Checks that depend on the
quiz, such as the number of options a board assessment needs, live in `quizzes.forms`.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
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

    class Meta:
        icon = "radio-full"


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
        correct = sum(1 for choice in value["choices"] if choice["correct"])
        if correct != 1:
            return {"choices": ValidationError("Mark exactly one choice as correct.")}
        return {}

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
        if not any(choice["correct"] for choice in value["choices"]):
            return {"choices": ValidationError("Mark at least one choice as correct.")}
        return {}

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
    partial_credit = blocks.BooleanBlock(
        required=False, help_text="Give a share of the points for each right pair. Off: all or nothing."
    )

    kind = QuestionKind.MATCHING

    def question_errors(self, value):
        for side in ("left", "right"):
            items = [pair[side].strip().casefold() for pair in value["pairs"]]
            if len(set(items)) != len(items):
                return {"pairs": ValidationError(f"Each {side}-hand item must be different.")}
        return {}

    class Meta:
        icon = "list-ul"
        label = "Matching"


QUESTION_BLOCKS = [
    ("single_choice", SingleChoiceQuestionBlock()),
    ("multiple_select", MultipleSelectQuestionBlock()),
    ("true_false", TrueFalseQuestionBlock()),
    ("matching", MatchingQuestionBlock()),
    ("image_question", ImageQuestionBlock()),
]
CHOICE_QUESTION_TYPES = {"single_choice", "multiple_select", "image_question"}


class PoolBlock(blocks.StructBlock):
    """Questions of which each attempt draws a few at random, preferring those not seen before."""

    title = blocks.CharBlock(max_length=100, help_text="For editors only, e.g. “Rotator cuff”.")
    draw = blocks.IntegerBlock(min_value=1, help_text="How many questions each attempt draws from this pool.")
    questions = blocks.StreamBlock(QUESTION_BLOCKS, min_num=1)

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
