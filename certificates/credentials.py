"""The signed credentials: each certificate as an Open Badges 3.0 OpenBadgeCredential, and the
revocations as signed Bitstring Status List credentials; both signed with eddsa-rdfc-2022 and
stored as the exact text that was signed, which is what is served."""

import base64
import gzip
import hashlib
import json
import logging
import secrets
import unicodedata
from datetime import UTC, datetime
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.urls import reverse
from django.utils import timezone
from wagtail.images import get_image_model

from courses.sizing import MINUTES_PER_CE_HOUR
from lms.models import base_url
from quizzes.choices import QuizKind

from .integrity import proof_add, proof_verify
from .keys import issuer_did, public_key_from_multibase, signing_key
from .models import Certificate, CertificateKind, StatusList

logger = logging.getLogger(__name__)

CREDENTIAL_CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
# Verifiers may cache a status list this long: a revocation reaches them within it of being signed.
STATUS_LIST_TTL_SECONDS = 300
# Wallets show the achievement's image as a badge and the issuer's beside it. Small renditions, in the
# credential as data: URIs, since it outlives any address of this site; a logo keeps its shape.
ACHIEVEMENT_IMAGE = ("fill-200x200|format-jpeg|jpegquality-80", "image/jpeg")
ISSUER_IMAGE = ("max-200x200|format-png", "image/png")


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _number(hours: str):
    """CE hours as a JSON number: 1 for "1.00" and 1.5 for "1.50", never a Decimal string, so that
    every JSON-LD processor reads the same value (an integer and a double canonicalise differently)."""
    value = Decimal(hours)
    return int(value) if value == value.to_integral_value() else float(value)


def _identifier_type(board_code: str, what: str) -> str:
    """An Open Badges extension identifier type (`ext:` and letters, digits, dot, dash, underscore)."""
    return "ext:" + "".join(c if c.isascii() and (c.isalnum() or c in ".-_") else "-" for c in board_code) + what


def _without_control_characters(value):
    """Strings with no control characters: canonical N-Quads escape them, and implementations disagree
    on how (pyld writes some raw), which would make a signature another verifier cannot reproduce."""
    if isinstance(value, str):
        return "".join(char for char in value if unicodedata.category(char) != "Cc")
    if isinstance(value, list):
        return [_without_control_characters(item) for item in value]
    if isinstance(value, dict):
        return {key: _without_control_characters(item) for key, item in value.items()}
    return value


def _image(image_id: int | None, rendition: tuple[str, str]) -> dict | None:
    """An Open Badges Image holding a small rendition of the image as a data: URI; None when there is
    no image, or its file cannot be read (the credential is signed without it rather than not at all)."""
    image = get_image_model().objects.filter(pk=image_id).first() if image_id else None
    if image is None:
        return None
    filter_spec, media_type = rendition
    try:
        with image.get_rendition(filter_spec).file.open("rb") as file:
            data = file.read()
    except OSError as error:
        logger.warning("Image %s left out of a credential: %s", image_id, error)
        return None
    found = {"id": f"data:{media_type};base64,{base64.b64encode(data).decode()}", "type": "Image"}
    if image.description.strip():
        found["caption"] = image.description.strip()
    return found


def _percent(value: Decimal) -> str:
    """85 for 85.00 and 87.5 for 87.50: a Result's value and a ResultDescription's bounds are strings."""
    return f"{value.normalize():f}"


def _passing_final_attempt(enrollment):
    """The attempt that passed the course's final assessment: the first, as `final_test_passed_at`
    records. Attempts are never changed once graded, so it reads the same at signing as at issue."""
    return (
        enrollment.quiz_attempts.filter(passed=True, quiz__kind=QuizKind.FINAL, percent__isnull=False)
        .order_by("submitted_at", "pk")
        .first()
    )


def credential_url(certificate: Certificate, *, root: str) -> str:
    """Where the signed credential is served: its own id, so `root` must be the base_url() it is signed under."""
    return root + reverse("certificates:credential", args=[certificate.printed_code])


def status_list_url(status_list_id: int, *, root: str) -> str:
    return root + reverse("certificates:status_list", args=[status_list_id])


