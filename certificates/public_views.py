"""The regulators' contract (DESIGN.md): the verification page, and the JSON API for one code or many."""

import json
from functools import wraps

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.http import http_date
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from lms.models import base_url

from . import verification
from .codes import EXAMPLE, MalformedCode, canonical, printed
from .credential_verification import certificate_credential_standing
from .credentials import STATUS_LIST_TTL_SECONDS
from .keys import did_document
from .models import Certificate, LookupChannel, StatusList

HTTP_STATUS = {"valid": 200, "revoked": 200, "not_found": 404, "malformed": 400}


def verification_response(view):
    """Verification answers are for whoever holds the code: not indexed, not cached, no referrer onward."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "same-origin"
        return response

    return never_cache(wrapped)


def public_api(*methods: str, refusal: str = ""):
    """A JSON API view for scripts and pages on any origin: public, read-only data, and no cookie or
    session is read, so every answer allows any origin (Retry-After readable too) and there is no
    CSRF to check. A CORS preflight is answered; any other method gets 405 in JSON."""
    allowed = ", ".join([*methods, "OPTIONS"])

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "OPTIONS":
                response = HttpResponse(status=204)
                response["Access-Control-Allow-Methods"] = ", ".join(methods)
                response["Access-Control-Allow-Headers"] = "Content-Type"
                response["Access-Control-Max-Age"] = "86400"
                response["Allow"] = allowed
            elif request.method not in methods:
                response = JsonResponse({"error": refusal or f"Use {' or '.join(methods)} here."}, status=405)
                response["Allow"] = allowed
            else:
                response = view(request, *args, **kwargs)
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Expose-Headers"] = "Retry-After"
            return response

        return csrf_exempt(wrapped)

    return decorator


def limited_in_json(view):
    """A client over its lookup limits gets 429, Retry-After and the reason in JSON."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except verification.TooManyLookups as limited:
            response = JsonResponse({"error": str(limited)}, status=429)
            response["Retry-After"] = str(limited.retry_after)
            return response

    return wrapped


@verification_response
@require_safe
def verify_form(request):
    typed = request.GET.get("code", "")
    if typed:
        try:
            return redirect("certificates:verify", printed(canonical(typed)))
        except MalformedCode as error:
            return _form_again(request, typed=typed, status="malformed", reason=str(error))
    return TemplateResponse(request, "certificates/verify_form.html", {"example": printed(EXAMPLE)})


@verification_response
@require_safe
def verify_page(request, code):
    try:
        [lookup] = verification.look_up_for(request, [code], channel=LookupChannel.PAGE)
    except verification.TooManyLookups as limited:
        context = {"wait": limited.retry_after}
        response = TemplateResponse(request, "certificates/verify_limited.html", context, status=429)
        response["Retry-After"] = str(limited.retry_after)
        return response
    code, status, certificate = lookup.code, lookup.status, lookup.certificate
    if certificate is None:  # the form again, to correct the code in place
        return _form_again(request, typed=code, status=status, reason=lookup.reason)
    result = verification.certificate_json(code, status, certificate, root=base_url())
    context = {
        "code": code,
        "status": status,
        "certificate": certificate,
        "result": result,
        "provider_numbers": _provider_numbers(result),
        "credential_standing": certificate_credential_standing(certificate),
    }
    if certificate.revoked_at:
        context["replacement"] = Certificate.objects.filter(reissue_of=certificate).first()
    return TemplateResponse(request, "certificates/verify_result.html", context, status=HTTP_STATUS[status])


def _form_again(request, *, typed: str, status: str, reason: str = "") -> TemplateResponse:
    context = {"typed": typed, "status": status, "reason": reason, "example": printed(EXAMPLE)}
    return TemplateResponse(request, "certificates/verify_form.html", context, status=HTTP_STATUS[status])


def _provider_numbers(result: dict) -> list[tuple[str, str]]:
    """(board, provider number) for each board that approved the course and numbers its providers;
    certificates issued before approvals carried it show the one number they recorded."""
    numbers = {}
    for approval in result["course"]["approvals"]:
        if approval["provider_number"]:
            numbers.setdefault(approval["board"], approval["provider_number"])
    if not numbers and result["provider"]["number"]:
        return [("", result["provider"]["number"])]
    return list(numbers.items())


@verification_response
@public_api("GET", "HEAD")
@limited_in_json
def api_certificate(request, code):
    [lookup] = verification.look_up_for(request, [code], channel=LookupChannel.API)
    body = verification.certificate_json(*lookup, root=base_url())
    return JsonResponse(body, status=HTTP_STATUS[lookup.status], json_dumps_params={"ensure_ascii": False})


# Its address is also where `GET /api/v1/certificates/<code>/` would look up the code "verify".
@verification_response
@public_api("POST", refusal='POST {"codes": [...]} here, or GET /api/v1/certificates/<code>/ for one code.')
@limited_in_json
def api_bulk_verify(request):
    if request.content_type != "application/json":
        return _bad_request("Send a JSON body with Content-Type: application/json.")
    try:
        body = json.loads(request.body)
    except RequestDataTooBig:
        return _bad_request(
            f"The body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes: "
            f"send at most {verification.MAX_BULK_CODES} codes at a time."
        )
    except (UnicodeDecodeError, ValueError, RecursionError):  # JSONDecodeError is a ValueError
        return _bad_request("The body is not valid JSON.")
    codes = body.get("codes") if isinstance(body, dict) else None
    if not isinstance(codes, list):
        return _bad_request('The body must be an object with "codes": a list of codes.')
    if not 1 <= len(codes) <= verification.MAX_BULK_CODES:
        return _bad_request(f"Send between 1 and {verification.MAX_BULK_CODES} codes at a time.")
    results = verification.look_up_for(request, codes, channel=LookupChannel.BULK)
    root = base_url()
    return JsonResponse(
        {"results": [verification.certificate_json(*result, root=root) for result in results]},
        json_dumps_params={"ensure_ascii": False},
    )


def _bad_request(reason: str) -> JsonResponse:
    return JsonResponse({"error": reason}, status=400)


@verification_response
@limited_in_json
@require_safe
def credential_json(request, code):
    """The signed credential, byte for byte as signed; looked up like a code, so limited like one."""
    [(code, status, certificate, *_)] = verification.look_up_for(request, [code], channel=LookupChannel.CREDENTIAL)
    if certificate is None:
        return JsonResponse({"code": code, "status": status}, status=HTTP_STATUS[status])
    if not certificate.credential:
        return JsonResponse(
            {"code": code, "status": status, "error": "The signed credential for this certificate is not ready yet."},
            status=404,
        )
    response = HttpResponse(certificate.credential.encode(), content_type="application/vc")
    response["Content-Disposition"] = f'inline; filename="certificate-{code}.json"'
    response["Access-Control-Allow-Origin"] = "*"  # wallets and verifiers fetch it from other origins
    return response


@require_safe
def status_list(request, number):
    """A signed revocation list; cacheable by anyone, and who fetches it is not recorded."""
    published = StatusList.objects.filter(pk=number).exclude(credential="").first()
    if published is None:
        return JsonResponse({"error": "There is no status list with this number."}, status=404)
    response = HttpResponse(published.credential.encode(), content_type="application/vc")
    response["Cache-Control"] = f"public, max-age={STATUS_LIST_TTL_SECONDS}"
    response["Last-Modified"] = http_date(published.signed_at.timestamp())
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def did_json(request):
    """The issuer's did:web document, with every public key ever used to sign."""
    response = JsonResponse(did_document(), content_type="application/did+json")
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"  # wallets and verifiers fetch it from other origins
    return response
