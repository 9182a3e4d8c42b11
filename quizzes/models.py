"""Quizzes authored as Wagtail pages under a course, and the attempts practitioners make at them."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.template.response import TemplateResponse
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from courses.permissions import CourseTeamPermissionTester
from lms.records import DeletedWhollyOrNotAtAll

from .blocks import QUIZ_BLOCKS
from .choices import BOARD_PASS_MARK, AnswerReveal, QuizKind
from .forms import QuizPageForm, final_assessment_board_problems


class QuizPage(DeletedWhollyOrNotAtAll, Page):
    kind = models.CharField(max_length=20, choices=QuizKind.choices, default=QuizKind.FINAL)
    intro = RichTextField(blank=True, features=["bold", "italic", "ul", "link"])
    pass_mark_percent = models.DecimalField(
        "pass mark (%)",
        max_digits=5,
        decimal_places=2,
        default=BOARD_PASS_MARK,
        validators=[MinValueValidator(Decimal(1)), MaxValueValidator(Decimal(100))],
    )
    max_attempts = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)], help_text="Leave empty for no limit."
    )
    wait_minutes = models.PositiveIntegerField(
        "waiting time between attempts (minutes)", default=0, help_text="Counted from the previous submission."
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        "time limit (minutes)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Enforced on the server. Leave empty for no limit.",
    )
    reveal = models.CharField(
        "show answers",
        max_length=20,
        choices=AnswerReveal.choices,
        default=AnswerReveal.AFTER_PASSING,
    )
    mark_wrong_questions = models.BooleanField(
        "say which questions were wrong",
        default=False,
        help_text="After an attempt, name the questions that did not earn full points, without their right "
        "answers, even while the answers stay hidden. Leave off for a final assessment whose questions "
        "are drawn again for the next attempt.",
    )
    shuffle_questions = models.BooleanField(default=True)
    shuffle_choices = models.BooleanField(
        default=True, help_text="Off: choices appear as written, so vary where the right one stands."
    )
    questions = StreamField(QUIZ_BLOCKS, min_num=1)

    content_panels = Page.content_panels + [
        FieldPanel("kind"),
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("pass_mark_percent"), FieldPanel("max_attempts"), FieldPanel("wait_minutes")]
                ),
                FieldRowPanel([FieldPanel("time_limit_minutes"), FieldPanel("reveal")]),
                FieldPanel("mark_wrong_questions"),
                FieldRowPanel([FieldPanel("shuffle_questions"), FieldPanel("shuffle_choices")]),
            ],
            heading="Rules",
        ),
        FieldPanel("questions"),
    ]
    # Only the title and the page's own fields are indexed: questions and answers never are.
    search_fields = Page.search_fields

    parent_page_types = ["courses.CoursePage"]
    subpage_types = []
    page_description = "A final assessment or a knowledge check of a course."
    base_form_class = QuizPageForm

    class Meta:
        verbose_name = "quiz"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pass_mark_percent__gt=0, pass_mark_percent__lte=100), name="quiz_pass_mark_range"
            )
        ]

    @property
    def is_final(self) -> bool:
        return self.kind == QuizKind.FINAL

    def permissions_for_user(self, user):
        return CourseTeamPermissionTester(user, self)

    def board_problems(self, *, home_study: bool) -> list[str]:
        """What a board would reject in this quiz as a course's final (courses.publishing_checks asks)."""
        return final_assessment_board_problems(
            questions=self.questions, pass_mark=self.pass_mark_percent, home_study=home_study
        )

    @property
    def question_count(self) -> int:
        from .presentation import question_count

        return question_count(self.questions)

    def get_context(self, request, *args, **kwargs):
        from .selectors import quiz_overview
        from .services import attempt_close_if_expired

        context = super().get_context(request, *args, **kwargs)
        overview = quiz_overview(quiz=self, user=request.user)
        open_attempt = overview["standing"].open_attempt
        if open_attempt is not None and not attempt_close_if_expired(attempt=open_attempt).is_open:
            # An attempt left open past its time limit is graded now, so the page shows where things stand.
            overview = quiz_overview(quiz=self, user=request.user)
        context.update(overview)
        return context

    def serve_preview(self, request, mode_name):
        """Editors preview every question with its answers; practitioners never see this page."""
        from .selectors import quiz_preview

        return TemplateResponse(request, "quizzes/quiz_preview.html", quiz_preview(quiz=self))


class QuizAttempt(models.Model):
    """One sitting of a quiz: the questions exactly as presented, the answers given, and the grade."""

    quiz = models.ForeignKey(QuizPage, on_delete=models.PROTECT, related_name="attempts")
    enrollment = models.ForeignKey("courses.Enrollment", on_delete=models.PROTECT, related_name="quiz_attempts")
    number = models.PositiveSmallIntegerField()
    questions = models.JSONField(help_text="The questions as presented, with their answers; see quizzes.presentation.")
    answers = models.JSONField(default=dict)
    pass_mark_percent = models.DecimalField(max_digits=5, decimal_places=2)
    started_at = models.DateTimeField()
    deadline = models.DateTimeField(null=True, blank=True)
    answers_saved_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    timed_out = models.BooleanField(
        default=False, help_text="Graded as of the time limit, with the answers saved by then."
    )
    score = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(null=True)
    question_scores = models.JSONField(default=dict)
    essay_grades = models.JSONField(
        default=dict,
        blank=True,
        help_text="Per essay question: the score, the grader's comment, who graded it and when (quizzes.services).",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["quiz", "enrollment", "number"], name="one_attempt_per_number"),
            models.UniqueConstraint(
                fields=["quiz", "enrollment"],
                condition=models.Q(submitted_at__isnull=True),
                name="one_open_attempt_per_quiz",
            ),
        ]
        indexes = [
            # The grading queue: few rows ever wait, among all the attempts there are.
            models.Index(
                fields=["submitted_at"],
                condition=models.Q(submitted_at__isnull=False, passed__isnull=True),
                name="attempts_awaiting_grading",
            ),
        ]
        ordering = ["quiz", "enrollment", "number"]

    def __str__(self):
        return f"Attempt {self.number} at {self.quiz} by {self.enrollment.user}"

    @property
    def is_open(self) -> bool:
        return self.submitted_at is None

    @property
    def awaits_grading(self) -> bool:
        """Submitted with an essay that its graders have not scored yet: neither passed nor failed."""
        return self.submitted_at is not None and self.passed is None
