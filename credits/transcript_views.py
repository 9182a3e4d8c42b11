"""Transcripts for their holder: a license's cycle, current or past, and the full record, as a page to
print, a CSV file and a PDF. Another practitioner's license is a 404, as is a date that ends none of the
license's printable cycles (`?cycle=` takes only the dates the page links to)."""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET
from wagtail.log_actions import log

from accounts.models import Licence

from . import transcripts


@require_GET
@login_required
def transcript(request, licence_id):
    found = _licence_transcript(request, licence_id)
    return TemplateResponse(request, "credits/transcripts/transcript.html", {"transcript": found})


@require_GET
@login_required
def transcript_csv(request, licence_id):
    found = _licence_transcript(request, licence_id)
    return _attachment(
        transcripts.licence_transcript_csv(found), "text/csv; charset=utf-8", transcripts.licence_filename(found, "csv")
    )


@require_GET
@login_required
def transcript_pdf(request, licence_id):
    found = _licence_transcript(request, licence_id)
    return _attachment(
        transcripts.licence_transcript_pdf(found), "application/pdf", transcripts.licence_filename(found, "pdf")
    )


@require_GET
@login_required
def transcript_full(request):
    found = transcripts.full_transcript(user=request.user)
    return TemplateResponse(request, "credits/transcripts/full.html", {"transcript": found})


@require_GET
@login_required
def transcript_full_csv(request):
    found = transcripts.full_transcript(user=request.user)
    return _attachment(
        transcripts.full_transcript_csv(found), "text/csv; charset=utf-8", transcripts.full_filename(found, "csv")
    )


@require_GET
@login_required
def transcript_full_pdf(request):
    found = transcripts.full_transcript(user=request.user)
    return _attachment(
        transcripts.full_transcript_pdf(found), "application/pdf", transcripts.full_filename(found, "pdf")
    )


def _licence_transcript(request, licence_id, *, holder=None) -> transcripts.LicenceTranscript:
    """The license's transcript for the cycle `?cycle=` names; `holder` is whose license it must be (the
    signed-in user's own, unless a reviewer reprints someone's)."""
    ends_on = None
    if "cycle" in request.GET:
        try:
            ends_on = datetime.date.fromisoformat(request.GET["cycle"])
        except ValueError:
            raise Http404("A cycle is named by the date it ends, as YYYY-MM-DD.") from None
    try:
        found = transcripts.licence_transcript(user=holder or request.user, licence_id=licence_id, ends_on=ends_on)
    except transcripts.UnknownCycle:
        raise Http404("No cycle of this license ends on that date.") from None
    if found is None:
        raise Http404("No such license among yours.")
    return found


# Reviewers reprint a practitioner's transcript for an audit or on request: providers must be able to for
# six years. Registered in the Wagtail admin by credits.admin_transcripts.

REPRINT_PERMISSION = "credits.view_creditentry"


@require_GET
@permission_required(REPRINT_PERMISSION, raise_exception=True)
def reprint_licence_pdf(request, licence_id):
    licence = get_object_or_404(Licence.objects.select_related("user", "board"), pk=licence_id)
    found = _licence_transcript(request, licence_id, holder=licence.user)
    log(
        instance=licence,
        action="credits.transcript_reprint",
        user=request.user,
        data={"licence": licence.number, "cycle_ends_on": found.cycle.ends_on.isoformat() if found.cycle else None},
    )
    return _attachment(
        transcripts.licence_transcript_pdf(found), "application/pdf", transcripts.licence_filename(found, "pdf")
    )


@require_GET
@permission_required(REPRINT_PERMISSION, raise_exception=True)
def reprint_full_pdf(request, user_id):
    holder = get_object_or_404(get_user_model(), pk=user_id)
    found = transcripts.full_transcript(user=holder)
    log(instance=holder, action="credits.transcript_reprint", user=request.user, data={"licence": None})
    return _attachment(
        transcripts.full_transcript_pdf(found), "application/pdf", transcripts.full_filename(found, "pdf")
    )


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    # The signed-in answer is sent `private, no-store` by lms.middleware.PrivateCacheControlMiddleware.
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
