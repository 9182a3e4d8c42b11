import math
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.template.response import TemplateResponse
from django.utils import timezone
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from credits.models import DeliveryType
from lms.pagecache import CachedForVisitors
from lms.records import DeletedWhollyOrNotAtAll
from lms.validators import validate_printable_line

from ..admin_forms import CoursePageForm, PricePanel
from ..blocks import LessonBodyBlock
from ..panels import CourseChecklistPanel, CourseSizingPanel
from ..permissions import CourseTeamPermissionTester
from ..sizing import MINUTES_PER_CE_HOUR, ContentSize


class CourseLevel(models.TextChoices):
    INTRODUCTORY = "introductory", "Introductory"
    INTERMEDIATE = "intermediate", "Intermediate"
    ADVANCED = "advanced", "Advanced"


class CourseIndexPage(CachedForVisitors, DeletedWhollyOrNotAtAll, Page):
    """The catalogue: every published course, filtered and searched."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["lms.HomePage"]
    subpage_types = ["courses.CoursePage"]
    max_count_per_parent = 1
    page_description = "The course catalog. Courses live under it."

    def get_context(self, request, *args, **kwargs):
        from ..selectors import catalogue_page

        context = super().get_context(request, *args, **kwargs)
        context.update(catalogue_page(index=self, query=request.GET, user=request.user))
        return context


class CoursePage(CachedForVisitors, DeletedWhollyOrNotAtAll, Page):
    summary = models.TextField(max_length=300, help_text="One or two sentences for the catalog card.")
    description = RichTextField(features=["h3", "bold", "italic", "ol", "ul", "link"])
    learning_objectives = StreamField(
        [("objective", blocks.CharBlock(max_length=300, label="Objective"))],
        blank=True,
        help_text="What a practitioner will be able to do after the course; boards ask for measurable objectives.",
    )
    topic = models.ForeignKey("courses.Topic", on_delete=models.PROTECT, related_name="courses")
    level = models.CharField(max_length=20, choices=CourseLevel.choices, default=CourseLevel.INTRODUCTORY)
    delivery = models.CharField(max_length=20, choices=DeliveryType.choices, default=DeliveryType.HOME_STUDY)
    ce_hours = models.DecimalField(
        "CE hours",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25"))],
        help_text="The CE hours the course awards. Size them by content: 12,000 words or an hour of video each.",
    )
    min_study_minutes = models.PositiveIntegerField(
        "minimum study minutes",
        help_text=f"Study time a practitioner must log before the course can be completed: at least "
        f"{MINUTES_PER_CE_HOUR} minutes per CE hour, as NCBTMB, Florida and Texas count a CE hour.",
    )
    # Kept in minor units (4900 is $49.00), as orders and Stripe count it; the editor's form takes dollars.
    price_amount = models.PositiveIntegerField(
        "price",
        default=0,
        help_text="In dollars and cents, such as 49.00 (whole units for a currency without cents, such as JPY). "
        "0 makes the course free.",
    )
    price_currency = models.CharField("currency", max_length=3, default="USD")
    instructors = ParentalManyToManyField("courses.Instructor", related_name="courses", blank=True)
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    evaluation_required = models.BooleanField(
        default=True,
        help_text="Practitioners must submit the course evaluation before they complete the course.",
    )

    base_form_class = CoursePageForm
    content_panels = Page.content_panels + [
        CourseChecklistPanel(heading="Board checklist"),
        FieldPanel("summary"),
        FieldPanel("cover_image"),
        FieldPanel("description"),
        FieldPanel("learning_objectives"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("topic"), FieldPanel("level"), FieldPanel("delivery")]),
                FieldRowPanel([FieldPanel("ce_hours"), FieldPanel("min_study_minutes")]),
                CourseSizingPanel(),
                FieldRowPanel([PricePanel("price_amount"), FieldPanel("price_currency")]),
                FieldPanel("evaluation_required"),
            ],
            heading="Credit and price",
        ),
        FieldPanel("instructors", widget=forms.CheckboxSelectMultiple),
        InlinePanel("approvals", heading="Board approvals", label="Approval"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("description"),
        index.AutocompleteField("summary"),
        index.AutocompleteField("description"),
        index.SearchField("learning_objectives"),
        index.RelatedFields("topic", [index.SearchField("name")]),
        index.RelatedFields("instructors", [index.SearchField("name")]),
        index.FilterField("topic"),
        index.FilterField("level"),
        index.FilterField("delivery"),
        index.FilterField("ce_hours"),
        index.FilterField("price_amount"),
    ]

    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.LessonPage", "quizzes.QuizPage"]
    page_description = "A CE course. Its lessons and quizzes live under it."

    def permissions_for_user(self, user):
        return CourseTeamPermissionTester(user, self)

    def publish(
        self, revision, user=None, changed=True, log_action=True, previous_revision=None, skip_permission_checks=False
    ):
        """Refused while a board would reject the course; its lessons' and quizzes' drafts go live with it."""
        from ..publishing import CoursePublishAction

        return CoursePublishAction(
            revision, user=user, changed=changed, log_action=log_action, previous_revision=previous_revision
        ).execute(skip_permission_checks=skip_permission_checks)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(ce_hours__gt=0), name="course_ce_hours_positive"),
        ]

    @property
    def is_free(self) -> bool:
        return self.price_amount == 0

    def clean(self):
        super().clean()
        # Wagtail's title field is shared by every page type; a course's is printed on certificates.
        try:
            validate_printable_line(self.title)
        except ValidationError as error:
            raise ValidationError({"title": error.messages}) from error
        if self.ce_hours and self.min_study_minutes is not None:
            least = math.ceil(self.ce_hours * MINUTES_PER_CE_HOUR)
            if self.min_study_minutes < least:
                raise ValidationError(
                    {
                        "min_study_minutes": f"A course of {self.ce_hours} CE hours needs at least {least} "
                        f"minutes of study ({MINUTES_PER_CE_HOUR} minutes per CE hour)."
                    }
                )

    def get_context(self, request, *args, **kwargs):
        from ..selectors import course_detail

        context = super().get_context(request, *args, **kwargs)
        context.update(course_detail(course=self, user=request.user))
        if getattr(request, "is_preview", False):
            from ..previews import course_syllabus_preview

            context.update(course_syllabus_preview(course=self))
        return context


class CourseApproval(Orderable, ClusterableModel):
    """A board's approval of a course. Certificates print its title and hours exactly."""

    course = ParentalKey("courses.CoursePage", on_delete=models.CASCADE, related_name="approvals")
    board = models.ForeignKey("credits.Board", on_delete=models.PROTECT, related_name="course_approvals")
    number = models.CharField(
        "approval or provider number",
        max_length=60,
        help_text="As the board issued it; printed on certificates.",
    )
    approved_title = models.CharField(
        max_length=255,
        validators=[validate_printable_line],
        help_text="The course title exactly as the board approved it.",
    )
    approved_hours = models.DecimalField(
        "approved CE hours",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25"))],
    )
    delivery = models.CharField(max_length=20, choices=DeliveryType.choices, default=DeliveryType.HOME_STUDY)
    categories = ParentalManyToManyField("credits.CreditCategory", blank=True, related_name="approvals")
    expires_on = models.DateField(help_text="No certificate is issued under this approval after this date.")

    panels = [
        FieldRowPanel([FieldPanel("board"), FieldPanel("number")]),
        FieldPanel("approved_title"),
        FieldRowPanel([FieldPanel("approved_hours"), FieldPanel("delivery"), FieldPanel("expires_on")]),
        FieldPanel("categories", widget=forms.CheckboxSelectMultiple),
    ]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(fields=["course", "board"], name="one_approval_per_board_per_course"),
            models.CheckConstraint(condition=models.Q(approved_hours__gt=0), name="approval_hours_positive"),
        ]

    def __str__(self):
        return f"{self.board} {self.number}"

    @property
    def is_current(self) -> bool:
        return self.expires_on >= timezone.localdate()


