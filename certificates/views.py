"""The practitioner's certificates, and telling them when a course is complete."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_POST

from courses.models import CoursePage, Enrollment

from . import selectors, services
from .models import Certificate
from .pdf import stored_pdf


def announce_completion(request, enrollment) -> services.CompletionOutcome:
    """Runs the completion rule after a step that may finish the course, and tells the practitioner
    about a new certificate or about a completion held back (a lapsed approval)."""
    outcome = services.completion_record(enrollment=enrollment)
    if outcome.newly_issued:
        messages.success(
            request,
            f"You have completed “{enrollment.course.title}”. "
            f"Your certificate is ready: {outcome.certificate.printed_code}.",
        )
    elif outcome.held_back:
        messages.warning(request, outcome.held_back)
    return outcome


@require_POST
@login_required
def claim(request, course_id):
    """Issues the certificate of a course whose completion was held back, once nothing stands in the way."""
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    enrollment = get_object_or_404(Enrollment, user=request.user, course=course)
    outcome = announce_completion(request, enrollment)
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
