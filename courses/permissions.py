"""Who may author which course: instructors hold their rights over the catalog per course.

Wagtail grants page rights to groups over a subtree, so the Instructors group's rights over the
catalog would reach every course. A course's own pages (the course, its lessons and quizzes) answer
`permissions_for_user` with the tester below instead, which keeps those rights only for the courses
an instructor teaches (the course's instructor list holds them) or created (owns). Every admin path
that opens, previews, edits, submits, moves, copies or deletes a page asks this tester, and so do our
own views (quiz analysis, GIFT export, lesson bodies): one rule, read everywhere. Reviewers (who may
publish) and superusers keep their rights over every course.
"""

from wagtail.models import Page, PagePermissionTester
from wagtail.permissions import policy_registry

# Everything an instructor's group grants that acts on a page; viewing the explorer is left alone.
_AUTHORING_ACTIONS = {"add", "change", "delete", "bulk_delete", "lock", "unlock"}


class CourseTeamPermissionTester(PagePermissionTester):
    def __init__(self, user, page):
        super().__init__(user, page)
        if not user.is_active or user.is_superuser or "publish" in self.permissions:
            return
        course = course_of(page)
        if course is not None and not user_teaches(user=user, course=course):
            self.permissions = self.permissions - _AUTHORING_ACTIONS

    def can_submit_for_moderation(self):
        # A course is reviewed as one piece: its lessons and quizzes go to review, and live, with it
        # (courses.publishing), so that one submission makes one task and one set of emails.
        return not is_course_part(self.page) and super().can_submit_for_moderation()


def is_course_part(page: Page) -> bool:
    """Whether the page is a lesson or quiz of a course, rather than a course or a page above the courses."""
    from .models import CoursePage

    return not isinstance(page.specific_deferred, CoursePage) and course_of(page) is not None


def course_of(page: Page):
    """The course page that `page` is, or that holds it (a lesson, a quiz); None above the courses."""
    from .models import CoursePage

    if isinstance(page, CoursePage):
        # The editor's page may be built from a revision, even an old one (revert): who teaches the
        # course is read from the course as it stands, never from a draft that could list anyone.
        return CoursePage.objects.filter(pk=page.pk).first() if page.pk else None
    if not page.path:  # not in the tree yet: the editor asks its parent whether it may be added
        return None
    return CoursePage.objects.filter(path=page.path[: -Page.steplen]).first()


def user_teaches(*, user, course) -> bool:
    """Whether the course's instructor list holds the user; or, while the list is still empty, whether
    the user created the course (so that a new course stays theirs until they list its instructors,
    and someone taken off the list loses it)."""
    if not user.is_authenticated or course.pk is None:
        return False
    listed = set(course.instructors.values_list("user_id", flat=True))
    return user.pk in listed if listed else course.owner_id == user.pk


def page_permission_policy():
    return policy_registry.get_by_type(Page)


def user_is_course_staff(*, user, course) -> bool:
    """Whether the user teaches the course, or can edit it or see its answers (reviewers, superusers):
    such a person may not take its assessments or earn its certificate."""
    if not user.is_authenticated:
        return False
    if user_teaches(user=user, course=course):
        return True
    # Most people hold no page rights at all: answered from the user's cached permissions, without
    # the tester's look at the page's workflow.
    has_page_rights = page_permission_policy().user_has_any_permission(user, {"add", "change", "publish"})
    return has_page_rights and course.permissions_for_user(user).can_edit()