class LessonPage(DeletedWhollyOrNotAtAll, Page):
    summary = models.CharField(max_length=300, blank=True)
    is_free_preview = models.BooleanField(
        "free preview",
        default=False,
        help_text="Anyone may read this lesson, enrolled or not, to see what the course is like.",
    )
    body = StreamField(LessonBodyBlock())
    # Derived from the body on save, so the syllabus can show reading times without loading bodies.
    word_count = models.PositiveIntegerField(default=0, editable=False)
    video_minutes = models.PositiveIntegerField(default=0, editable=False)

    content_panels = Page.content_panels + [FieldPanel("summary"), FieldPanel("is_free_preview"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("summary")]

    parent_page_types = ["courses.CoursePage"]
    subpage_types = []
    page_description = "A lesson of a course."

    def permissions_for_user(self, user):
        return CourseTeamPermissionTester(user, self)

    @property
    def content_size(self) -> ContentSize:
        return ContentSize(words=self.word_count, video_minutes=self.video_minutes)

    def save(self, *args, **kwargs):
        size = self.body.stream_block.content_size(self.body)
        self.word_count, self.video_minutes = size.words, size.video_minutes
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "word_count", "video_minutes"}
        super().save(*args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from ..selectors import lesson_detail

        context = super().get_context(request, *args, **kwargs)
        context.update(lesson_detail(lesson=self, user=request.user))
        if getattr(request, "is_preview", False):
            from ..previews import lesson_sidebar_preview

            context.update(lesson_sidebar_preview(lesson=self, course=context["course"]))
        if context["readable"] and self.pk:
            from ..forms import LessonPostForm
            from ..selectors import lesson_discussion

            context.update(
                lesson_discussion(
                    lesson=self, course=context["course"], user=request.user, enrollment=context["enrollment"]
                )
            )
            # A question that failed validation comes back here, bound, from views.ask_question.
            context["question_form"] = getattr(request, "question_form", None) or LessonPostForm()
        return context

    def serve(self, request, *args, **kwargs):
        """Serves the lesson to those who may read it, and to everyone else a page that says how to."""
        request.is_preview = getattr(request, "is_preview", False)
        context = self.get_context(request, *args, **kwargs)
        if context["readable"]:
            return TemplateResponse(request, self.get_template(request, *args, **kwargs), context)
        return TemplateResponse(request, "courses/lesson_locked.html", context, status=403)
