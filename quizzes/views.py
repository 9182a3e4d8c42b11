"""Thin views for taking a quiz: start an attempt, save answers as you go, read the result.
Submitting is certificates.views.submit_attempt: a passed final may finish the course."""

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from lms.errors import DomainError

from . import selectors, services
from .forms import answers_from_post
from .grading import InvalidAnswer
from .models import QuizPage


@require_POST
@login_required
def start(request, quiz_id):
    quiz = get_object_or_404(QuizPage.objects.live().public(), pk=quiz_id)
    try:
        attempt = services.attempt_start(quiz=quiz, user=request.user)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect(quiz.url)
    return redirect("quizzes:attempt", attempt.pk)


@require_GET
@login_required
@never_cache
def attempt(request, attempt_id):
    attempt = services.attempt_close_if_expired(attempt=own_attempt(request, attempt_id))
    return attempt_response(request, attempt)


@require_POST
@never_cache
def save(request, attempt_id):
    wants_json = request.accepts("application/json") and not request.accepts("text/html")
    if not request.user.is_authenticated:
        if wants_json:  # the page's autosave: a login page in reply would read as a network failure
            return JsonResponse(
                {"error": "You are no longer logged in: log in again to save your answers."}, status=401
            )
        return redirect_to_login(request.get_full_path())
    attempt = own_attempt(request, attempt_id)
    try:
        if not services.attempt_close_if_expired(attempt=attempt).is_open:
            raise services.AttemptError(services.TIME_IS_UP)
        services.attempt_save(attempt=attempt, answers=answers_from_post(request.POST, attempt.questions))
    except InvalidAnswer as error:
        if wants_json:
            return JsonResponse({"error": str(error)}, status=400)
        return attempt_response(request, attempt, error=str(error), status=400)
    except services.AttemptError as error:
        if wants_json:
            return JsonResponse({"error": str(error)}, status=409)
        messages.error(request, str(error))
        return redirect("quizzes:attempt", attempt.pk)
    if wants_json:
        return JsonResponse({"saved_at": attempt.answers_saved_at.isoformat()})
    messages.success(request, "Your answers are saved.")
    return redirect("quizzes:attempt", attempt.pk)


@require_GET
@login_required
def question_image(request, attempt_id, question_key):
    """A question's image without its file name, which could name the answer; for the attempt's owner only."""
    rendition = selectors.question_image(attempt=own_attempt(request, attempt_id), question_key=question_key)
    if rendition is None:
        raise Http404("No such image.")
    with rendition.file.open("rb") as image:
        response = HttpResponse(image.read(), content_type=mimetypes.guess_type(rendition.file.name)[0])
    response["Cache-Control"] = "private, max-age=3600"
    return response


def own_attempt(request, attempt_id):
    """The signed-in practitioner's attempt; 404 for anyone else's."""
    attempt = selectors.attempt_for(user=request.user, pk=attempt_id)
    if attempt is None:
        raise Http404("No such attempt.")
    return attempt


def attempt_response(request, attempt, *, error=None, status=200):
    context = selectors.attempt_detail(attempt=attempt)
    context.update(error=error, save_url=reverse("quizzes:save", args=[attempt.pk]))
    template = "quizzes/attempt.html" if attempt.is_open else "quizzes/result.html"
    return TemplateResponse(request, template, context, status=status)
