"""Reads for the public pages, shaped so that a page's query count does not grow with its data."""

import json

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, QuerySet
from wagtail.images import get_image_model
from wagtail.models import Revision
from wagtail.search.utils import parse_query_string

from .forms import CatalogueFilterForm
from .models import CourseApproval, CourseIndexPage, CoursePage, LessonPage, Topic
from .sizing import ContentSize

CATALOGUE_PAGE_SIZE = 12
CARD_IMAGE_FILTER = "fill-640x360"


def catalogue_courses(*, index, filters: dict):
    """Live courses under the catalogue matching the filters, best match first when searching."""
    courses = (
        CoursePage.objects.child_of(index)
        .live()
        .public()
        .select_related("topic")
        .prefetch_related(
            Prefetch("cover_image", queryset=get_image_model().objects.prefetch_renditions(CARD_IMAGE_FILTER)),
            Prefetch("approvals", queryset=CourseApproval.objects.select_related("board").order_by("board__code")),
        )
    )
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
    # Quotes mark phrases; anything that looks like a search filter ("live:false") is dropped.
    _, query = parse_query_string(filters.get("q", ""), operator="and", zero_terms=None)
    if query is not None:
        return courses.search(query)
    return courses.order_by("title")


def catalogue_page(*, index, query) -> dict:
    """The template context of one catalogue page for the query string `query`."""
    form = CatalogueFilterForm(query)
    filters = form.valid_filters()
    courses = Paginator(catalogue_courses(index=index, filters=filters), CATALOGUE_PAGE_SIZE).get_page(
        query.get("page")
    )
    return {"filter_form": form, "courses": courses, "is_filtered": bool(filters)}


def course_lessons(*, course, live_only: bool = True) -> list[LessonPage]:
    """The course's lessons in syllabus order, without their bodies."""
    lessons = LessonPage.objects.child_of(course).defer_streamfields().order_by("path")
    if live_only:
        lessons = lessons.live()
    return list(lessons)


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


def course_detail(*, course: CoursePage) -> dict:
    lessons = course_lessons(course=course) if course.pk else []
    approvals, instructors = course.approvals.all(), course.instructors.all()
    # A preview holds its approvals and instructors in memory, as edited; only a published page
    # reads them from the database, where they are fetched in bulk.
    if isinstance(approvals, QuerySet):
        approvals = approvals.select_related("board").prefetch_related("categories")
    if isinstance(instructors, QuerySet):
        instructors = instructors.select_related("photo")
    return {
        "catalogue": course.get_parent(),
        "lessons": lessons,
        "content_size": content_size_of(lessons),
        "approvals": sorted(approvals, key=lambda approval: approval.sort_order or 0),
        "instructors": list(instructors),
    }


def lesson_detail(*, lesson: LessonPage) -> dict:
    course = CoursePage.objects.parent_of(lesson).select_related("topic").get()
    lessons = course_lessons(course=course)
    position = next((i for i, sibling in enumerate(lessons) if sibling.pk == lesson.pk), None)
    return {
        "course": course,
        # From the body itself, not the stored count, so that a preview of an edit is right.
        "content_size": lesson.body.stream_block.content_size(lesson.body),
        "lessons": lessons,
        "lesson_number": None if position is None else position + 1,
        "previous_lesson": lessons[position - 1] if position else None,
        "next_lesson": lessons[position + 1] if position is not None and position + 1 < len(lessons) else None,
    }


def home_page_highlights(*, home, featured_count: int = 3) -> dict:
    """The catalogue under `home`, its newest courses, and the topics that have courses."""
    catalogue = CourseIndexPage.objects.child_of(home).live().first()
    if catalogue is None:
        return {"catalogue": None, "featured_courses": [], "topics": []}
    featured = catalogue_courses(index=catalogue, filters={}).order_by("-first_published_at")[:featured_count]
    topics = (
        Topic.objects.filter(courses__in=CoursePage.objects.child_of(catalogue).live().public())
        .annotate(course_count=Count("courses"))
        .order_by("name")
    )
    return {"catalogue": catalogue, "featured_courses": list(featured), "topics": list(topics)}
