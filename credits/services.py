"""Operations on the CE record. Entries' facts are never edited: a correction is a new entry that
supersedes the old one; only statuses (a reviewer's verdict, a withdrawal) change."""

from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from .models import CreditEntry, EntrySource, ReviewStatus


def ledger_record_certificate(*, user, certificate_code: str, course, completed_on, approvals, provider_name: str):
    """One earned entry per board approval the certificate was issued under, dated by the completion.

    `approvals` are the course's current approvals (duck-typed: board, number, approved_title,
    approved_hours, delivery, categories); the certificates layer calls this inside the transaction
    that issues the certificate, so that a certificate never exists without its entries."""
    entries = []
    for approval in approvals:
        entry = CreditEntry.objects.create(
            user=user,
            source=EntrySource.EARNED,
            board=approval.board,
            title=approval.approved_title,
            provider_name=provider_name,
            provider_number=approval.board.provider_number,
            approval_number=approval.number,
            hours=approval.approved_hours,
            delivery=approval.delivery,
            completed_on=completed_on,
            certificate_code=certificate_code,
            course=course,
            review_status=ReviewStatus.VERIFIED,
        )
        entry.categories.set(approval.categories.all())
        entries.append(entry)
    return entries


def ledger_certificate_withdraw(*, certificate_code: str, reason: str, by=None) -> int:
    """A revoked certificate's entries stop counting, saying why; they stay in the record."""
    with transaction.atomic():
        entries = list(
            CreditEntry.objects.select_for_update().filter(
                certificate_code=certificate_code, withdrawn_at__isnull=True, superseded_by__isnull=True
            )
        )
        now = timezone.now()
        for entry in entries:
            entry.withdrawn_at, entry.withdrawn_reason = now, f"Certificate revoked: {reason}"
            entry.save(update_fields=["withdrawn_at", "withdrawn_reason"])
            log(instance=entry, action="credits.withdraw", user=by, data={"reason": reason})
    return len(entries)


def ledger_certificate_reissue(*, old_code: str, new_code: str, reason: str, by=None) -> list[CreditEntry]:
    """A reissued certificate takes over its predecessor's entries: one new entry supersedes each old one,
    so the completion keeps one set of entries that counts."""
    created = []
    with transaction.atomic():
        old_entries = CreditEntry.objects.select_for_update().filter(
            certificate_code=old_code, superseded_by__isnull=True
        )
        for old in old_entries.prefetch_related("categories"):
            created.append(entry_supersede(entry=old, reason=reason, by=by, certificate_code=new_code))
    return created


def entry_supersede(*, entry: CreditEntry, reason: str, by=None, **corrected) -> CreditEntry:
    """A copy of `entry` with `corrected` facts that replaces it in the record; `entry` stays as it was."""
    categories = corrected.pop("categories", None)
    kept = {
        field.name: getattr(entry, field.name)
        for field in CreditEntry._meta.concrete_fields
        if field.name not in {"id", "supersedes", "correction_reason", "created_at", "created_by"}
    }
    new = CreditEntry.objects.create(
        **{**kept, **corrected}, supersedes=entry, correction_reason=reason.strip(), created_by=by
    )
    new.categories.set(entry.categories.all() if categories is None else categories)
    log(instance=new, action="credits.supersede", user=by, data={"supersedes": entry.pk, "reason": reason})
    return new