def credential_document(certificate: Certificate, *, root: str, salt: str) -> dict:
    """The unsigned OpenBadgeCredential, built from the certificate's snapshot: what was certified,
    as it was certified. The holder is named, and identified by their email hashed with `salt`; the
    score of a passed final assessment is read from its graded attempt, which never changes."""
    snapshot = certificate.snapshot
    course, provider = snapshot["course"], snapshot["provider"]
    hours = _number(course["ce_hours"])
    enrollment = certificate.enrollment
    status_url = status_list_url(certificate.status_list_id, root=root)
    achieved = certificate.kind == CertificateKind.ACHIEVEMENT
    approvals = "; ".join(
        f"{a['board_name']} approval {a['number']}: “{a['title']}”, {a['hours']} CE hours" for a in course["approvals"]
    )
    issuer = {"id": issuer_did(), "type": ["Profile"], "name": provider["name"], "url": root + "/"}
    if provider["email"]:
        issuer["email"] = provider["email"]
    if logo := _image(provider.get("logo_id"), ISSUER_IMAGE):
        issuer["image"] = logo
    provider_numbers = {a["board"]: a["provider_number"] for a in course["approvals"] if a["provider_number"]}
    if provider_numbers:
        issuer["otherIdentifier"] = [
            {"type": "IdentifierEntry", "identifier": number, "identifierType": _identifier_type(board, "-provider")}
            for board, number in provider_numbers.items()
        ]
    achievement = {
        "id": root + enrollment.course.get_url_parts()[2],
        "type": ["Achievement"],
        "achievementType": "Certificate" if achieved else "CertificateOfCompletion",
        "name": course["title"],
        "description": (
            f"{course['delivery_label']} continuing-education course of {course['ce_hours']} CE hours "
            f"(one CE hour is {MINUTES_PER_CE_HOUR} minutes of instruction). {approvals}."
        ),
        "criteria": {
            "narrative": "Complete every lesson of the course and its minimum study time"
            + (", and pass the final assessment." if achieved else ".")
        },
        "creditsAvailable": hours,
        "tag": [course["delivery_label"], *course["categories"]],
        "otherIdentifier": [
            {
                "type": "IdentifierEntry",
                "identifier": a["number"],
                "identifierType": _identifier_type(a["board"], "-approval"),
            }
            for a in course["approvals"]
        ],
    }
    if cover := _image(course.get("cover_image_id"), ACHIEVEMENT_IMAGE):
        achievement["image"] = cover
    email = enrollment.user.email.strip().lower()
    subject = {
        "type": ["AchievementSubject"],
        # OB 3.0's "name" identity type, which wallets show as the holder's name; plain, as it is printed.
        "identifier": [
            {
                "type": "IdentityObject",
                "identityType": "name",
                "hashed": False,
                "identityHash": snapshot["holder"]["name"],
            },
            {
                "type": "IdentityObject",
                "identityType": "emailAddress",
                "hashed": True,
                "identityHash": "sha256$" + hashlib.sha256((email + salt).encode()).hexdigest(),
                "salt": salt,
            },
        ],
        "creditsEarned": hours,
        "activityEndDate": _timestamp(enrollment.completed_at),
        "achievement": achievement,
    }
    attempt = _passing_final_attempt(enrollment) if achieved else None
    if attempt is not None:
        assessment = achievement["id"] + "#final-assessment"
        achievement["resultDescription"] = [
            {
                "id": assessment,
                "type": ["ResultDescription"],
                "name": "Final assessment score",
                "resultType": "Percent",
                "valueMin": "0",
                "valueMax": "100",
                "requiredValue": _percent(attempt.pass_mark_percent),
            }
        ]
        subject["result"] = [{"type": ["Result"], "resultDescription": assessment, "value": _percent(attempt.percent)}]
    return _without_control_characters(
        {
            "@context": CREDENTIAL_CONTEXTS,
            "id": credential_url(certificate, root=root),
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "name": f"{certificate.get_kind_display()}: {course['title']}",
            "description": (
                f"{provider['name']} certifies that the holder completed the {course['delivery_label'].lower()} "
                f"continuing-education course “{course['title']}”, {course['ce_hours']} CE hours"
                + (", passing its final assessment." if achieved else ".")
            ),
            "issuer": issuer,
            "validFrom": _timestamp(certificate.issued_at),
            "awardedDate": _timestamp(certificate.issued_at),
            "credentialSubject": subject,
            "credentialStatus": {
                "id": f"{status_url}#{certificate.status_list_index}",
                "type": "BitstringStatusListEntry",
                "statusPurpose": "revocation",
                "statusListIndex": str(certificate.status_list_index),
                "statusListCredential": status_url,
            },
        }
    )


def _key_or_warn(what: str):
    """The signing key and its published record, or None, with a warning, when none is configured."""
    try:
        return signing_key()
    except ImproperlyConfigured as error:
        logger.warning("%s: %s", what, error)
        return None


