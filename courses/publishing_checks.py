"""What a board would reject in a course, checked before it goes live.

The rules live here once: the reviewer's checklist in the course editor reads them, and so does
every way of publishing a course (the editor's Publish, a workflow approval, a scheduled or bulk
publish, a management command), which refuses while any rule is not met (see courses.publishing).

A course is checked as it will stand once published: its own revision, and its lessons and quizzes
as their latest drafts, since publishing a course publishes them with it.
"""

import re
from dataclasses import dataclass

from django.utils import timezone
from wagtail.models import Page, Revision

from credits.models import DeliveryType
from credits.presentation import people_date

from .models import LessonPage
from .sizing import ContentSize

# What people type into the number field while a board has not yet issued one: anywhere in it, or as all of it.
PLACEHOLDER_WORDS = frozenset({"PENDING", "TBD", "TBA", "TBC", "TODO", "TEMP", "UNKNOWN"})
PLACEHOLDER_NUMBERS = frozenset({"NA", "NONE", "NULL", "APPLIED", "SUBMITTED", "AWAITING"})


@dataclass(frozen=True)
class Check:
    """One of the board rules, as the checklist names it, and why the course falls short of it (if it does)."""

    rule: str
    problems: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return not self.problems


def course_checklist(*, course, pages=None) -> list[Check]:
    """Every rule, met or not, for the course as it will be published. `pages` are its lessons and
    quizzes as they will go live (read from the database when not given)."""
    if pages is None:
        pages = course_pages_as_published(course=course)
    lessons = [page for page in pages if isinstance(page, LessonPage)]
    assessments = [page for page in pages if not isinstance(page, LessonPage)]
    size = sum((lesson.body.stream_block.content_size(lesson.body) for lesson in lessons), ContentSize())
    return [
        _content_sizing(course, size),
        _study_time(course, size),
        _approvals(course),
        _final_assessment(course, assessments),
    ]


def course_publishing_problems(*, course, pages=None) -> list[str]:
    """Why the course may not go live yet, one sentence each; empty when it may."""
    return [problem for check in course_checklist(course=course, pages=pages) for problem in check.problems]


def course_pages_as_published(*, course) -> list[Page]:
    """The course's lessons and quizzes (as their own page types) as they will stand once the course is
    published: each as its latest revision, except a page a reviewer has taken offline, which stays off."""
    if course.pk is None:
        return []
    pages = [page for page in Page.objects.child_of(course).specific().order_by("path") if goes_live_with_course(page)]
    revisions = Revision.objects.in_bulk(
        [page.latest_revision_id for page in pages if page.latest_revision_id and page.has_unpublished_changes]
    )
    return [
        page.with_content_json(revisions[page.latest_revision_id].content)
        if page.latest_revision_id in revisions
        else page
        for page in pages
    ]


def goes_live_with_course(page) -> bool:
    """A lesson or quiz that is live, or has never been: one published once and since unpublished was
    withdrawn on purpose, and publishing its course does not bring it back."""
    return page.live or page.first_published_at is None


def _content_sizing(course, size: ContentSize) -> Check:
    rule = "The lessons' content supports the declared CE hours (12,000 words or an hour of video each)"
    if course.ce_hours is None or size.ce_hours >= course.ce_hours:
        return Check(rule)
    return Check(
        rule,
        (
            f"The lessons support {size.ce_hours} CE hours ({size.words:,} words, {size.video_minutes} minutes of "
            f"video), less than the {course.ce_hours} the course declares: add content or lower the hours.",
        ),
    )


def _study_time(course, size: ContentSize) -> Check:
    rule = "The lessons take at least the course's minimum study time to read and watch"
    if course.min_study_minutes is None or size.study_minutes >= course.min_study_minutes:
        return Check(rule)
    return Check(
        rule,
        (
            f"The lessons take about {size.study_minutes} minutes to read and watch, less than the "
            f"{course.min_study_minutes} minutes of study the course asks for.",
        ),
    )


def _approvals(course) -> Check:
    rule = "Each board approval has its issued number and is current"
    approvals = sorted(course.approvals.all(), key=lambda approval: approval.sort_order or 0)
    if not approvals:
        return Check(rule, ("No board approval is recorded: add the approval each board issued for this course.",))
    today = timezone.localdate()
    problems = []
    for approval in approvals:
        board = approval.board.code if approval.board_id else "A board"
        number = approval.number.strip()
        if not number:
            problems.append(f"{board}: the approval number is missing.")
        elif is_placeholder_number(number):
            problems.append(f"{board}: “{number}” is a placeholder, not an approval number the board issued.")
        if approval.expires_on is not None and approval.expires_on < today:
            problems.append(f"{board}: the approval expired on {people_date(approval.expires_on)}.")
    return Check(rule, tuple(problems))


def is_placeholder_number(number: str) -> bool:
    """Whether an approval number is a stand-in (PENDING, TBD, N/A, 000-000, XXXX) rather than one issued."""
    words = [word.upper() for word in re.findall(r"[A-Za-z]+", number)]
    digits = re.findall(r"\d+", number)
    if any(word in PLACEHOLDER_WORDS for word in words):
        return True
    if digits:
        return all(set(group) == {"0"} for group in digits)
    letters = "".join(words)  # N/A, n.a., X-X-X
    return not letters or letters in PLACEHOLDER_NUMBERS or set(letters) == {"X"}


def _final_assessment(course, assessments) -> Check:
    finals = [page for page in assessments if page.is_final]
    home_study = course.delivery == DeliveryType.HOME_STUDY
    rule = "A home-study course ends in a final assessment that meets the boards' rules"
    if not finals:
        if not home_study:
            return Check(rule)
        return Check(
            rule,
            ("A home-study course needs a final assessment that practitioners must pass: add one under the course.",),
        )
    # The quizzes app knows its own rules (QuizPage.board_problems); courses does not import it.
    problems = tuple(
        f"{final.title}: {problem}" for final in finals for problem in final.board_problems(home_study=home_study)
    )
    return Check(rule, problems)
