"""Thin views for what a practitioner does outside the page tree: enroll, study, ask.
Completing a lesson and evaluating the course may finish it: certificates.views takes those."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from lms.errors import DomainError

from . import selectors, services
from .forms import HidePostForm, LessonPostForm
from .models import CoursePage, LessonPage, LessonPost


@require_POST
@login_required
def enroll(request, course_id):
    course = get_object_or_404(CoursePage.objects.live().public(), pk=course_id)
    try:
        services.enrollment_create_free(user=request.user, course=course)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect(course.url)
    messages.success(request, f"You are enrolled in {course.title}.")
    first_lesson = next(iter(selectors.course_lessons(course=course)), None)
    return redirect(first_lesson.url if first_lesson else course.url)


@require_POST
def heartbeat(request, lesson_id):
    if not request.user.is_authenticated:
        return JsonResponse({"error": "Log in to record study time."}, status=403)
    lesson = LessonPage.objects.live().public().filter(pk=lesson_id).first()
    if lesson is None:
        return JsonResponse({"error": "No such lesson."}, status=404)
    try:
        progress = services.study_heartbeat_record(
            user=request.user, lesson=lesson, resuming=request.POST.get("resume") == "1"
        )
    except services.EnrollmentError as error:
        return JsonResponse({"error": str(error)}, status=404)
    course_progress = selectors.course_progress(
        enrollment=progress.enrollment, lessons=selectors.course_lessons(course=progress.enrollment.course)
    )
    return JsonResponse(
        {
            "lesson_seconds": progress.study_seconds,
            "course_minutes": course_progress.study_minutes,
            "required_minutes": progress.enrollment.course.min_study_minutes,
        }
    )


@require_GET
@login_required
def dashboard(request):
    return render(request, "courses/dashboard.html", selectors.dashboard(user=request.user))


@require_POST
@login_required
def ask_question(request, lesson_id):
    lesson = get_object_or_404(LessonPage.objects.live().public(), pk=lesson_id)
    form = LessonPostForm(request.POST)
    try:
        services.enrollment_for_lesson(user=request.user, lesson=lesson)
    except services.EnrollmentError:
        messages.error(request, "Only practitioners enrolled in this course can ask questions here.")
        return redirect(lesson.url)
    if form.is_valid():
        try:
            services.lesson_question_ask(user=request.user, lesson=lesson, text=form.cleaned_data["text"])
        except DomainError as error:
            form.add_error("text", str(error))
    if form.errors:
        # Show the lesson again with the question as typed and what is wrong with it.
        request.question_form = form
        response = lesson.serve(request)
        response.status_code = 400 if response.status_code == 200 else response.status_code
        return response
    messages.success(request, "Your question is posted. The course's instructors will answer it here.")
    return redirect(f"{lesson.url}#questions")


@require_POST
@login_required
def answer_question(request, post_id):
    return _act_on_post(
        request,
        post_id,
        form_class=LessonPostForm,
        invalid="Write your answer before posting it.",
        action=lambda question, data: services.lesson_question_answer(
            user=request.user, question=question, text=data["text"]
        ),
        done="Your answer is posted.",
    )


@require_POST
@login_required
def hide_post(request, post_id):
    return _act_on_post(
        request,
        post_id,
        form_class=HidePostForm,
        invalid="Say, in plain words, why the post is hidden.",
        action=lambda post, data: services.lesson_post_hide(user=request.user, post=post, reason=data["reason"]),
        done="The post is hidden.",
    )


def _act_on_post(request, post_id, *, form_class, invalid, action, done):
    """Validates the form, runs the service on the post, and returns to the lesson's questions with a message."""
    post = get_object_or_404(LessonPost, pk=post_id)
    form = form_class(request.POST)
    try:
        if not form.is_valid():
            raise services.PostError(invalid)
        action(post, form.cleaned_data)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect(f"{post.lesson.url}#questions")
