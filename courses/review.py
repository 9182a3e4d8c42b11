"""The admin's side of reviewing courses: the editor's action menu, the refusal messages and the dashboard.

A course is reviewed as one piece (see courses.publishing): its lessons and quizzes offer no submission
of their own, and point the instructor to the course's; the reviewer's task names the course, shows
its board checklist, and offers Approve only once every check passes.
"""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.text import Truncator
from wagtail.admin import messages
from wagtail.admin.action_menu import ActionMenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.utils import get_latest_str
from wagtail.admin.views.home import WorkflowObjectsToModeratePanel
from wagtail.admin.views.pages.edit import EditView
from wagtail.admin.views.pages.workflow import WorkflowActionView
from wagtail.models import Page, TaskState, WorkflowState

from .models import CourseEvaluation, CoursePage, Enrollment, LessonPost
from .permissions import course_of, is_course_part
from .publishing_checks import course_publishing_problems

SUBMIT_THE_COURSE = (
    "A lesson or quiz goes to review with its course: save it as a draft, then submit the course for review."
)


def is_course(page) -> bool:
    return isinstance(page.specific_deferred, CoursePage)


def refusal_message(refusal) -> str:
    return f"“{refusal.course.title}” was saved but not published. A board would reject it: " + " ".join(
        refusal.problems
    )


def published_with_course_message(pages) -> str:
    return "Live with the course: " + ", ".join(f"“{page.title}”" for page in pages) + "."


class SubmitCourseMenuItem(ActionMenuItem):
    """On a lesson's or quiz's editor: the way to review, which is the course's submission."""

    label = "Submit the course for review…"
    name = "action-submit-course"
    icon_name = "resubmit"
    order = 150

    def __init__(self, course):
        super().__init__()
        self.course = course

    def get_url(self, parent_context):
        return reverse("wagtailadmin_pages:edit", args=[self.course.pk])


def course_action_menu(menu_items, request, context) -> None:
    """Lessons and quizzes go to review with their course; Approve waits until the course passes its checks."""
    if context["view"] == "create":
        if is_course(context["parent_page"]):
            menu_items[:] = [item for item in menu_items if item.name != "action-submit"]
        return
    page = context.get("page")
    if page is None:
        return
    if is_course_part(page):
        course = course_of(page)
        if course.permissions_for_user(request.user).can_submit_for_moderation():
            menu_items.append(SubmitCourseMenuItem(course))
    elif is_course(page) and page.workflow_in_progress and course_publishing_problems(course=page):
        menu_items[:] = [item for item in menu_items if item.name != "approve"]


def workflow_action_message(*, course, task_state) -> str | None:
    """What the reviewer reads once their action on a course's task is done; None while the task waits
    (a form sent back with errors, say)."""
    title = get_latest_str(course)
    if task_state.status == TaskState.STATUS_REJECTED:
        return f"Changes requested on “{title}”."
    if task_state.status != TaskState.STATUS_APPROVED:
        return None
    if (next_task := course.current_workflow_task) is not None:
        return f"“{title}” approved: it now waits for “{next_task.name}”."
    if course.live:
        return f"“{title}” approved and published, with its lessons and quizzes."
    return f"“{title}” approved; it goes live at its scheduled time."


class CourseWorkflowActionView(WorkflowActionView):
    """Wagtail's workflow action (Approve, Request changes) on a course, from the dashboard's "Awaiting your
    review" or the task's modal, saying afterwards what became of the course: Wagtail's own says nothing."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        self.task_state.refresh_from_db()
        course = CoursePage.objects.get(pk=self.object.pk)
        if message := workflow_action_message(course=course, task_state=self.task_state):
            messages.success(request, message)
        return response


class CourseEditView(EditView):
    """The course editor, whose Approve and Request changes (in the action menu) say what became of the
    course as the dashboard's do."""

    def perform_workflow_action(self):
        task_state = self.page.current_workflow_task_state
        response = super().perform_workflow_action()
        task_state.refresh_from_db()
        course = CoursePage.objects.get(pk=self.page.pk)
        if message := workflow_action_message(course=course, task_state=task_state):
            messages.success(self.request, message)
        return response


