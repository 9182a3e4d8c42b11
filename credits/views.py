"""The practitioner's CE record: every entry with its status, and credits reported from elsewhere."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_http_methods

from lms.errors import DomainError

from . import reported_selectors as selectors
from . import services
from .forms import CorrectionForm, ReportedCreditForm
from .proofs import EXTENSIONS
from .transcripts import printed_code


@require_GET
@login_required
def record(request):
    entries = selectors.record_entries(user=request.user)
    return TemplateResponse(request, "credits/record/record.html", {"entries": entries})


@require_http_methods(["GET", "POST"])
@login_required
def report(request):
    form = ReportedCreditForm(*_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = services.reported_credit_create(user=request.user, data=data, proof=data["proof"])
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, f"“{entry.title}” is in your CE record, self-reported until a reviewer checks it."
            )
            return redirect("credits:entry", entry.pk)
    return TemplateResponse(request, "credits/record/report.html", {"form": form})


@require_GET
@login_required
def entry(request, entry_id):
    found = _own_entry(request, entry_id)
    # The record stores the code without dashes; the practitioner compares it with the certificate's print.
    code = printed_code(found.certificate_code) if found.certificate_code else ""
    return TemplateResponse(request, "credits/record/entry.html", {"entry": found, "certificate_code": code})


@require_http_methods(["GET", "POST"])
@login_required
def correct(request, entry_id):
    found = _own_entry(request, entry_id)
    form = CorrectionForm(*_posted(request), entry=found)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            new = services.reported_credit_correct(entry=found, by=request.user, data=data, proof=data["proof"])
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Your correction is recorded; the earlier version stays in your record.")
            return redirect("credits:entry", new.pk)
    context = {"entry": found, "form": form}
    return TemplateResponse(request, "credits/record/correct.html", context)


@require_GET
@login_required
def proof(request, entry_id):
    """The proof file, to its owner and to reviewers; anyone else gets the same 404 as for no such entry."""
    found = selectors.entry_with_proof(user=request.user, entry_id=entry_id)
    if found is None:
        raise Http404("No such proof.")
    try:
        file = found.proof.open("rb")
    except FileNotFoundError as error:
        raise Http404("The proof file is missing.") from error
    content_type = found.proof_content_type
    extension = EXTENSIONS.get(content_type)
    if extension is None:
        raise Http404("The proof file is missing.")
    # Images were redrawn when uploaded and can be looked at here; a PDF is handed to the reader's own viewer.
    response = FileResponse(
        file,
        content_type=content_type,
        as_attachment=extension == "pdf",
        filename=f"proof-{found.pk}.{extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _own_entry(request, entry_id):
    found = selectors.own_entry(user=request.user, entry_id=entry_id)
    if found is None:
        raise Http404("No such entry in your CE record.")
    return found


def _posted(request):
    """A form's data and files: a POST is read as sent even when it carries nothing, so it shows what is missing."""
    return (request.POST, request.FILES) if request.method == "POST" else (None, None)
