"""The practitioner's profile: legal name and licences. Each view only reads its own user's records."""

from allauth.core.internal.ratelimit import handler429
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from . import selectors, services
from .forms import LegalNameForm, LicenceForm
from .models import Licence
from .ratelimits import retry_after_seconds


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    user = request.user
    form = LegalNameForm(request.POST or None, initial={"legal_name": user.legal_name})
    if request.method == "POST" and form.is_valid():
        services.user_legal_name_update(user=user, legal_name=form.cleaned_data["legal_name"])
        messages.success(request, "Your legal name is saved. Certificates issued from now on print it.")
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "licences": selectors.licences_for_user(user=user),
            "email_verified": selectors.email_is_verified(user=user),
            "has_mfa": selectors.user_has_mfa(user=user),
            "must_use_mfa": selectors.user_must_use_mfa(user=user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def licence_add(request):
    form = LicenceForm(request.POST or None, instance=Licence(user=request.user))
    if request.method == "POST" and form.is_valid():
        licence = services.licence_create(user=request.user, **form.cleaned_data)
        messages.success(request, f"Your {licence.board} license {licence.number} is saved.")
        return redirect("accounts:profile")
    return render(request, "accounts/licence_form.html", {"form": form, "licence": None})


@login_required
@require_http_methods(["GET", "POST"])
def licence_edit(request, licence_id):
    licence = _own_licence(request, licence_id)
    form = LicenceForm(request.POST or None, instance=licence)
    if request.method == "POST" and form.is_valid():
        licence = services.licence_update(licence=licence, **form.cleaned_data)
        messages.success(request, f"Your {licence.board} license {licence.number} is saved.")
        return redirect("accounts:profile")
    return render(request, "accounts/licence_form.html", {"form": form, "licence": licence})


@login_required
@require_http_methods(["GET", "POST"])
def licence_delete(request, licence_id):
    licence = _own_licence(request, licence_id)
    if request.method == "POST":
        services.licence_delete(licence=licence)
        messages.success(request, f"Your {licence.board} license {licence.number} is removed from your profile.")
        return redirect("accounts:profile")
    return render(request, "accounts/licence_confirm_delete.html", {"licence": licence})


def _own_licence(request, licence_id):
    """The signed-in user's licence, or 404: another practitioner's looks the same as none at all."""
    licence = selectors.licence_for_user(user=request.user, licence_id=licence_id)
    if licence is None:
        raise Http404("No such license.")
    return licence


def too_many_requests(request):
    """allauth's answer to a client over one of its rate limits (allauth looks for `handler429` in the root
    URLconf), with the Retry-After header that allauth leaves out."""
    response = handler429(request)
    response["Retry-After"] = str(retry_after_seconds(request))
    return response
