"""The steps that may finish a course, as the practitioner takes them; their certificates."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from courses.forms import CourseEvaluationForm
from courses.models import CoursePage, Enrollment, LessonPage
from courses.selectors import course_lessons, lesson_after
from lms.errors import DomainError
from quizzes.forms import answers_from_post
from quizzes.grading import InvalidAnswer
from quizzes.views import attempt_response, own_attempt

from . import selectors, services, steps
from .models import Certificate
from .pdf import stored_pdf


def _announce(request, outcome: services.CompletionOutcome) -> None:
    """Tells the practitioner about a new certificate, or about a completion held back (a lapsed approval)."""
    if outcome.newly_issued:
        certificate = outcome.certificate
        messages.success(
            request,
            format_html(
                'You have completed “{}”. Your certificate is ready: <a href="{}#certificate-{}">{}</a>.',
                certificate.enrollment.course.title,
                reverse("certificates:mine"),
                certificate.printed_code,
                certificate.printed_code,
            ),
        )
    elif outcome.held_back:
        messages.warning(request, outcome.held_back)


@require_POST
@login_required
def complete_lesson(request, lesson_id):
    lesson = get_object_or_404(LessonPage.objects.live().public(), pk=lesson_id)
    try:
        outcome = steps.lesson_complete(user=request.user, lesson=lesson)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect(lesson.url)
    course = outcome.step.enrollment.course
    following = lesson_after(lesson=lesson, lessons=course_lessons(course=course))
    messages.success(request, f"“{lesson.title}” is complete.")
    _announce(request, outcome.completion)
    return redirect(following.url if following else course.url)


@login_required
def evaluate(request, course_id):
    course = get_object_or_404(CoursePage.objects.live().public(), pk=course_id)
    form = CourseEvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = steps.course_evaluation_submit(user=request.user, course=course, answers=form.cleaned_data)
        except DomainError as error:
            messages.error(request, str(error))
            return redirect(course.url)
        messages.success(request, "Thank you for evaluating the course.")
        _announce(request, outcome.completion)
        return redirect(course.url)
    return render(request, "courses/evaluation.html", {"course": course, "form": form})


@require_POST
@login_required
@never_cache
def submit_attempt(request, attempt_id):
    # Past the time limit, the answers saved by then are graded, whatever this request carries.
    outcome = steps.quiz_attempt_close_if_expired(attempt=own_attempt(request, attempt_id))
    attempt = outcome.step
    if attempt.is_open:
        try:
            answers = answers_from_post(request.POST, attempt.questions)
            outcome = steps.quiz_attempt_submit(attempt=attempt, answers=answers)
        except InvalidAnswer as error:
            return attempt_response(request, attempt, error=str(error), status=400)
    _announce(request, outcome.completion)
    return redirect("quizzes:attempt", attempt.pk)


@require_POST
@login_required
def claim(request, course_id):
    """Issues the certificate of a course whose completion was held back, once nothing stands in the way."""
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    enrollment = get_object_or_404(Enrollment, user=request.user, course=course)
    outcome = services.completion_record(enrollment=enrollment)
    _announce(request, outcome)
    if outcome.blockers:
        messages.info(request, "To complete the course: " + " ".join(outcome.blockers))
        return redirect(course.url)
    return redirect("certificates:mine")


@require_GET
@login_required
def mine(request):
    certificates = selectors.certificates_of(user=request.user)
    return TemplateResponse(request, "certificates/my_certificates.html", {"certificates": certificates})


@require_GET
@login_required
def pdf(request, code):
    """The holder's own certificate as a PDF (rendered again from the snapshot if the file was lost)."""
    certificate = get_object_or_404(Certificate, code=code, enrollment__user=request.user)
    response = HttpResponse(stored_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.printed_code}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
