"""Reading certificate codes for regulators: statuses, the contract's JSON, limits and the lookup log."""

import ipaddress
import json
from typing import NamedTuple

from allauth.account.adapter import get_adapter
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils.crypto import salted_hmac

from lms import databases, ratelimit
from lms.ratelimit import Limit

from . import lookup_log
from .codes import MalformedCode, canonical, printed
from .credentials import credential_url
from .models import Certificate, CertificateLookup, LookupChannel

MAX_BULK_CODES = 100
# Generous for a board auditing rosters; tight on misses (well-formed codes never issued), which is
# what guessing produces. A typo is not a miss: the check symbol already tells it apart, publicly.
# The miss count is checked before a request and added after, so one bulk request can overshoot
# it by at most MAX_BULK_CODES; with 2^60 possible codes, that is still no way to find one.
LOOKUPS = Limit("certificate-lookups", allowed=5000, period_seconds=3600)
MISSES = Limit("certificate-misses", allowed=30, period_seconds=600)


def client_hash(request) -> str:
    """A keyed hash of the client's address (its /64 for IPv6, which one client holds whole): enough
    to count and to spot abuse, not to identify anyone."""
    address = get_adapter(request).get_client_ip(request)
    parsed = ipaddress.ip_address(address)
    if parsed.version == 6:
        address = str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address)
    return salted_hmac("certificates.lookup-address", address, algorithm="sha256").hexdigest()


class Lookup(NamedTuple):
    """One code's answer: `code` printed when it could be read (else the text as given), and for a
    malformed one the `reason` and the `submitted` text echoed."""

    code: str
    status: str
    certificate: Certificate | None
    reason: str = ""
    submitted: str = ""


class TooManyLookups(Exception):
    def __init__(self, retry_after: int):
        super().__init__(f"Too many lookups from your address: try again in {retry_after} seconds.")
        self.retry_after = retry_after


def look_up_for(request, texts: list, *, channel: str) -> list[Lookup]:
    """`look_up` for the client making the request, or TooManyLookups if its limits are spent."""
    client = client_hash(request)
    wait = retry_after(client, codes=len(texts))
    if wait:
        raise TooManyLookups(wait)
    return look_up(texts, client=client, channel=channel)


def retry_after(client: str, codes: int) -> int | None:
    """Seconds the client must wait before looking up `codes` more codes, or None."""
    return ratelimit.retry_after(client, {LOOKUPS: codes, MISSES: 1})


def look_up(texts: list, *, client: str, channel: str) -> list[Lookup]:
    """A Lookup for each text, in order: one query for all of them, and their log (see lookup_log)."""
    readings = []
    for text in texts:
        try:
            readings.append(canonical(text))
        except MalformedCode as error:
            readings.append(error)
    found = _certificates_for(channel).in_bulk([code for code in readings if isinstance(code, str)], field_name="code")
    results = []
    for text, code in zip(texts, readings, strict=True):
        if isinstance(code, MalformedCode):
            reason = str(code) if isinstance(text, str) else "A certificate code is sent as a JSON string."
            submitted = _safe(text if isinstance(text, str) else json.dumps(text, ensure_ascii=False))
            results.append(Lookup(_as_given(text), "malformed", None, reason, submitted))
        elif code not in found:
            results.append(Lookup(printed(code), "not_found", None))
        else:
            results.append(Lookup(printed(code), found[code].status, found[code]))
    lookup_log.record(
        [
            CertificateLookup(
                certificate=result.certificate,
                code=result.code,
                status=result.status,
                channel=channel,
                address_hash=client,
            )
            for result in results
        ]
    )
    LOOKUPS.spend(client, len(results))
    MISSES.spend(client, sum(1 for result in results if result.status == "not_found"))
    return results


def _certificates_for(channel: str):
    """Read from the replica when there is one. The API answers name the signed credential's address
    and do not serve it: there its text, most of the row (about 40 KB for the demo's), is left unread,
    and `is_signed` says whether there is one."""
    certificates = Certificate.objects.using(databases.verification_reads()).annotate(
        is_signed=ExpressionWrapper(~Q(credential=""), output_field=BooleanField())
    )
    if channel in (LookupChannel.API, LookupChannel.BULK):
        certificates = certificates.defer("credential")
    return certificates


def _as_given(text) -> str:
    """Malformed input, shortened and made safe to store and echo: printable characters only."""
    return _safe(text if isinstance(text, str) else repr(text))


def _safe(given: str) -> str:
    return "".join(
        char if char.isprintable() and not 0xD800 <= ord(char) <= 0xDFFF else "\ufffd" for char in given[:64]
    )


def masked(number: str) -> str:
    """A licence number as a verification page shows it: all but the last three characters hidden
    (a number of four or fewer is hidden whole)."""
    return "•" * len(number) if len(number) <= 4 else "•" * (len(number) - 3) + number[-3:]


def certificate_json(
    code: str, status: str, certificate: Certificate | None, reason: str = "", submitted: str = "", *, root: str
) -> dict:
    """One result as DESIGN's contract gives it; not_found carries only the code and status, and
    malformed those and (added since) why it cannot be a code and the text submitted, shortened to
    64 characters. The code is given as printed (`7K3M-9QXR-T2HW-R`) whenever it could be read;
    `root` is the site's address, for the credential's URL."""
    if status == "malformed":
        return {"code": code, "status": status, "reason": reason, "submitted": submitted}
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
                {
                    "board": a["board_name"],
                    "number": a["number"],
                    "title": a["title"],
                    "hours": a["hours"],
                    "provider_number": a.get("provider_number", ""),  # added since: each board's own
                }
                for a in course["approvals"]
            ],
        },
        "certificate_kind": certificate.kind,
        "provider": {"name": snapshot["provider"]["name"], "number": snapshot["provider"]["number"]},
        "completed_on": certificate.completed_on.isoformat(),
        "issued_at": certificate.issued_at.isoformat(),
        "revoked_at": certificate.revoked_at.isoformat() if certificate.revoked_at else None,
        "revocation_reason": certificate.revocation_reason or None,
        "credential_url": credential_url(certificate, root=root) if certificate.is_signed else None,
    }
