"""The grading queue in the Wagtail admin: a course's instructors score the written answers of its
quizzes, and a final assessment passed by their grade completes the course and issues its certificate.

It lives beside the certificates because only this layer may complete a course (certificates.steps).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import include, path, reverse
from django.views.decorators.http import require_GET, require_http_methods
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from lms.errors import DomainError
from quizzes import selectors as quiz_selectors
from quizzes.models import QuizAttempt
from quizzes.services import NOT_A_GRADER

from . import steps

COMMENT_MAX_CHARS = 2000


class EssayGradesForm(forms.Form):
    """A score and a comment for each written answer of one attempt."""

    def __init__(self, *args, essays: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.essays = essays
        for essay in essays:
            self.fields[f"score_{essay['key']}"] = forms.DecimalField(
                label=f"Score for question {essay['number']}",
                min_value=0,
                max_value=essay["points"],
                decimal_places=2,
                help_text=f"From 0 to {essay['points'].normalize():f} points.",
            )
            self.fields[f"comment_{essay['key']}"] = forms.CharField(
                label=f"Comment for question {essay['number']}",
                required=False,
                max_length=COMMENT_MAX_CHARS,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text="The practitioner reads it with their result.",
            )

    def rows(self):
        return [
            {**essay, "score": self[f"score_{essay['key']}"], "comment": self[f"comment_{essay['key']}"]}
            for essay in self.essays
        ]

    @property
    def grades(self) -> dict:
        return {
            essay["key"]: (self.cleaned_data[f"score_{essay['key']}"], self.cleaned_data[f"comment_{essay['key']}"])
            for essay in self.essays
        }


@require_GET
def queue(request):
    attempts = quiz_selectors.attempts_awaiting_grading(user=request.user)
    return TemplateResponse(request, "certificates/admin/grading/queue.html", {"attempts": attempts})


@require_http_methods(["GET", "POST"])
def grade(request, attempt_id):
    attempt = get_object_or_404(
        QuizAttempt.objects.select_related("quiz", "enrollment__user", "enrollment__course"), pk=attempt_id
    )
    if attempt.enrollment.user_id == request.user.pk or not quiz_selectors.may_grade(
        user=request.user, attempt=attempt
    ):
        raise PermissionDenied(NOT_A_GRADER)
    if not attempt.awaits_grading:
        messages.info(request, "That attempt has been graded already.")
        return redirect("grading_admin:queue")
    form = EssayGradesForm(request.POST or None, essays=quiz_selectors.essays_to_grade(attempt=attempt))
    if request.method == "POST" and form.is_valid():
        try:
            outcome = steps.quiz_essays_grade(attempt=attempt, user=request.user, grades=form.grades)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _graded_message(outcome))
            return redirect("grading_admin:queue")
    context = {"attempt": attempt, "form": form, "rows": form.rows()}
    return TemplateResponse(
        request, "certificates/admin/grading/grade.html", context, status=400 if form.errors else 200
    )


def _graded_message(outcome) -> str:
    attempt, completion = outcome.step, outcome.completion
    who = attempt.enrollment.user.legal_name or attempt.enrollment.user.email
    verdict = "passed" if attempt.passed else "did not pass"
    message = f"Graded: {who} {verdict} {attempt.quiz.title} with {attempt.percent.normalize():f}%."
    if completion.newly_issued:
        message += f" The course is complete and certificate {completion.certificate.printed_code} was issued."
    return message


@hooks.register("register_admin_urls")
def register_grading_admin_urls():
    urls = [
        path("", queue, name="queue"),
        path("attempts/<int:attempt_id>/", grade, name="grade"),
    ]
    return [path("grading/", include((urls, "grading_admin")))]


class GradingMenuItem(MenuItem):
    def is_shown(self, request):
        return quiz_selectors.grades_any_course(user=request.user)


@hooks.register("register_admin_menu_item")
def register_grading_menu_item():
    return GradingMenuItem("Grading", reverse("grading_admin:queue"), icon_name="edit", order=340)
