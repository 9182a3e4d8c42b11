"""Reviewers find certificates and revoke them with a reason, in the Wagtail admin (two-factor required)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods
from wagtail.admin.forms.search import SearchForm

from lms.errors import DomainError

from . import services
from .codes import MalformedCode, canonical
from .models import Certificate
from .services import REVOKE_PERMISSION


class RevokeForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="Shown on the public verification page and in the API.",
    )


@permission_required(REVOKE_PERMISSION, raise_exception=True)
def index(request):
    search_form = SearchForm(request.GET, placeholder="Code, email or name")
    query = search_form.cleaned_data["q"].strip() if search_form.is_valid() else ""
    certificates = Certificate.objects.select_related("enrollment__user", "reissued_as").order_by("-issued_at")
    if query:
        try:
            certificates = certificates.filter(code=canonical(query))
        except MalformedCode:
            certificates = certificates.filter(
                Q(enrollment__user__email__iexact=query) | Q(snapshot__holder__name__icontains=query)
            )
    context = {"certificates": certificates[:50], "query": query, "search_form": search_form}
    # The header's search box asks for the results alone as the reviewer types.
    if request.headers.get("x-requested-with") == "XMLHttpRequest":
        return TemplateResponse(request, "certificates/admin/results.html", context)
    return TemplateResponse(request, "certificates/admin/index.html", context)


@permission_required(REVOKE_PERMISSION, raise_exception=True)
@require_http_methods(["GET", "POST"])
def revoke(request, certificate_id):
    return _with_reason(request, certificate_id, reissuing=False)


@permission_required(REVOKE_PERMISSION, raise_exception=True)
@require_http_methods(["GET", "POST"])
def reissue(request, certificate_id):
    return _with_reason(request, certificate_id, reissuing=True)


def _with_reason(request, certificate_id, *, reissuing: bool):
    """Revokes the certificate, or reissues it (which revokes a valid one as superseded), for the reason given."""
    certificate = get_object_or_404(Certificate, pk=certificate_id)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action = services.certificate_reissue if reissuing else services.certificate_revoke
        try:
            result = action(certificate=certificate, by=request.user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            form.add_error("reason", str(error))
        else:
            done = f"replaced by {result.printed_code}" if reissuing else "revoked"
            messages.success(request, f"Certificate {certificate.printed_code} is {done}.")
            return redirect("certificates_admin:index")
    context = {"certificate": certificate, "form": form, "reissuing": reissuing}
    return TemplateResponse(request, "certificates/admin/revoke.html", context)
