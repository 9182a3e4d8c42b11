"""Reading certificate codes for regulators: statuses, the contract's JSON, limits and the lookup log."""

import hashlib
import hmac

from allauth.account.adapter import get_adapter
from django.conf import settings

from .codes import MalformedCode, canonical
from .models import Certificate, CertificateLookup
from .ratelimit import Limit

MAX_BULK_CODES = 100
# Generous for a board auditing a roster; tight on misses, which is what guessing codes produces.
LOOKUPS = Limit("certificate-lookups", allowed=1000, period_seconds=3600)
MISSES = Limit("certificate-misses", allowed=30, period_seconds=600)


def client_hash(request) -> str:
    """A keyed hash of the client's address: enough to count and to spot abuse, not to identify anyone."""
    address = get_adapter(request).get_client_ip(request)
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


def retry_after(client: str, codes: int) -> int | None:
    """Seconds the client must wait before looking up `codes` more codes, or None."""
    waits = [LOOKUPS.retry_after(client, cost=codes), MISSES.retry_after(client, cost=1)]
    waits = [wait for wait in waits if wait is not None]
    return max(waits) if waits else None


def look_up(texts: list, *, client: str, channel: str) -> list[tuple[str, str, Certificate | None]]:
    """(code, status, certificate) for each text, in order: one query for all of them, one for the log."""
    readings = []
    for text in texts:
        try:
            readings.append(canonical(text))
        except MalformedCode:
            readings.append(None)
    found = Certificate.objects.select_related("reissue_of").in_bulk(
        [code for code in readings if code], field_name="code"
    )
    results = []
    for text, code in zip(texts, readings, strict=True):
        if code is None:
            results.append((str(text)[:64], "malformed", None))
        elif code not in found:
            results.append((code, "not_found", None))
        else:
            results.append((code, found[code].status, found[code]))
    CertificateLookup.objects.bulk_create(
        CertificateLookup(certificate=cert, code=code, status=status, channel=channel, address_hash=client)
        for code, status, cert in results
    )
    LOOKUPS.spend(client, len(results))
    MISSES.spend(client, sum(1 for _, status, _ in results if status in ("not_found", "malformed")))
    return results


def masked(number: str) -> str:
    """A licence number as a verification page shows it: all but the last three characters hidden."""
    return "•" * max(len(number) - 3, 0) + number[-3:]


def certificate_json(code: str, status: str, certificate: Certificate | None, *, credential_url: str | None) -> dict:
    """One result as DESIGN's contract gives it; not_found and malformed carry only the code and status."""
    if certificate is None:
        return {"code": code, "status": status}
    snapshot = certificate.snapshot
    course = snapshot["course"]
    return {
        "code": certificate.printed_code,
        "status": status,
        "holder": {
            "name": snapshot["holder"]["name"],
            "licences": [
                {"board": licence["board_name"], "number": masked(licence["number"])}
                for licence in snapshot["holder"]["licences"]
            ],
        },
        "course": {
            "title": course["title"],
            "ce_hours": course["ce_hours"],
            "categories": course["categories"],
            "delivery": course["delivery"],
            "approvals": [
                {"board": a["board_name"], "number": a["number"], "title": a["title"], "hours": a["hours"]}
                for a in course["approvals"]
            ],
        },
        "certificate_kind": certificate.kind,
        "provider": {"name": snapshot["provider"]["name"], "number": snapshot["provider"]["number"]},
        "completed_on": certificate.completed_on.isoformat(),
        "issued_at": certificate.issued_at.isoformat(),
        "revoked_at": certificate.revoked_at.isoformat() if certificate.revoked_at else None,
        "revocation_reason": certificate.revocation_reason or None,
        "credential_url": credential_url,
    }
