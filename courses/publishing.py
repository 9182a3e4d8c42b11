"""Publishing a course: refused while a board would reject it, and its lessons and quizzes go live with it.

A course is reviewed as one piece (its lessons and quizzes are never submitted on their own, see
courses.permissions), so the publication that makes it live publishes their drafts in the same
transaction. Every path that publishes a course runs through here: `CoursePage.publish` (workflow
approval, scheduled and bulk publishing, revisions, commands) uses `CoursePublishAction`, and the
editor's Publish button, which calls Wagtail's action directly, is covered by the hooks in
courses.wagtail_hooks, which call the same functions.
"""

from django.db import transaction
from wagtail.actions.publish_page_revision import PublishPagePermissionError, PublishPageRevisionAction
from wagtail.models import Page

from .publishing_checks import course_pages_as_published, course_publishing_problems, goes_live_with_course


class CoursePublishRefused(PublishPagePermissionError):
    """The course breaks a board rule; `problems` says which, one sentence each."""

    def __init__(self, course, problems: list[str]):
        self.course = course
        self.problems = problems
        super().__init__(f"“{course.title}” cannot be published yet: " + " ".join(problems))


def course_publish_check(*, course) -> None:
    """Raises CoursePublishRefused unless the course, as it would go live, meets every board rule."""
    problems = course_publishing_problems(course=course, pages=course_pages_as_published(course=course))
    if problems:
        raise CoursePublishRefused(course, problems)


def course_pages_publish(*, course, user=None) -> list[Page]:
    """Publishes the drafts of the course's lessons and quizzes, now that the course is live; a page a
    reviewer has taken offline stays offline. Returns the pages published."""
    published = []
    children = Page.objects.child_of(course).filter(has_unpublished_changes=True).specific().order_by("path")
    for page in children:
        if not goes_live_with_course(page) or page.latest_revision_id is None:
            continue
        # The course's approval is the review: the reviewer publishes what it covered, whoever may edit the page.
        page.get_latest_revision().publish(user=user, skip_permission_checks=True)
        published.append(page)
    return published


class CoursePublishAction(PublishPageRevisionAction):
    """Wagtail's publish action for a course: checked against the board rules whoever publishes (a system
    caller skips only the permission check), and publishing the course's drafts once it goes live."""

    def check(self, skip_permission_checks=False):
        super().check(skip_permission_checks=skip_permission_checks)
        course_publish_check(course=self.object)

    @transaction.atomic
    def execute(self, skip_permission_checks=False):
        result = super().execute(skip_permission_checks=skip_permission_checks)
        if self.object.live:  # not when scheduled: publish_scheduled calls this again at the time
            course_pages_publish(course=self.object, user=self.user)
        return result
