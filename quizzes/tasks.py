"""Work done after the request: telling a practitioner that their written answers have been graded."""

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from lms.models import base_url
from lms.validators import one_line

from .models import QuizAttempt


@task()
def attempt_graded_email_send(attempt_id: int) -> None:
    attempt = QuizAttempt.objects.select_related("quiz", "enrollment__user", "enrollment__course").get(pk=attempt_id)
    context = {
        "attempt": attempt,
        "practitioner": attempt.enrollment.user,
        "course": attempt.enrollment.course,
        "attempt_url": base_url() + reverse("quizzes:attempt", args=[attempt.pk]),
    }
    send_mail(
        subject=one_line(f"Your answers to “{attempt.quiz.title}” are graded"),
        message=render_to_string("quizzes/email/attempt_graded.txt", context),
        from_email=None,
        recipient_list=[attempt.enrollment.user.email],
    )
