from django import forms
from django.core.exceptions import ValidationError
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.blocks.stream_block import StreamBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError

from credits.models import DeliveryType

from .blocks import CHOICE_QUESTION_TYPES
from .choices import BOARD_PASS_MARK, QuizKind
from .grading import TYPED_KINDS, InvalidAnswer, QuestionKind

BOARD_ASSESSMENT_MIN_OPTIONS = 4


class QuizPageForm(WagtailAdminPageForm):
    """The checks that need the quiz and its course, not just one block: each error lands where it belongs."""

    def clean(self):
        cleaned_data = super().clean()
        is_final = cleaned_data.get("kind") == QuizKind.FINAL
        course = self.parent_page.specific if self.parent_page else None
        pass_mark = cleaned_data.get("pass_mark_percent")
        home_study_final = is_final and getattr(course, "delivery", None) == DeliveryType.HOME_STUDY
        if home_study_final and pass_mark is not None and pass_mark < BOARD_PASS_MARK:
            self.add_error(
                "pass_mark_percent",
                f"The final assessment of a home-study course needs a pass mark of at least {BOARD_PASS_MARK}%: "
                "boards accept nothing lower.",
            )
        if is_final and self.parent_page is not None:
            other_final = (
                type(self.instance)
                .objects.child_of(self.parent_page)
                .filter(kind=QuizKind.FINAL)
                .exclude(pk=self.instance.pk)
                .first()
            )
            if other_final is not None:
                self.add_error("kind", f"This course already has a final assessment: “{other_final.title}”.")
        questions = cleaned_data.get("questions")
        if is_final and questions is not None:
            errors = options_short_for_board(questions)
            if errors:
                self.add_error("questions", StreamBlockValidationError(block_errors=errors))
        return cleaned_data


def options_short_for_board(stream) -> dict:
    """Block errors for choice questions with fewer options than a board assessment needs, pools included."""
    errors = {}
    for index, block in enumerate(stream):
        if block.block_type == "pool":
            inner = options_short_for_board(block.value["questions"])
            if inner:
                errors[index] = StructBlockValidationError(
                    block_errors={"questions": StreamBlockValidationError(block_errors=inner)}
                )
        elif block.block_type in CHOICE_QUESTION_TYPES and len(block.value["choices"]) < BOARD_ASSESSMENT_MIN_OPTIONS:
            errors[index] = StructBlockValidationError(
                block_errors={
                    "choices": ValidationError(
                        f"A question in a final assessment needs at least {BOARD_ASSESSMENT_MIN_OPTIONS} options."
                    )
                }
            )
    return errors


def final_assessment_board_problems(*, questions, pass_mark, home_study: bool) -> list[str]:
    """The editor's board rules for a final assessment, in sentences, for the course's publishing checklist
    (courses.publishing_checks), which reads the quiz as it will go live."""
    problems = []
    if home_study and pass_mark is not None and pass_mark < BOARD_PASS_MARK:
        problems.append(
            f"the pass mark is {pass_mark.normalize():f}%; "
            f"a home-study course's final needs at least {BOARD_PASS_MARK}%."
        )
    short = _short_question_count(options_short_for_board(questions))
    if short:
        problems.append(
            f"{short} choice question{'s have' if short > 1 else ' has'} fewer than {BOARD_ASSESSMENT_MIN_OPTIONS} "
            "options; a board assessment needs at least that many."
        )
    return problems


def _short_question_count(errors: dict) -> int:
    """How many questions the block errors of `options_short_for_board` name, those inside pools included."""
    count = 0
    for error in errors.values():
        pool = error.block_errors.get("questions")
        count += _short_question_count(pool.block_errors) if isinstance(pool, StreamBlockValidationError) else 1
    return count


def answers_from_post(post, questions: list[dict]) -> dict:
    """The answers in an attempt form: `q.<question>` names a choice (several for multiple select) or
    holds the typed answer; `q.<question>.<left item>` names the right-hand item matched to it. Empty
    fields, and typed answers of nothing but spaces, are unanswered."""
    kinds = {question["key"]: question["kind"] for question in questions}
    answers = {}
    for name in post:
        prefix, _, rest = name.partition(".")
        if prefix != "q":
            continue
        key, _, left = rest.partition(".")
        if key not in kinds:
            raise InvalidAnswer("The form named a question that is not part of this attempt.")
        values = [value for value in post.getlist(name) if value]
        if kinds[key] in TYPED_KINDS:
            values = [value for value in values if value.strip()]
        if not values:
            continue
        if kinds[key] == QuestionKind.MATCHING:
            if not left or len(values) != 1:
                raise InvalidAnswer("A matching question takes one item for each left-hand item.")
            answers.setdefault(key, {})[left] = values[0]
        elif left:
            raise InvalidAnswer("The form named a question that is not part of this attempt.")
        elif kinds[key] == QuestionKind.MULTIPLE:
            answers[key] = sorted(set(values))
        elif len(values) == 1:
            answers[key] = values[0]
        elif kinds[key] in TYPED_KINDS:
            raise InvalidAnswer("That question takes one typed answer.")
        else:
            raise InvalidAnswer("That question takes one choice.")
    return answers


class GiftImportForm(forms.Form):
    gift = forms.CharField(
        label="Questions in GIFT format",
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "false"}),
        required=False,
        help_text="Paste the questions, or choose a .gift or .txt file below.",
    )
    gift_file = forms.FileField(label="GIFT file", required=False)
    # Set by the report's "Import" button: the instructor has read what is refused or changed.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    MAX_FILE_BYTES = 1_000_000

    def clean(self):
        cleaned_data = super().clean()
        upload = cleaned_data.get("gift_file")
        if upload:
            if upload.size > self.MAX_FILE_BYTES:
                raise ValidationError("The file is larger than 1 MB.")
            try:
                cleaned_data["gift"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError as error:
                raise ValidationError("The file is not UTF-8 text.") from error
        if not cleaned_data.get("gift", "").strip():
            raise ValidationError("Paste some questions or choose a file.")
        return cleaned_data
