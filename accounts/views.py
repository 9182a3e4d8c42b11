"""The practitioner's profile: legal name, time zone and licences, the onboarding that asks for the first
two after sign-up, and sending the confirmation email again. Each view only reads its own user's records."""

from allauth.account.internal.flows.email_verification import send_verification_email_to_address
from allauth.account.models import EmailAddress
from allauth.account.utils import get_next_redirect_url
from allauth.core.internal.ratelimit import handler429
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from . import selectors, services
from .forms import LegalNameForm, LicenceForm, OnboardingForm, TimeZoneForm
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
            "time_zone_form": TimeZoneForm(user=user),
        },
    )


@login_required
@require_POST
def time_zone_update(request):
    form = TimeZoneForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["time_zone"]))
        return redirect(reverse("accounts:profile") + "#time-zone-heading")
    services.user_time_zone_update(user=request.user, time_zone=form.cleaned_data["time_zone"])
    messages.success(request, "Your time zone is saved: dates and times are now shown in it.")
    return redirect("accounts:profile")


# The license fields of the onboarding form, posted with this prefix; all left blank means "not now".
ONBOARDING_LICENCE_PREFIX = "licence"


@login_required
@require_http_methods(["GET", "POST"])
def onboarding(request):
    """After sign-up: the legal name certificates print and the first license CE hours count toward, each
    optional, with the time zone the browser reported; "Skip for now" leads on. What is typed is saved
    whole or not at all."""
    user = request.user
    next_url = get_next_redirect_url(request) or reverse("courses:dashboard")
    asks_licence = not selectors.licences_for_user(user=user).exists()
    if user.legal_name and not asks_licence:
        return redirect(next_url)
    data = request.POST if request.method == "POST" else None
    name_form = OnboardingForm(data, user=user)
    licence_form = LicenceForm(data, instance=Licence(user=user), prefix=ONBOARDING_LICENCE_PREFIX)
    if request.method == "POST":
        licence_given = asks_licence and _licence_typed(request.POST)
        if name_form.is_valid() and (not licence_given or licence_form.is_valid()):
            with transaction.atomic():
                if name_form.cleaned_data["legal_name"]:
                    services.user_legal_name_update(user=user, legal_name=name_form.cleaned_data["legal_name"])
                services.user_time_zone_update(user=user, time_zone=name_form.cleaned_data["time_zone"])
                if licence_given:
                    services.licence_create(user=user, **licence_form.cleaned_data)
            messages.success(request, "Your profile is saved. You can change it at any time on your profile page.")
            return redirect(next_url)
        if not licence_given:
            licence_form = LicenceForm(instance=Licence(user=user), prefix=ONBOARDING_LICENCE_PREFIX)
    return render(
        request,
        "accounts/onboarding.html",
        {
            "name_form": name_form,
            "licence_form": licence_form if asks_licence else None,
            "next_url": next_url,
            "email_verified": selectors.email_is_verified(user=user),
        },
    )


def _licence_typed(data) -> bool:
    fields = ["board", "number", "expires_on", "first_licensed_on"]
    return any(data.get(f"{ONBOARDING_LICENCE_PREFIX}-{field}", "").strip() for field in fields)


@login_required
@require_POST
def email_confirmation_resend(request):
    """Sends the confirmation link again, as allauth's email page does, under the same rate limit (one
    email per address every three minutes), and leads back to the page that asked."""
    next_url = get_next_redirect_url(request) or reverse("accounts:profile")
    address = EmailAddress.objects.filter(user=request.user, email__iexact=request.user.email).first()
    if address is None:
        address = EmailAddress.objects.create(user=request.user, email=request.user.email, primary=True)
    if address.verified:
        messages.info(request, "Your email address is already confirmed.")
    elif not send_verification_email_to_address(request, address):
        messages.warning(
            request,
            f"A confirmation email went to {address.email} in the last few minutes: look for it in your inbox "
            "and spam folder, or try again in three minutes.",
        )
    return redirect(next_url)


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