class CourseReviewPanel(WorkflowObjectsToModeratePanel):
    """Wagtail's "Awaiting your review", naming the course of each page and how its board checks stand."""

    template_name = "courses/admin/awaiting_review.html"

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        for state in context["states"]:
            obj = state["obj"]
            if not isinstance(obj, Page):
                continue
            course = obj.specific if is_course(obj) else course_of(obj)
            if course is None:
                continue
            state["course"] = course
            state["is_course"] = course.pk == obj.pk
            state["kind"] = obj.specific_class._meta.verbose_name.capitalize()
            if state["is_course"]:
                state["problems"] = course_publishing_problems(course=course.get_latest_revision_as_object())
                if state["problems"]:
                    state["actions"] = [action for action in state["actions"] if action[0] != "approve"]
        return context


class InstructorDashboardPanel(Component):
    """An instructor's courses and where each stands, the questions waiting for their answer, and the latest
    evaluations of their courses."""

    name = "instructor_dashboard"
    template_name = "courses/admin/instructor_dashboard.html"
    order = 200  # above Wagtail's own panels: this is what an instructor comes for
    EVALUATIONS_SHOWN = 5
    QUESTIONS_SHOWN = 10

    def __init__(self, courses, *, user):
        self.courses = courses
        self.user = user

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        courses = self.courses
        in_review = set(
            WorkflowState.objects.active()
            .filter(base_content_type__model="page", object_id__in=[str(course.pk) for course in courses])
            .values_list("object_id", flat=True)
        )
        for course in courses:
            if str(course.pk) in in_review:
                course.review_status = "In review"
            elif course.live:
                course.review_status = "Live, with unpublished changes" if course.has_unpublished_changes else "Live"
            else:
                course.review_status = "Draft"
        under_courses = Q()
        for course in courses:
            under_courses |= Q(lesson__path__startswith=course.path)
        questions = (
            LessonPost.objects.filter(under_courses, question=None, hidden_at=None)
            .annotate(answer_count=Count("answers", filter=Q(answers__hidden_at=None)))
            .filter(answer_count=0)
            .select_related("author", "lesson")
            .order_by("created_at")
        )
        courses_by_path = {course.path: course for course in courses}
        unanswered = list(questions[: self.QUESTIONS_SHOWN])
        for question in unanswered:
            question.course = courses_by_path.get(question.lesson.path[: -Page.steplen])
            question.excerpt = Truncator(strip_tags(question.body_html)).words(30)
        evaluations = (
            CourseEvaluation.objects.filter(enrollment__course__in=courses)
            .select_related("enrollment__course")
            .order_by("-submitted_at")[: self.EVALUATIONS_SHOWN]
        )
        context.update(
            courses=courses,
            attempts_to_grade=_attempts_awaiting_grading_count(courses=courses, user=self.user),
            questions=unanswered,
            question_count=questions.count() if len(unanswered) == self.QUESTIONS_SHOWN else len(unanswered),
            evaluations=[_evaluation_row(evaluation) for evaluation in evaluations],
        )
        return context


def _attempts_awaiting_grading_count(*, courses, user) -> int:
    """Submitted attempts at the courses' quizzes whose written answers wait for a grade (QuizAttempt.awaits_grading:
    neither passed nor failed), bar the user's own, as the grading queue lists them: one query. Counted from the
    enrollments, which this layer owns, so that courses need not import quizzes."""
    waiting = Q(quiz_attempts__submitted_at__isnull=False, quiz_attempts__passed__isnull=True)
    return (
        Enrollment.objects.filter(course__in=courses)
        .exclude(user=user)
        .aggregate(waiting=Count("quiz_attempts", filter=waiting))["waiting"]
    )


def _evaluation_row(evaluation) -> dict:
    ratings = [getattr(evaluation, name) for name in CourseEvaluation.STATEMENTS]
    return {
        "course": evaluation.enrollment.course,
        "submitted_at": evaluation.submitted_at,
        "average": f"{sum(ratings) / len(ratings):.1f}",
        "comments": evaluation.comments,
    }


def courses_taught_by(user) -> list[CoursePage]:
    """The courses whose instructor list holds the user, and those they created that list no one yet
    (courses.permissions.user_teaches, for many courses at once)."""
    return list(
        CoursePage.objects.filter(Q(instructors__user=user) | Q(owner=user, instructors=None))
        .distinct()
        .order_by("title")
    )


def dashboard_panels(request, panels) -> None:
    for position, panel in enumerate(panels):
        if type(panel) is WorkflowObjectsToModeratePanel:
            panels[position] = CourseReviewPanel()
    if courses := courses_taught_by(request.user):
        panels.append(InstructorDashboardPanel(courses, user=request.user))