def _signed_text(document: dict, key, *, now: datetime) -> str:
    """The document signed with the key, checked against its published public half, as text."""
    private_key, record = key
    signed = proof_add(
        document,
        private_key=private_key,
        verification_method=f"{issuer_did()}#{record.key_id}",
        created=_timestamp(now),
    )
    proof_verify(signed, public_key_from_multibase(record.public_key_multibase))
    return json.dumps(signed, ensure_ascii=False, indent=2)


def credential_sign(certificate_id: int) -> Certificate | None:
    """Signs the certificate's credential once (a random bit of a status list is taken first) and
    publishes that list if it never was, or if the certificate is already revoked. Without a
    configured key nothing is signed: the operator is warned, and `manage.py sign_credentials`
    signs what is pending once a key is set."""
    key = _key_or_warn(f"Certificate {certificate_id} left unsigned")
    if key is None:
        return None
    certificate = _with_status_bit(certificate_id)
    root = base_url()
    with transaction.atomic():
        locked = (
            Certificate.objects.select_for_update()
            .select_related("enrollment__user", "enrollment__course")
            .get(pk=certificate.pk)
        )
        if not locked.credential:
            document = credential_document(locked, root=root, salt=secrets.token_hex(8))
            locked.credential = _signed_text(document, key, now=timezone.now())
            locked.save(update_fields=["credential"])
    # A certificate revoked before it was signed had no bit to set then; its list is signed again now.
    if locked.revoked_at or not StatusList.objects.filter(pk=locked.status_list_id).exclude(credential="").exists():
        status_list_sign(locked.status_list_id)
    return locked


def _with_status_bit(certificate_id: int) -> Certificate:
    """The certificate, holding a random free bit of the newest status list not yet half full (beyond
    half, a random free bit gets slow to find and says more about its neighbours)."""
    for _ in range(20):
        with transaction.atomic():
            certificate = Certificate.objects.select_for_update().get(pk=certificate_id)
            if certificate.status_list_id is not None:
                return certificate
            # Locked while a bit is drawn, so that signers at the same moment share the list
            # instead of each opening one (a list of one certificate would tell whose it is).
            status_list = StatusList.objects.select_for_update().order_by("-pk").first()
            if status_list is None or status_list.certificates.count() >= StatusList.LENGTH // 2:
                status_list = StatusList.objects.create()
            try:
                with transaction.atomic():
                    certificate.status_list = status_list
                    certificate.status_list_index = secrets.randbelow(StatusList.LENGTH)
                    certificate.save(update_fields=["status_list", "status_list_index"])
            except IntegrityError:
                continue  # an earlier certificate holds that bit: draw again
            return certificate
    raise RuntimeError(f"No free status bit found for certificate {certificate_id}.")


def encoded_list(revoked_indexes) -> str:
    """The bitstring (index 0 the left-most bit), GZIP-compressed, as multibase base64url without padding."""
    bits = bytearray(StatusList.LENGTH // 8)
    for index in revoked_indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    return "u" + base64.urlsafe_b64encode(gzip.compress(bytes(bits), mtime=0)).decode().rstrip("=")


def decoded_list(encoded: str) -> bytes:
    if not encoded.startswith("u"):
        raise ValueError("The encoded list is not multibase base64url.")
    return gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))


def bit_is_set(bits: bytes, index: int) -> bool:
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def status_list_sign(status_list_id: int) -> None:
    """Signs the list again from the certificates revoked now. Run after every revocation."""
    key = _key_or_warn(f"Status list {status_list_id} not published")
    if key is None:
        return
    root = base_url()
    with transaction.atomic():
        status_list = StatusList.objects.select_for_update().get(pk=status_list_id)
        revoked = status_list.certificates.filter(revoked_at__isnull=False).values_list("status_list_index", flat=True)
        url = status_list_url(status_list.pk, root=root)
        now = timezone.now()
        document = {
            "@context": [CREDENTIAL_CONTEXTS[0]],
            "id": url,
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": issuer_did(),
            "validFrom": _timestamp(now),
            "credentialSubject": {
                "id": f"{url}#list",
                "type": "BitstringStatusList",
                "statusPurpose": "revocation",
                "encodedList": encoded_list(revoked),
                "ttl": STATUS_LIST_TTL_SECONDS * 1000,
            },
        }
        status_list.credential = _signed_text(document, key, now=now)
        status_list.signed_at = now
        status_list.save(update_fields=["credential", "signed_at"])


def stale_status_lists():
    """Lists a revocation has not reached yet (signing failed, or no key was set): never signed, or
    signed before their latest revocation. `manage.py sign_credentials` signs them again."""
    return StatusList.objects.annotate(last_revoked=Max("certificates__revoked_at")).filter(
        Q(signed_at__isnull=True) | Q(last_revoked__gt=F("signed_at"))
    )
