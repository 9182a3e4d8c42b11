"""Wagtail admin views for a quiz: GIFT import and export, and the item analysis with its CSV."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.utils.text import slugify

from lms.exports import GuardedSpreadsheetExportMixin

from . import gift, services
from .analysis import SubmittedAttempt, analyse
from .forms import GiftImportForm
from .models import QuizAttempt, QuizPage


def _editable_quiz(request, quiz_id) -> QuizPage:
    quiz = get_object_or_404(QuizPage, pk=quiz_id)
    if not quiz.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    return quiz


def gift_import(request, quiz_id):
    """Adds the questions of a GIFT text to a new draft of the quiz. Where questions are refused or lose
    some of their HTML, the instructor reads the report and confirms first: nothing is saved before."""
    quiz = _editable_quiz(request, quiz_id)
    form = GiftImportForm(request.POST or None, request.FILES or None)
    report, errors = None, []
    if request.method == "POST" and form.is_valid():
        text, confirmed = form.cleaned_data["gift"], form.cleaned_data["confirmed"]
        try:
            report = services.quiz_questions_import_report(quiz=quiz, user=request.user, text=text)
            if confirmed or not report.needs_confirmation:
                count = services.quiz_questions_import(
                    quiz=quiz, user=request.user, text=text, accept_refusals=confirmed
                )
                messages.success(
                    request,
                    f"Imported {count} question{pluralize(count)} into a new draft of “{quiz.title}”: "
                    "review it, then publish.",
                )
                return redirect("wagtailadmin_pages:edit", quiz.pk)
        except gift.GiftError as error:
            errors = error.errors
    context = {
        "quiz": quiz,
        "form": form,
        "gift_errors": errors,
        "report": report if report and report.imported else None,
        "text": form.cleaned_data.get("gift", "") if form.is_bound and form.is_valid() else "",
    }
    status = 400 if errors or form.errors else 200
    return TemplateResponse(request, "quizzes/admin/gift_import.html", context, status=status)


def gift_export(request, quiz_id):
    quiz = _editable_quiz(request, quiz_id)
    draft = quiz.get_latest_revision_as_object()
    response = HttpResponse(gift.export(draft.questions, title=draft.title), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slugify(draft.title) or "quiz"}.gift"'
    return response


def analysis(request, quiz_id):
    quiz = _editable_quiz(request, quiz_id)
    result = analyse(_submitted_attempts(quiz))
    if request.GET.get("export") == "csv":
        return _analysis_csv(quiz, result)
    return TemplateResponse(request, "quizzes/admin/analysis.html", {"quiz": quiz, "analysis": result})


def _submitted_attempts(quiz) -> list[SubmittedAttempt]:
    # An attempt whose essays wait for grading has no score to analyse yet.
    rows = QuizAttempt.objects.filter(quiz=quiz, submitted_at__isnull=False, passed__isnull=False).values_list(
        "percent", "passed", "questions", "question_scores"
    )
    return [SubmittedAttempt(*row) for row in rows]


def _two_places(share: float | None) -> Decimal | None:
    # A number, not text: spreadsheets sort it, and a negative one is not mistaken for a formula.
    return None if share is None else Decimal(f"{share:.2f}")


class _AnalysisExport(GuardedSpreadsheetExportMixin):
    """The item analysis as a spreadsheet, one row per question, through the admin's one export path."""

    list_export = ["prompt", "presented", "difficulty", "discrimination", "flags"]
    export_headings = {
        "prompt": "Question",
        "presented": "Presented",
        "difficulty": "Difficulty (share fully right)",
        "discrimination": "Discrimination",
        "flags": "Flags",
    }
    custom_field_preprocess = {
        field: dict.fromkeys(GuardedSpreadsheetExportMixin.FORMATS, _two_places)
        for field in ("difficulty", "discrimination")
    }

    def __init__(self, quiz):
        self.export_filename = f"{slugify(quiz.title)}-analysis"


def _analysis_csv(quiz, result):
    return _AnalysisExport(quiz).as_spreadsheet(result.questions, _AnalysisExport.FORMAT_CSV)
