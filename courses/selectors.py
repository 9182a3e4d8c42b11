"""Reads for the public pages, shaped so that a page's query count does not grow with its data."""

import json
import operator
from collections import defaultdict
from dataclasses import dataclass, field, replace
from functools import reduce

from django.core.paginator import Paginator
from django.db.models import (
    Avg,
    Count,
    ExpressionWrapper,
    FloatField,
    Prefetch,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from wagtail.fields import StreamField
from wagtail.images import get_image_model
from wagtail.models import Page, Revision
from wagtail.search.query import And
from wagtail.search.utils import parse_query_string

from accounts.models import Licence
from credits.models import Board, DeliveryType
from credits.presentation import licence_place, licence_summary, people_date, preview_sentence
from credits.selectors import (
    Standing,
    course_previews,
    offered_entries,
    standings,
)

from .completion import ACCESS_ENDED, CompletionState, completion_blockers
from .forms import CatalogueFilterForm
from .models import (
    CourseApproval,
    CourseEvaluation,
    CourseIndexPage,
    CoursePage,
    Enrollment,
    LessonPage,
    LessonPost,
    LessonProgress,
    Topic,
)
from .models.learning import FAVOURABLE_FROM, HEARTBEAT_INTERVAL, STUDY_IDLE_MINUTES
from .permissions import user_is_course_staff
from .sizing import ContentSize

CATALOGUE_PAGE_SIZE = 12
CARD_IMAGE_FILTER = "fill-640x360"


def offered_courses(index):
    return CoursePage.objects.child_of(index).live().public()


def catalogue_courses(*, index, filters: dict, needed_by: Standing | None = None, offered=None):
    """Live courses under the catalogue matching the filters, best match first when searching; with
    `needed_by`, only those that would count toward something its license still needs. `offered` is
    `offered_courses(index)` when the caller already has it."""
    courses = offered_courses(index) if offered is None else offered
    if "topic" in filters:
        courses = courses.filter(topic=filters["topic"])
    if "level" in filters:
        courses = courses.filter(level=filters["level"])
    if "delivery" in filters:
        courses = courses.filter(delivery=filters["delivery"])
    if "hours_min" in filters:
        courses = courses.filter(ce_hours__gte=filters["hours_min"])
    if "hours_max" in filters:
        courses = courses.filter(ce_hours__lte=filters["hours_max"])
    if filters.get("price") == "free":
        courses = courses.filter(price_amount=0)
    elif filters.get("price") == "paid":
        courses = courses.filter(price_amount__gt=0)
    if needed_by is not None:
        courses = courses.filter(id__in=courses_toward_unmet(needed_by, courses=courses))
    courses = courses.select_related("topic").prefetch_related(
        Prefetch("cover_image", queryset=get_image_model().objects.prefetch_renditions(CARD_IMAGE_FILTER)),
        Prefetch("approvals", queryset=CourseApproval.objects.select_related("board").order_by("board__code")),
    )
    # Quotes mark phrases; anything that looks like a search filter ("live:false") is dropped.
    _, query = parse_query_string(filters.get("q", ""), operator="and", zero_terms=None)
    if query is None:
        return courses.order_by("title")
    found = courses.search(query)
    # Whole words come first, stemmed ("shoulders" finds "shoulder"); a search they miss is read as the
    # start of a word ("fibro" for fibromyalgia), in the title, summary and description.
    if found.count():
        return found
    return courses.autocomplete(_words(query), operator="and")


def _words(query) -> str:
    """The words of a parsed search, phrases included, for a search by the start of its last word."""
    if isinstance(query, And):
        return " ".join(_words(subquery) for subquery in query.subqueries)
    return query.query_string


def courses_toward_unmet(standing: Standing, *, courses) -> list[int]:
    """The ids of `courses` whose completion today would move a requirement the license has not met yet:
    a subject it lacks, its total while short, or its live minimum while short, for a live course."""
    today = timezone.localdate()
    if today > standing.licence.expires_on:
        return []
    approvals = defaultdict(list)
    for approval in (
        CourseApproval.objects.filter(course__in=courses).select_related("board").prefetch_related("categories")
    ):
        approvals[approval.course_id].append(approval)
    progress = standing.progress
    live_short = progress.live_hours < progress.required_live_hours
    live_kinds = {DeliveryType.LIVE, *([DeliveryType.WEBINAR] if progress.rule.webinar_counts_as_live else [])}
    moving = []
    for course_id, course_approvals in approvals.items():
        offered = offered_entries(course_approvals, on=today)
        if not offered:
            continue
        preview = standing.preview(offered)
        adds_needed_hours = preview.hours > 0 and (
            progress.missing_hours > 0
            or (live_short and any(approval.delivery in live_kinds for approval in course_approvals))
        )
        if preview.lines or adds_needed_hours:
            moving.append(course_id)
    return moving


def catalogue_page(*, index, query, user=None) -> dict:
    """The template context of one catalogue page for the query string `query`, as `user` sees it."""
    offered = offered_courses(index)
    form = CatalogueFilterForm(query, user=user, courses=offered)
    filters = form.valid_filters()
    licence = filters.pop("licence", None)
    standing = licence and next(item for item in standings(user=user) if item.licence.pk == licence.pk)
    needed_by = standing if standing and standing.progress else None
    courses = Paginator(
        catalogue_courses(index=index, filters=filters, needed_by=needed_by, offered=offered), CATALOGUE_PAGE_SIZE
    ).get_page(query.get("page"))
    return {
        "filter_form": form,
        "courses": courses,
        "is_filtered": bool(filters) or licence is not None,
        "active_filter_count": len(filters.keys() - {"q"}) + (licence is not None),
        "needed_note": standing and _needed_note(standing),
    }


def _needed_note(standing: Standing) -> str:
    """What the "counts toward what I still need" filter did for this license, when it may surprise."""
    place = licence_place(standing.licence)
    if standing.progress is None:
        return f"We do not have the {standing.licence.board.name}'s renewal rule yet, so every course is shown."
    if standing.licence.expires_on < timezone.localdate():
        expired = people_date(standing.licence.expires_on)
        return f"Your {place} license expired on {expired}: no course counts toward it."
    if standing.progress.met:
        return f"Your {place} license has every hour this cycle asks for."
    return ""


def course_lessons(*, course, live_only: bool = True) -> list[LessonPage]:
    """The course's lessons in syllabus order, without their bodies."""
    lessons = LessonPage.objects.child_of(course).defer_streamfields().order_by("path")
    if live_only:
        lessons = lessons.live()
    return list(lessons)


def course_assessments(*, course) -> list[Page]:
    """The course's live pages other than lessons (its quizzes), as their own page types."""
    return list(Page.objects.child_of(course).live().not_type(LessonPage).specific().order_by("path"))


def content_size_of(lessons) -> ContentSize:
    return sum((lesson.content_size for lesson in lessons), ContentSize())


def course_draft_content_size(*, course) -> ContentSize:
    """The size of the course's lessons as their latest drafts stand, for the editor."""
    lessons = course_lessons(course=course, live_only=False)
    revisions = Revision.objects.filter(
        pk__in=[lesson.latest_revision_id for lesson in lessons if lesson.latest_revision_id]
    )
    drafts = {revision.pk: revision for revision in revisions}
    body_block = LessonPage._meta.get_field("body").stream_block
    size = ContentSize()
    for lesson in lessons:
        revision = drafts.get(lesson.latest_revision_id)
        if revision is None:
            size += lesson.content_size
        else:
            body = body_block.to_python(_raw_stream(revision.content["body"]))
            size += body_block.content_size(body)
    return size


def _raw_stream(value):
    return json.loads(value) if isinstance(value, str) else value


def course_detail(*, course: CoursePage, user) -> dict:
    lessons = course_lessons(course=course) if course.pk else []
    assessments = course_assessments(course=course) if course.pk else []
    # Read with one that a refund ended, so that the page can say why the course is offered again.
    enrollment = (
        Enrollment.objects.filter(user=user, course=course).first() if user.is_authenticated and course.pk else None
    )
    access_ended = bool(enrollment and enrollment.access_ended_at)
    enrollment = None if access_ended else enrollment
    progress = enrollment and course_progress(enrollment=enrollment, lessons=lessons)
    # None where no evaluation is asked for; else whether this practitioner has sent theirs.
    evaluation_submitted = (
        CourseEvaluation.objects.filter(enrollment=enrollment).exists()
        if progress and course.evaluation_required
        else None
    )
    approvals, instructors = course.approvals.all(), course.instructors.all()
    # A preview holds its approvals and instructors in memory, as edited; only a published page
    # reads them from the database, where they are fetched in bulk.
    if isinstance(approvals, QuerySet):
        approvals = approvals.select_related("board").prefetch_related("categories")
    if isinstance(instructors, QuerySet):
        instructors = instructors.select_related("photo")
    completion = progress and _completion_state(
        progress, user=user, assessments=assessments, evaluation_submitted=bool(evaluation_submitted)
    )
    approvals = sorted(approvals, key=lambda approval: approval.sort_order or 0)
    licences = standings(user=user) if user.is_authenticated else []
    return {
        "catalogue": course.get_parent(),
        "lessons": lessons,
        "assessments": assessments,
        "content_size": content_size_of(lessons),
        "approvals": approvals,
        "instructors": list(instructors),
        "enrollment": enrollment,
        "access_ended": access_ended and ACCESS_ENDED,
        "progress": progress,
        "evaluation_due": bool(evaluation_submitted is False and progress.completed_count == len(lessons)),
        # A completion can be held back from its certificate (a lapsed approval), so ask for the certificate.
        "certified": bool(enrollment and enrollment.completed_at and enrollment.certificates.exists()),
        "completion_blockers": completion and completion_blockers(completion),
        "has_licences": bool(licences),
        # Once the course is completed its hours are in the record, and the dashboard shows them.
        "credit_previews": [] if enrollment and enrollment.completed_at else credit_previews(licences, approvals),
    }


@dataclass(frozen=True)
class CreditPreview:
    licence: Licence
    sentence: str
    counts: bool


def credit_previews(licences: list[Standing], approvals) -> list[CreditPreview]:
    """What completing the course today would add to each license whose board's rule is recorded."""
    return [
        CreditPreview(standing.licence, preview_sentence(standing, preview), preview.counts)
        for standing, preview in course_previews(licences, approvals)
    ]


def enrollment_completion_state(*, enrollment) -> CompletionState:
    """Where the enrolment stands against DESIGN's completion rule, as the course page shows it;
    certificates read the same state before they record a completion."""
    course = enrollment.course
    progress = course_progress(enrollment=enrollment, lessons=course_lessons(course=course))
    evaluated = course.evaluation_required and CourseEvaluation.objects.filter(enrollment=enrollment).exists()
    return _completion_state(
        progress, user=enrollment.user, assessments=course_assessments(course=course), evaluation_submitted=evaluated
    )


def _completion_state(progress: "CourseProgress", *, user, assessments, evaluation_submitted: bool) -> CompletionState:
    course, enrollment = progress.enrollment.course, progress.enrollment
    return CompletionState(
        lessons_total=progress.lesson_count,
        lessons_completed=progress.completed_count,
        study_minutes=progress.study_minutes,
        required_minutes=course.min_study_minutes,
        evaluation_required=course.evaluation_required,
        evaluation_submitted=evaluation_submitted,
        final_test_required=course.delivery == DeliveryType.HOME_STUDY or _has_final_assessment(assessments),
        final_test_passed=enrollment.final_test_passed_at is not None,
        legal_name_recorded=bool(user.legal_name.strip()),
        completion_recorded=enrollment.completed_at is not None,
        course_staff=user_is_course_staff(user=user, course=course),
        access_ended=enrollment.access_ended_at is not None,
    )


def _has_final_assessment(assessments) -> bool:
    """The course's assessments are the pages under it other than lessons (the quizzes app's pages,
    which courses does not import); one that says it `is_final` is the test completion asks for."""
    return any(getattr(assessment, "is_final", False) for assessment in assessments)


def lesson_detail(*, lesson: LessonPage, user) -> dict:
    course = CoursePage.objects.parent_of(lesson).select_related("topic").get()
    lessons = course_lessons(course=course)
    position = _position_of(lesson, lessons)
    enrollment = enrollment_for(user=user, course=course)
    progress = enrollment and course_progress(enrollment=enrollment, lessons=lessons)
    next_lesson = lesson_after(lesson=lesson, lessons=lessons)
    return {
        "course": course,
        "enrollment": enrollment,
        "progress": progress,
        "is_completed": bool(progress) and lesson.pk in progress.completed_lesson_ids,
        "readable": lesson_readable_by(user=user, lesson=lesson, course=course, enrollment=enrollment),
        "heartbeat_interval": HEARTBEAT_INTERVAL,
        "study_idle_minutes": STUDY_IDLE_MINUTES,
        # From the body itself, not the stored count, so that a preview of an edit is right.
        "content_size": lesson.body.stream_block.content_size(lesson.body),
        "lessons": lessons,
        "lesson_number": None if position is None else position + 1,
        "previous_lesson": lessons[position - 1] if position else None,
        "next_lesson": next_lesson,
        # A visitor reading a free preview is sent on to the enroll box rather than to a locked lesson.
        "next_lesson_readable": next_lesson is not None
        and lesson_readable_by(user=user, lesson=next_lesson, course=course, enrollment=enrollment),
        "quiz_after": quiz_after(lesson=lesson),
    }


def quiz_after(*, lesson) -> Page | None:
    """The live page right after the lesson in its course when it is not a lesson: a knowledge check
    placed there, or the final assessment after the last lesson."""
    if lesson.pk is None:
        return None
    following = lesson.get_next_siblings().live().first()
    return following if following is not None and following.specific_class is not LessonPage else None


def lesson_after(*, lesson, lessons):
    """The lesson that follows `lesson` in the syllabus `lessons`, if any."""
    position = _position_of(lesson, lessons)
    return lessons[position + 1] if position is not None and position + 1 < len(lessons) else None


def _position_of(lesson, lessons) -> int | None:
    return next((i for i, sibling in enumerate(lessons) if sibling.pk == lesson.pk), None)


def home_page_highlights(*, home, featured_count: int = 3) -> dict:
    """The catalogue under `home`, its newest courses, the topics that have courses, and the boards
    that approve the provider (a practitioner checks them before buying)."""
    approved_by = list(Board.objects.exclude(provider_number="").order_by("name"))
    catalogue = CourseIndexPage.objects.child_of(home).live().first()
    if catalogue is None:
        return {"catalogue": None, "featured_courses": [], "topics": [], "approved_by": approved_by}
    featured = catalogue_courses(index=catalogue, filters={}).order_by("-first_published_at")[:featured_count]
    topics = (
        Topic.objects.filter(courses__in=CoursePage.objects.child_of(catalogue).live().public())
        .annotate(course_count=Count("courses"))
        .order_by("name")
    )
    return {
        "catalogue": catalogue,
        "featured_courses": list(featured),
        "topics": list(topics),
        "approved_by": approved_by,
    }


@dataclass(frozen=True)
class CourseProgress:
    """Where an enrolled practitioner stands in a course."""

    enrollment: Enrollment
    lesson_ids: tuple[int, ...]  # the course's live lessons, in syllabus order
    completed_lesson_ids: frozenset
    study_seconds: int
    last_studied_lesson_id: int | None = None
    # The lesson pages read, by id: every one where the page lists them, only the one to continue
    # with on the dashboard, which counts the others by id.
    lesson_pages: dict = field(default_factory=dict)

    @property
    def lessons(self) -> list:
        return [self.lesson_pages[pk] for pk in self.lesson_ids if pk in self.lesson_pages]

    @property
    def lesson_count(self) -> int:
        return len(self.lesson_ids)

    @property
    def completed_count(self) -> int:
        return sum(1 for pk in self.lesson_ids if pk in self.completed_lesson_ids)

    @property
    def percent(self) -> int:
        return round(100 * self.completed_count / len(self.lesson_ids)) if self.lesson_ids else 0

    @property
    def study_minutes(self) -> int:
        return self.study_seconds // 60

    @property
    def continue_lesson_id(self) -> int | None:
        """The lesson last studied if it is unfinished, else the first unfinished one, in syllabus order."""
        unfinished = [pk for pk in self.lesson_ids if pk not in self.completed_lesson_ids]
        if self.last_studied_lesson_id in unfinished:
            return self.last_studied_lesson_id
        return unfinished[0] if unfinished else None

    @property
    def continue_lesson(self):
        return self.lesson_pages.get(self.continue_lesson_id)


def course_progress(*, enrollment, lessons) -> CourseProgress:
    lesson_ids = {enrollment.course_id: tuple(lesson.pk for lesson in lessons)}
    progress = _progress_by_enrollment([enrollment], lesson_ids)[enrollment.pk]
    return replace(progress, lesson_pages={lesson.pk: lesson for lesson in lessons})


def course_finished(*, enrollment) -> bool:
    """Whether the practitioner has completed every live lesson of the course."""
    progress = course_progress(enrollment=enrollment, lessons=course_lessons(course=enrollment.course))
    return bool(progress.lesson_ids) and progress.completed_count == progress.lesson_count


def enrollment_for(*, user, course) -> Enrollment | None:
    if not user.is_authenticated or course.pk is None:
        return None
    return Enrollment.objects.with_access().filter(user=user, course=course).first()


def lesson_readable_by(*, user, lesson, course, enrollment) -> bool:
    """Lesson bodies are for enrolled practitioners, the course's instructors and editors, and free previews."""
    if lesson.is_free_preview or enrollment is not None:
        return True
    return user_is_course_staff(user=user, course=course)


# The dashboard lists the latest completions; the certificates page lists them all.
RECENT_COMPLETIONS = 10


def dashboard(*, user) -> dict:
    """The practitioner's courses in progress, their latest completions, their study time and each
    license's standing toward its renewal, in a fixed number of queries whatever the number of courses,
    completions, lessons and CE record entries."""
    enrollments = Enrollment.objects.with_access().filter(user=user)
    course_bodies = [f"course__{name}" for name in _stream_field_names(CoursePage)]
    in_progress = list(
        enrollments.filter(completed_at__isnull=True)
        .select_related("course", "course__topic")
        .defer(*course_bodies)
        .order_by("-enrolled_at")
    )
    progress = _progress_by_enrollment(in_progress, _live_lesson_ids_of([e.course for e in in_progress]))
    progress = _with_lessons_to_continue(progress)
    finished = (
        enrollments.filter(completed_at__isnull=False)
        .select_related("course")
        .defer(*course_bodies)
        # Through the reverse relation, in one query: the certificates app builds on this one, not the other way.
        .prefetch_related(Prefetch("certificates", queryset=_certificates_shown()))
        .order_by("-completed_at", "-pk")
    )
    # Each enrollment's certificates come newest first: a reissue (a corrected name, say) is the one held now.
    completed = [
        {"enrollment": e, "certificate": next(iter(e.certificates.all()), None)} for e in finished[:RECENT_COMPLETIONS]
    ]
    totals = enrollments.aggregate(
        completed=Count("pk", filter=Q(completed_at__isnull=False), distinct=True),
        studied=Coalesce(Sum("lesson_progress__study_seconds"), 0),
    )
    return {
        "current": [progress[e.pk] for e in in_progress],
        "completed": completed,
        "completed_count": totals["completed"],
        "study_minutes": totals["studied"] // 60,
        "licences": [licence_summary(standing) for standing in standings(user=user)],
    }


def _stream_field_names(model) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if isinstance(f, StreamField)]


