"""Regulators' audit pages and the audit API (credits.audits does the work).

The pages are for signed-in regulators only; anyone else gets the site's 404, as for any address that
shows them nothing. A lookup is a POST: it writes a record the practitioner sees, so a reload, a prefetch
or a shared link must not make another. The API authenticates by bearer token alone, never by a session
cookie, which is why it alone is exempt from CSRF checks.
"""

from functools import wraps

from allauth.account.adapter import get_adapter
from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from lms.ratelimit import Limit

from . import audits
from .models import LookupChannel

# Generous for a board's audit script working through a sample of renewals, and a stop to one
# harvesting a whole board's record.
API_LOOKUPS = Limit("audit-api-lookups", allowed=1000, period_seconds=3600)


class LookupForm(forms.Form):
    number = forms.CharField(label="License number", max_length=audits.MAX_NUMBER_LENGTH)


def client_address(request) -> str:
    """REMOTE_ADDR, or the address our trusted proxies forwarded where ALLAUTH_TRUSTED_PROXY_COUNT says
    there are some: the one reading of the client's address the site's other limits and logs use."""
    return get_adapter(request).get_client_ip(request)


def regulators_only(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        regulator = audits.regulator_for(request.user)
        if regulator is None:
            raise Http404("No such page.")
        return view(request, regulator, *args, **kwargs)

    return login_required(wrapped)


@require_http_methods(["GET", "HEAD"])
@regulators_only
def audit_form(request, regulator):
    return TemplateResponse(request, "credits/audit/form.html", {"form": LookupForm(), "regulator": regulator})


@require_http_methods(["GET", "HEAD", "POST"])
@regulators_only
def audit_record(request, regulator):
    if request.method != "POST":
        return redirect("credits:audit")
    form = LookupForm(request.POST)
    if form.is_valid():
        try:
            record = audits.licence_record_lookup(
                regulator=regulator,
                licence_number=form.cleaned_data["number"],
                channel=LookupChannel.PAGE,
                address=client_address(request),
            )
        except audits.InvalidLicenceNumber as error:
            form.add_error("number", str(error))
        else:
            context = {"record": record, "regulator": regulator, "form": LookupForm()}
            return TemplateResponse(
                request, "credits/audit/record.html", context, status=200 if record.holders else 404
            )
    context = {"form": form, "regulator": regulator}
    return TemplateResponse(request, "credits/audit/form.html", context, status=400)


def _json(body: dict, status: int) -> JsonResponse:
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    patch_cache_control(response, private=True, no_store=True)
    return response


def _unauthorized(presented: bool) -> JsonResponse:
    response = _json(
        {"error": "Send a valid audit token: Authorization: Bearer <token>. A superuser issues and revokes them."},
        status=401,
    )
    # RFC 6750: a token that was sent but did not work says so; a missing one does not.
    response["WWW-Authenticate"] = 'Bearer realm="audit"' + (', error="invalid_token"' if presented else "")
    return response


@csrf_exempt
def api_licence_record(request, number):
    if request.method not in ("GET", "HEAD"):
        response = _json({"error": "Use GET here."}, status=405)
        response["Allow"] = "GET, HEAD"
        return response
    header = request.headers.get("Authorization")
    regulator = audits.regulator_from_bearer(header)
    if regulator is None:
        return _unauthorized(presented=bool(header))
    client = f"token-{regulator.token.pk}"
    wait = API_LOOKUPS.retry_after(client)
    if wait:
        response = _json({"error": f"Too many lookups with this token: try again in {wait} seconds."}, status=429)
        response["Retry-After"] = str(wait)
        return response
    try:
        record = audits.licence_record_lookup(
            regulator=regulator, licence_number=number, channel=LookupChannel.API, address=client_address(request)
        )
    except audits.InvalidLicenceNumber as error:
        return _json({"error": str(error)}, status=400)
    API_LOOKUPS.spend(client)
    body = audits.record_json(record, absolute=request.build_absolute_uri)
    return _json(body, status=200 if record.holders else 404)
