"""Operations on the CE record. Entries' facts are never edited: a correction is a new entry that
supersedes the old one; only statuses (a reviewer's verdict, a withdrawal) change."""

import secrets
from contextlib import contextmanager

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from accounts.selectors import user_has_mfa
from lms.errors import DomainError, NotPermitted

from .models import CreditEntry, EntrySource, ReviewStatus
from .proofs import Proof, proof_validate


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
            # Only the entries' own rows are locked: PostgreSQL locks no nullable side of an outer join.
            CreditEntry.objects.select_for_update(of=("self",)).filter(
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
    so the completion keeps one set of entries that counts.

    The new certificate is valid, so its entries count whether or not the old one was revoked: a withdrawal
    belongs to the revoked certificate and stays on its (now superseded) entries, never copied forward."""
    created = []
    with transaction.atomic():
        old_entries = CreditEntry.objects.select_for_update(of=("self",)).filter(
            certificate_code=old_code, superseded_by__isnull=True
        )
        for old in old_entries.prefetch_related("categories"):
            created.append(
                entry_supersede(
                    entry=old, reason=reason, by=by, certificate_code=new_code, withdrawn_at=None, withdrawn_reason=""
                )
            )
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


# Credits practitioners report from elsewhere -----------------------------------------------------------

REVIEW_PERMISSION = "credits.review_creditentry"

# What a practitioner states about a credit; the form's cleaned data carries these keys.
_REPORTED_FACTS = ("title", "provider_name", "provider_number", "board", "completed_on", "hours", "delivery")


class ReportedCreditError(DomainError):
    """Why a reported credit cannot be recorded, reviewed or corrected, in words for the person asking."""


def reported_credit_create(*, user, data: dict, proof) -> CreditEntry:
    """Records a credit the practitioner completed elsewhere, self-reported until a reviewer looks at it.

    `proof` is a checked `proofs.Proof` (an uploaded file is checked here). Its file is written only
    for a row that is saved: a failure anywhere in the transaction deletes it again."""
    proof = proof if isinstance(proof, Proof) else proof_validate(proof)
    entry = CreditEntry(
        user=user,
        source=EntrySource.REPORTED,
        review_status=ReviewStatus.SELF_REPORTED,
        created_by=user,
        **{name: data[name] for name in _REPORTED_FACTS},
    )
    with _proof_stored(entry, proof), transaction.atomic():
        entry.save()
        entry.categories.set(data.get("categories") or [])
        log(instance=entry, action="credits.report", user=user, data={"title": entry.title, "hours": str(entry.hours)})
    return entry


def reported_credit_review(*, entry: CreditEntry, by, verdict: str, note: str = "", skip_permission_checks=False):
    """A reviewer's verdict on a self-reported credit: verified, or rejected with the reason the
    practitioner will read. Only the current version of an entry still awaiting review can be reviewed."""
    if not skip_permission_checks:
        _check_may_review(by)
    note = note.strip()
    if verdict not in (ReviewStatus.VERIFIED, ReviewStatus.REJECTED):
        raise ReportedCreditError("Choose whether to verify or to reject the credit.")
    if verdict == ReviewStatus.REJECTED and not note:
        raise ReportedCreditError("Give the reason for rejecting: the practitioner reads it in their CE record.")
    with transaction.atomic():
        entry = CreditEntry.objects.select_for_update().get(pk=entry.pk)
        if not skip_permission_checks and entry.user_id == by.pk:
            raise NotPermitted("Another reviewer must review credits you reported yourself.")
        _check_awaits_review(entry)
        entry.review_status, entry.review_note = verdict, note
        entry.reviewed_by, entry.reviewed_at = by, timezone.now()
        entry.save(update_fields=["review_status", "review_note", "reviewed_by", "reviewed_at"])
        action = "credits.verify" if verdict == ReviewStatus.VERIFIED else "credits.reject"
        log(instance=entry, action=action, user=by, data={"note": note})
    return entry


def reported_credit_correct(*, entry: CreditEntry, by, data: dict, proof=None) -> CreditEntry:
    """The practitioner's correction of their own credit, before it is reviewed: a new entry with the
    corrected facts (and proof, if a new one is given) supersedes it, and both stay in the record.
    `data["correction_reason"]` says what was wrong."""
    if by is None or entry.user_id != by.pk:
        raise NotPermitted("You can correct only credits you reported yourself.")
    reason = (data.get("correction_reason") or "").strip()
    if not reason:
        raise ReportedCreditError("Say what you corrected, so that reviewers can follow the change.")
    if proof is not None and not isinstance(proof, Proof):
        proof = proof_validate(proof)
    corrected = {name: data[name] for name in _REPORTED_FACTS}
    replacement = CreditEntry(proof=entry.proof, proof_content_type=entry.proof_content_type)
    with _proof_stored(replacement, proof), transaction.atomic():
        entry = CreditEntry.objects.select_for_update().get(pk=entry.pk)
        _check_awaits_review(entry, correcting=True)
        new = entry_supersede(
            entry=entry,
            reason=reason,
            by=by,
            categories=list(data.get("categories") or []),
            proof=replacement.proof.name,
            proof_content_type=replacement.proof_content_type,
            **corrected,
        )
    return new


def _check_may_review(by) -> None:
    if by is None or not by.has_perm(REVIEW_PERMISSION):
        raise NotPermitted("Only reviewers can verify or reject reported credits.")
    if not user_has_mfa(user=by):
        raise NotPermitted("Set up two-factor authentication before reviewing reported credits.")


def _check_awaits_review(entry: CreditEntry, *, correcting: bool = False) -> None:
    if entry.source != EntrySource.REPORTED:
        raise ReportedCreditError("Only credits reported by the practitioner are reviewed; this one was earned here.")
    if CreditEntry.objects.filter(supersedes=entry).exists():
        raise ReportedCreditError("This entry has been replaced by a correction; open the corrected entry instead.")
    if entry.withdrawn_at is not None:
        raise ReportedCreditError("This entry has been withdrawn.")
    if entry.review_status != ReviewStatus.SELF_REPORTED:
        verdict = entry.get_review_status_display().lower()
        if correcting:
            raise ReportedCreditError(
                f"This credit has already been {verdict}, so it can no longer be corrected. "
                "Report the credit again with the right details."
            )
        raise ReportedCreditError(f"This credit has already been {verdict}.")


@contextmanager
def _proof_stored(entry: CreditEntry, proof: Proof | None):
    """Writes the proof under a random name for `entry` to hold, and deletes it if the block fails."""
    if proof is None:
        yield
        return
    entry.proof.save(f"{secrets.token_hex(16)}.{proof.extension}", ContentFile(proof.content), save=False)
    entry.proof_content_type = proof.content_type
    try:
        yield
    except BaseException:
        entry.proof.storage.delete(entry.proof.name)
        raise