def _certificates_shown():
    """An enrollment's certificates as the dashboard shows them: code and revocation, not the snapshot
    and the signed credential, which are most of a row."""
    certificate_model = Enrollment._meta.get_field("certificates").related_model
    return certificate_model.objects.only("pk", "enrollment_id", "code", "issued_at", "revoked_at")


def _live_lesson_ids_of(courses) -> dict[int, tuple[int, ...]]:
    """Each course's live lessons' ids in syllabus order, read as ids and paths only."""
    ids_by_course = {course.pk: [] for course in courses}
    if not courses:
        return {}
    course_by_path = {course.path: course.pk for course in courses}
    depth = courses[0].depth + 1
    under_any = Q()
    for path in course_by_path:
        under_any |= Q(path__startswith=path)
    lessons = LessonPage.objects.live().filter(under_any, depth=depth).order_by("path").values_list("pk", "path")
    for pk, path in lessons:
        ids_by_course[course_by_path[path[: -Page.steplen]]].append(pk)
    return {pk: tuple(ids) for pk, ids in ids_by_course.items()}


def _with_lessons_to_continue(progress: dict[int, CourseProgress]) -> dict[int, CourseProgress]:
    """The progress with the page of each course's lesson to continue with, read in one query."""
    wanted = {item.continue_lesson_id for item in progress.values()} - {None}
    if not wanted:
        return progress
    pages = {lesson.pk: lesson for lesson in LessonPage.objects.filter(pk__in=wanted).defer_streamfields()}
    return {
        pk: replace(item, lesson_pages={item.continue_lesson_id: pages[item.continue_lesson_id]})
        if item.continue_lesson_id in pages
        else item
        for pk, item in progress.items()
    }


