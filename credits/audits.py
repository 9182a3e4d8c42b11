"""Regulators' audits of licensees' CE records: who may audit, their API tokens, and the lookups.

A regulator is an active member of the Regulators group with a Regulator record naming one board. They
look up a license number of that board and read its holder's certificates and CE record entries that
board takes. Every lookup is recorded, found or not, so that the practitioner can see who looked.

A number that is not of the regulator's board reads exactly as one never recorded: the same single
query answers both (no license of this board has that number), the same lookup row is written, and the
same empty record comes back, so neither the page nor the API tells them apart.
"""

import datetime
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from wagtail.log_actions import log

from accounts.models import Licence, normalise_licence_number
from lms.errors import DomainError, NotPermitted

from .models import (
    REGULATORS,
    Board,
    CreditEntry,
    EntrySource,
    RecordLookup,
    Regulator,
    RegulatorToken,
    RenewalRule,
)
from .transcripts import printed_code

# Recognisable in a leaked file or a secret scanner's rules; the random part carries 256 bits.
TOKEN_PREFIX = "ceaudit_"  # noqa: S105 - a public marker, not a secret
MAX_NUMBER_LENGTH = Licence._meta.get_field("number").max_length
TOKEN_NAME_LENGTH = RegulatorToken._meta.get_field("name").max_length


class InvalidLicenceNumber(DomainError):
    """Text that cannot be a license number of any board: blank, or longer than any we keep."""


def regulator_for(user) -> Regulator | None:
    """The Regulator record of an active member of the Regulators group, else None: a regulator removed
    from the group, or deactivated, audits nothing even though their record stays."""
    if not user.is_authenticated or not user.is_active:
        return None
    return Regulator.objects.select_related("board").filter(user=user, user__groups__name=REGULATORS).first()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_issue(*, regulator: Regulator, name: str, by) -> tuple[str, RegulatorToken]:
    """A new API token for `regulator`: the plaintext, to be shown once, and its record, which keeps only
    the token's SHA-256 and first characters. Superusers only."""
    if not by.is_superuser:
        raise NotPermitted("Only a superuser can issue audit API tokens.")
    name = name.strip()
    if not name:
        raise DomainError("Say what the token is for, e.g. the board's audit script.")
    if len(name) > TOKEN_NAME_LENGTH:
        raise DomainError(f"Keep the name to {TOKEN_NAME_LENGTH} characters.")
    if regulator_for(regulator.user) is None:
        raise DomainError(
            f"{regulator.user} is not an active member of the Regulators group, so a token would not work: "
            "add them to the group first."
        )
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    prefix_length = RegulatorToken._meta.get_field("prefix").max_length
    with transaction.atomic():
        token = RegulatorToken.objects.create(
            regulator=regulator,
            name=name,
            prefix=plaintext[:prefix_length],
            token_hash=_digest(plaintext),
            created_by=by,
        )
        log(instance=token, action="credits.token_issue", user=by, data={"regulator": regulator.pk, "name": name})
    return plaintext, token


def token_revoke(*, token: RegulatorToken, by) -> RegulatorToken:
    """Stops the token working from now on; its record stays. Superusers only."""
    if not by.is_superuser:
        raise NotPermitted("Only a superuser can revoke audit API tokens.")
    now = timezone.now()
    with transaction.atomic():
        if not RegulatorToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now):
            raise DomainError(f"The token “{token.name}” is already revoked.")
        log(instance=token, action="credits.token_revoke", user=by, data={"regulator": token.regulator_id})
    token.revoked_at = now
    return token


def regulator_from_bearer(header_value: str | None) -> Regulator | None:
    """The regulator an `Authorization: Bearer <token>` header speaks for, or None if the token is missing,
    unknown or revoked, or its regulator is deactivated or no longer in the Regulators group.

    The token is found by its SHA-256, so the database compares digests, not secrets: how long a lookup
    takes tells nothing about the token. The regulator returned carries the token used, as `.token`, for
    per-token limits; the token's last use is recorded."""
    scheme, _, presented = (header_value or "").partition(" ")
    presented = presented.strip()
    if scheme.lower() != "bearer" or not presented.startswith(TOKEN_PREFIX) or len(presented) > 100:
        return None
    digest = _digest(presented)
    token = (
        RegulatorToken.objects.select_related("regulator__board", "regulator__user")
        .filter(
            token_hash=digest,
            revoked_at__isnull=True,
            regulator__user__is_active=True,
            regulator__user__groups__name=REGULATORS,
        )
        .first()
    )
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        return None
    token.last_used_at = timezone.now()
    RegulatorToken.objects.filter(pk=token.pk).update(last_used_at=token.last_used_at)
    regulator = token.regulator
    regulator.token = token
    return regulator


@dataclass(frozen=True)
class CertificateRow:
    code: str
    printed_code: str
    course_title: str
    completed_on: datetime.date
    hours: object
    withdrawn: bool
    verification_url: str

    @property
    def status(self) -> str:
        return "withdrawn" if self.withdrawn else "valid"


@dataclass(frozen=True)
class HolderRecord:
    licence: Licence
    name: str
    certificates: list[CertificateRow]
    entries: list[CreditEntry]


@dataclass(frozen=True)
class LicenceRecord:
    """What a regulator reads for one license number of their board: one holder per license recorded
    with that number (numbers are unique per practitioner and board, not across practitioners, so two
    people may have typed the same one), each shown apart; no holder if none is recorded."""

    board: Board
    number: str
    holders: list[HolderRecord]


