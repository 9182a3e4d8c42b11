"""A practitioner's enrolment in a course, their progress through its lessons, and their study clock."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class EnrollmentSource(models.TextChoices):
    FREE = "free", "Free course"
    PURCHASE = "purchase", "Purchase"
    STAFF = "staff", "Granted by staff"


class EnrollmentQuerySet(models.QuerySet):
    def with_access(self):
        """Enrolments whose practitioner may study the course: not ended by a refund."""
        return self.filter(access_ended_at__isnull=True)


class Enrollment(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enrollments")
    course = models.ForeignKey("courses.CoursePage", on_delete=models.PROTECT, related_name="enrollments")
    source = models.CharField(max_length=20, choices=EnrollmentSource.choices)
    enrolled_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Recorded by quizzes.services when an attempt at the course's final assessment passes.
    final_test_passed_at = models.DateTimeField(null=True, blank=True)
    # Set when the course's payment is refunded before completion; the record and its progress stay,
    # and buying the course again opens it where the practitioner left off.
    access_ended_at = models.DateTimeField(null=True, blank=True)

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="one_enrollment_per_course")]
        ordering = ["-enrolled_at"]

    def __str__(self):
        return f"{self.user} in {self.course}"


class LessonProgress(models.Model):
    """Study time credited on one lesson, and when the practitioner marked it complete."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.PROTECT, related_name="lesson_progress")
    lesson = models.ForeignKey("courses.LessonPage", on_delete=models.PROTECT, related_name="+")
    study_seconds = models.PositiveIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["enrollment", "lesson"], name="one_progress_per_lesson")]
        verbose_name_plural = "lesson progress"

    def __str__(self):
        return f"{self.enrollment}: {self.lesson_id}"


# The lesson page sends a heartbeat every HEARTBEAT_INTERVAL seconds while it is visible and the
# reader is active. A longer silence than HEARTBEAT_MAX_GAP means the page was hidden, idle or
# closed, and earns nothing.
HEARTBEAT_INTERVAL = 30
HEARTBEAT_MAX_GAP = 45
# The lesson page stops its heartbeats after this long without a scroll, key or pointer movement.
STUDY_IDLE_MINUTES = 5


class StudyClock(models.Model):
    """When the practitioner's last accepted heartbeat arrived, whichever course or tab sent it.

    One clock per person, so that two tabs or two courses studied at once earn the time only once.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True)
    last_heartbeat_at = models.DateTimeField()

    def __str__(self):
        return f"{self.user} studied until {self.last_heartbeat_at:%Y-%m-%d %H:%M:%S}"


AGREEMENT_SCALE = [
    (1, "Strongly disagree"),
    (2, "Disagree"),
    (3, "Neither agree nor disagree"),
    (4, "Agree"),
    (5, "Strongly agree"),
]
FAVOURABLE_FROM = 4  # "agree" or "strongly agree", as the FSMTB survey counts favourable answers


EVALUATION_STATEMENTS = {
    "objectives_met": "The course met its stated learning objectives.",
    "content_accurate": "The content was accurate, current and free of commercial bias.",
    "instructor_clear": "The instructor presented the material clearly.",
    "useful_in_practice": "I will use what I learned in my practice.",
}
# The same statements in a few words, for a table's column heads; downloads keep the sentences.
EVALUATION_HEADINGS = {
    "objectives_met": "Objectives met",
    "content_accurate": "Accurate, unbiased",
    "instructor_clear": "Clear instructor",
    "useful_in_practice": "Useful in practice",
}


class CourseEvaluation(models.Model):
    """The practitioner's evaluation of a course they studied: one per enrolment."""

    STATEMENTS = EVALUATION_STATEMENTS

    enrollment = models.OneToOneField(Enrollment, on_delete=models.PROTECT, related_name="evaluation")
    objectives_met = models.PositiveSmallIntegerField(EVALUATION_STATEMENTS["objectives_met"], choices=AGREEMENT_SCALE)
    content_accurate = models.PositiveSmallIntegerField(
        EVALUATION_STATEMENTS["content_accurate"], choices=AGREEMENT_SCALE
    )
    instructor_clear = models.PositiveSmallIntegerField(
        EVALUATION_STATEMENTS["instructor_clear"], choices=AGREEMENT_SCALE
    )
    useful_in_practice = models.PositiveSmallIntegerField(
        EVALUATION_STATEMENTS["useful_in_practice"], choices=AGREEMENT_SCALE
    )
    comments = models.TextField(blank=True, max_length=2000)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(**{f"{name}__gte": 1, f"{name}__lte": 5}), name=f"evaluation_{name}_on_scale"
            )
            for name in EVALUATION_STATEMENTS
        ]

    def __str__(self):
        return f"Evaluation of {self.enrollment}"