def _progress_by_enrollment(enrollments, lesson_ids_by_course) -> dict[int, CourseProgress]:
    rows = (
        LessonProgress.objects.filter(enrollment__in=[e.pk for e in enrollments])
        .order_by("updated_at")
        .values_list("enrollment_id", "lesson_id", "study_seconds", "completed_at")
    )
    completed, seconds, last = defaultdict(set), defaultdict(int), {}
    for enrollment_id, lesson_id, study_seconds, completed_at in rows:
        seconds[enrollment_id] += study_seconds
        last[enrollment_id] = lesson_id
        if completed_at:
            completed[enrollment_id].add(lesson_id)
    return {
        enrollment.pk: CourseProgress(
            enrollment=enrollment,
            lesson_ids=lesson_ids_by_course[enrollment.course_id],
            completed_lesson_ids=frozenset(completed[enrollment.pk]),
            study_seconds=seconds[enrollment.pk],
            last_studied_lesson_id=last.get(enrollment.pk),
        )
        for enrollment in enrollments
    }


def evaluation_results():
    """Courses that have evaluations, with the number of evaluations, the percentage of favourable
    answers over every statement, and the mean answer to each statement."""
    statements = list(CourseEvaluation.STATEMENTS)
    favourable_answers = reduce(
        operator.add,
        [
            Count("enrollments__evaluation", filter=Q(**{f"enrollments__evaluation__{n}__gte": FAVOURABLE_FROM}))
            for n in statements
        ],
    )
    return (
        CoursePage.objects.annotate(
            responses=Count("enrollments__evaluation"),
            favourable_share=ExpressionWrapper(
                favourable_answers * 100.0 / (Count("enrollments__evaluation") * len(statements)),
                output_field=FloatField(),
            ),
            **{f"mean_{n}": Avg(f"enrollments__evaluation__{n}") for n in statements},
        )
        .filter(responses__gt=0)
        .order_by("title")
    )


def lesson_discussion(*, lesson, course, user, enrollment) -> dict:
    """The lesson's visible questions with their answers, and what this person may do with them."""
    visible_answers = LessonPost.objects.filter(hidden_at__isnull=True).select_related("author").order_by("created_at")
    questions = (
        LessonPost.objects.filter(lesson=lesson, question__isnull=True, hidden_at__isnull=True)
        .select_related("author")
        .prefetch_related(Prefetch("answers", queryset=visible_answers))
        .order_by("-created_at")
    )
    instructor_ids = set(course.instructors.exclude(user=None).values_list("user_id", flat=True))
    return {
        "questions": list(questions),
        "instructor_ids": instructor_ids,
        "can_ask": enrollment is not None,
        "can_answer": user.pk in instructor_ids,
        "can_hide": user.has_perm("courses.hide_lessonpost"),
    }
