"""Reads of reported credits: a practitioner's own record, and the reviewers' queue."""

from django.db.models import QuerySet

from accounts.selectors import user_has_mfa

from .models import CreditEntry, EntrySource, ReviewStatus
from .services import REVIEW_PERMISSION


def record_entries(*, user) -> QuerySet[CreditEntry]:
    """Every entry of the user's CE record, earned and reported, current or replaced, newest first."""
    return (
        CreditEntry.objects.filter(user=user)
        .select_related("board", "superseded_by", "supersedes")
        .prefetch_related("categories")
    )


def own_entry(*, user, entry_id: int) -> CreditEntry | None:
    """The user's own entry with this id, or None: another practitioner's entry is never returned."""
    return record_entries(user=user).filter(pk=entry_id).first()


def may_review(*, user) -> bool:
    return user.is_authenticated and user.has_perm(REVIEW_PERMISSION) and user_has_mfa(user=user)


def entry_with_proof(*, user, entry_id: int) -> CreditEntry | None:
    """The entry whose proof this user may see (its owner's, or any for a reviewer with two-factor), or None."""
    entries = CreditEntry.objects.exclude(proof="")
    if not may_review(user=user):
        entries = entries.filter(user=user)
    return entries.filter(pk=entry_id).first()


class QueueStatus:
    AWAITING = "awaiting"
    VERIFIED = ReviewStatus.VERIFIED.value
    REJECTED = ReviewStatus.REJECTED.value
    ALL = "all"

    choices = [
        (AWAITING, "Awaiting review"),
        (VERIFIED, "Verified"),
        (REJECTED, "Rejected"),
        (ALL, "All reported credits"),
    ]


def review_queue(*, status: str = QueueStatus.AWAITING) -> QuerySet[CreditEntry]:
    """Reported credits for reviewers, oldest first when awaiting review (first come, first reviewed),
    newest first otherwise. Replaced and withdrawn versions are left out of the queue."""
    entries = (
        CreditEntry.objects.filter(source=EntrySource.REPORTED)
        .select_related("user", "board", "reviewed_by", "supersedes")
        .prefetch_related("categories")
    )
    if status == QueueStatus.AWAITING:
        return entries.filter(
            review_status=ReviewStatus.SELF_REPORTED, superseded_by__isnull=True, withdrawn_at__isnull=True
        ).order_by("created_at", "pk")
    if status in (QueueStatus.VERIFIED, QueueStatus.REJECTED):
        entries = entries.filter(review_status=status)
    return entries.order_by("-created_at", "-pk")