def licence_record_lookup(*, regulator: Regulator, licence_number: str, channel: str, address: str | None):
    """Records the regulator's lookup of `licence_number` and returns that license's record.

    Each license found gets its own lookup row, so each holder sees it on their profile; a number not
    found gets one row with no license. InvalidLicenceNumber (and nothing recorded) if the text cannot be
    a license number at all."""
    number = normalise_licence_number(licence_number or "")
    if not number:
        raise InvalidLicenceNumber("Type the license number to look up.")
    if len(number) > MAX_NUMBER_LENGTH:
        raise InvalidLicenceNumber(f"A license number has at most {MAX_NUMBER_LENGTH} characters.")
    board = regulator.board
    licences = list(Licence.objects.filter(board=board, number=number).select_related("user").order_by("pk"))
    RecordLookup.objects.bulk_create(
        RecordLookup(
            regulator=regulator,
            licence=licence,
            holder=licence and licence.user,
            licence_number=number,
            channel=channel,
            address=address,
        )
        for licence in licences or [None]
    )
    if not licences:
        return LicenceRecord(board=board, number=number, holders=[])
    return LicenceRecord(board=board, number=number, holders=_holders(board, licences))


def _holders(board: Board, licences: list[Licence]) -> list[HolderRecord]:
    rule = (
        RenewalRule.objects.filter(board=board, effective_from__lte=timezone.localdate())
        .order_by("-effective_from")
        .prefetch_related("accepted_boards")
        .first()
    )
    boards = {board.pk, *(accepted.pk for accepted in (rule.accepted_boards.all() if rule else []))}
    # What the board's rule takes, as the requirement engine reads it: approvals by the board or one it
    # accepts; reported credits where the rule accepts self-reported credits, unless they name a board
    # it does not take (that credit is another board's, and none of this regulator's business).
    taken = Q(source=EntrySource.EARNED, board_id__in=boards)
    if rule is None or rule.accepts_self_reported:
        taken |= Q(source=EntrySource.REPORTED) & (Q(board__isnull=True) | Q(board_id__in=boards))
    entries_by_user: dict[int, list[CreditEntry]] = {}
    for entry in (
        CreditEntry.objects.filter(taken, user_id__in={licence.user_id for licence in licences})
        .filter(superseded_by__isnull=True)
        .select_related("board", "course")
        .prefetch_related("categories")
    ):
        entries_by_user.setdefault(entry.user_id, []).append(entry)
    return [
        HolderRecord(
            licence=licence,
            name=licence.user.legal_name or licence.user.get_full_name(),
            certificates=_certificates(board, entries_by_user.get(licence.user_id, [])),
            entries=entries_by_user.get(licence.user_id, []),
        )
        for licence in licences
    ]


def _certificates(board: Board, entries: list[CreditEntry]) -> list[CertificateRow]:
    """One row per certificate, from its entry under the board's own approval where it has one."""
    chosen: dict[str, CreditEntry] = {}
    for entry in entries:
        certified = entry.source == EntrySource.EARNED and entry.certificate_code
        if certified and (entry.certificate_code not in chosen or entry.board_id == board.pk):
            chosen[entry.certificate_code] = entry
    return [
        CertificateRow(
            code=code,
            printed_code=printed_code(code),
            course_title=entry.course.title if entry.course else entry.title,
            completed_on=entry.completed_on,
            hours=entry.hours,
            withdrawn=entry.withdrawn_at is not None,
            verification_url=reverse("certificates:verify", args=[code]),
        )
        for code, entry in chosen.items()
    ]


def record_json(record: LicenceRecord, *, absolute) -> dict:
    """The API's answer for a record; `absolute` turns a path into a full address."""
    return {
        "license_number": record.number,
        "board": {"code": record.board.code, "name": record.board.name},
        "status": "found" if record.holders else "not_found",
        "holders": [
            {
                "name": holder.name,
                "license": {
                    "number": holder.licence.number,
                    "jurisdiction": holder.licence.jurisdiction,
                    "expires_on": holder.licence.expires_on.isoformat(),
                },
                "certificates": [
                    {
                        "code": row.printed_code,
                        "course_title": row.course_title,
                        "completed_on": row.completed_on.isoformat(),
                        "ce_hours": str(row.hours),
                        "status": row.status,
                        "verification_url": absolute(row.verification_url),
                    }
                    for row in holder.certificates
                ],
                "entries": [_entry_json(entry) for entry in holder.entries],
            }
            for holder in record.holders
        ],
    }


def _entry_json(entry: CreditEntry) -> dict:
    return {
        "source": entry.source,
        "board": entry.board.code if entry.board else None,
        "title": entry.title,
        "provider": entry.provider_name,
        "provider_number": entry.provider_number,
        "approval_number": entry.approval_number,
        "ce_hours": str(entry.hours),
        "categories": [category.name for category in entry.categories.all()],
        "delivery": entry.delivery,
        "completed_on": entry.completed_on.isoformat(),
        "certificate_code": printed_code(entry.certificate_code) if entry.certificate_code else None,
        "status": entry_status(entry),
        "withdrawn_reason": entry.withdrawn_reason or None,
    }


def entry_status(entry: CreditEntry) -> str:
    """An earned entry is valid until its certificate is revoked; a reported one reads as its review."""
    if entry.withdrawn_at:
        return "withdrawn"
    return "valid" if entry.source == EntrySource.EARNED else entry.review_status
